"""The embedder's lifecycle in one data directory: which model the vectors were built with, training
and swapping in the domain model, and rebuilding vectors when the model changes.

A new domain model is installed by renaming a symlink (`models/domain`), with `vectors_stale` set
in manifest.json until every stored vector is rebuilt, so a crash anywhere leaves a model on disk
and `repair` finishes an interrupted re-embedding.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from index.embed.domain_model import train_domain_model, training_clauses
from index.embed.model import DOMAIN, Embedder, load_embedder
from index.embed.vector_cache import CACHE_FILE, VectorCache, encode_cached
from index.errors import IndexMismatch, StorageError
from index.store.catalog import Catalog
from index.store.datadir import DataDir
from index.store.faults import NO_FAULTS, FaultPlan
from index.store.storage import storage_problem
from index.store.vectors import VectorStore
from ingest.models import Clause, Document
from ingest.segment import Segmenter

# Retrain the domain model when this share of the corpus changed since it was trained.
RETRAIN_SHARE = 0.2
# Passages per encoder call. The encoder sorts one call's texts by length, so a call across
# documents pads less: 74 passages/s against 51 per document with e5-small-int8 here (batch 16).
GROUP_PASSAGES = 512
TRAINED_ON = "trained_on.json"

Progress = Callable[[str, int, int], None]


def groups(items: list, sizes: list[int], limit: int = GROUP_PASSAGES) -> Iterator[list]:
    """`items` in order, cut into runs whose sizes add up to about `limit` (one large item stands alone)."""
    run: list = []
    total = 0
    for item, size in zip(items, sizes):
        run.append(item)
        total += size
        if total >= limit:
            yield run
            run, total = [], 0
    if run:
        yield run


def passage_text(clause: Clause, doc_title: str) -> str:
    """What the embedder sees for a clause: where it stands, then what it says."""
    where = " ".join([doc_title, *clause.heading_path[-1:], clause.title])
    return f"{where}\n{clause.text}"


class Embedding:
    """The configured embedder of one data directory, and the vectors it owes the store."""

    def __init__(self, data: DataDir, catalog: Catalog, vectors: VectorStore, segmenter: Segmenter,
                 embed_model: str = DOMAIN, tune_steps: int = 0, faults: FaultPlan = NO_FAULTS):
        self.data, self.catalog, self.vectors, self.segmenter = data, catalog, vectors, segmenter
        self.embed_model = embed_model or DOMAIN
        self.tune_steps = tune_steps
        self.faults = faults
        self._embedder: Embedder | None = None
        self.cache = VectorCache(data.path / CACHE_FILE, read_only=data.read_only)
        if not data.read_only:
            self._recover_domain_link()

    @property
    def domain_dir(self) -> Path:
        return self.data.models_dir / "domain"

    def description(self) -> str:
        data = self.data.manifest()
        if not data.get("embed_model"):
            return f"{self.embed_model} (not built yet)"
        name = "domain model trained on this corpus" if data["embed_model"] == DOMAIN else data["embed_model"]
        return f"{name} [{data.get('embed_dim')}-dim, {data.get('embed_fingerprint')}]"

    def embedder(self) -> Embedder:
        """The embedder the vectors were built with; IndexMismatch if the configuration differs."""
        if self._embedder is None:
            data = self.data.manifest()
            if data.get("embed_model") and data["embed_model"] != self.embed_model:
                raise IndexMismatch(
                    f"{self.data.path} was built with embedding model '{data['embed_model']}' but "
                    f"'{self.embed_model}' is configured; set STDKB_EMBED_MODEL={data['embed_model']} or re-ingest")
            spec = str(self.domain_dir) if self.embed_model == DOMAIN else self.embed_model
            embedder = load_embedder(spec, self.data.models_dir)
            if data.get("embed_fingerprint") and data["embed_fingerprint"] != embedder.fingerprint:
                raise IndexMismatch(f"the embedding model files changed since {self.data.path} was built "
                                    f"({data['embed_fingerprint']} → {embedder.fingerprint}); re-ingest")
            embedder.name = self.embed_model
            self._embedder = embedder
        return self._embedder

    def encode_documents(self, docs: list[Document]) -> list[tuple[Document, np.ndarray]]:
        """Each document with its clause vectors, encoded in one call (see GROUP_PASSAGES)."""
        return list(zip(docs, self._encode_runs([(d.title, d.clauses) for d in docs])))

    def _encode_runs(self, runs: list[tuple[str, list[Clause]]]) -> list[np.ndarray]:
        vecs = self.encode_passages([passage_text(c, title) for title, clauses in runs for c in clauses])
        out, at = [], 0
        for _, clauses in runs:
            out.append(vecs[at:at + len(clauses)])
            at += len(clauses)
        return out

    def encode_passages(self, texts: list[str]):
        """Passage vectors, from the cache where the same text was embedded by the same model before."""
        return encode_cached(self.embedder(), self.cache, texts)

    @property
    def model_missing(self) -> bool:
        return self.embed_model == DOMAIN and not self.domain_dir.exists()

    # ------------------------------------------------------------------------------ prepare
    def prepare(self, changed: list[Document], progress: Progress) -> tuple[bool, bool]:
        """Make the configured embedder ready for writing `changed`.

        Returns (every stored vector must be rebuilt, a domain model was trained in this call).
        """
        data = self.data.manifest()
        if self.embed_model != DOMAIN:
            embedder = self._embedder
            if embedder is None or embedder.name != self.embed_model:   # loading e5 costs seconds: once
                embedder = load_embedder(self.embed_model, self.data.models_dir)
                embedder.name = self.embed_model
            rebuild = data.get("embed_fingerprint") not in (None, embedder.fingerprint) \
                or not _same_model(data.get("embed_model"), self.embed_model)
            self._embedder = embedder
            self.data.update_manifest(embed_model=self.embed_model, embed_fingerprint=embedder.fingerprint,
                                      embed_dim=embedder.dim, dictionary=self.segmenter.version,
                                      vectors_stale=rebuild or bool(data.get("vectors_stale")))
            return rebuild, False
        if not changed and self.domain_dir.exists() and data.get("embed_model") == DOMAIN:
            return False, False
        changed_sources = {d.source for d in changed}
        rows = [(c, d.title, d.source) for c, d in self.catalog.iter_clauses() if d.source not in changed_sources]
        hashes = {d.content_hash for d in self.catalog.documents() if d.source not in changed_sources}
        corpus = training_clauses(rows + [(c, d.title, d.source) for d in changed for c in d.clauses])
        # Documents the current model already saw in training (an ingest killed after training
        # resumes without training again) do not count as new.
        seen = self._trained_on()
        new_clauses = sum(len(d.clauses) for d in changed if d.content_hash not in seen)
        must_train = (not self.domain_dir.exists() or data.get("embed_model") != DOMAIN
                      or new_clauses > RETRAIN_SHARE * max(data.get("domain_trained_on_clauses", 0), 1))
        if not must_train:
            return False, False
        progress("training domain embedding", 0, 1)
        tmp = self.data.models_dir / "domain.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            train_domain_model(corpus, tmp, self.segmenter, tune_steps=self.tune_steps,
                               progress=lambda msg, frac: progress(f"training domain embedding: {msg}",
                                                                   int(frac * 100), 100))
        except Exception as exc:
            problem = storage_problem(exc)
            if problem:   # the model is written into the data directory: its disk is full, not the model broken
                raise StorageError(self.data.path, problem) from exc
            raise
        (tmp / TRAINED_ON).write_text(json.dumps(sorted(hashes | {d.content_hash for d in changed})), encoding="utf-8")
        self.faults.reached("model-trained")
        self.data.update_manifest(vectors_stale=True)   # before the swap: a crash after it must rebuild
        self._install_domain_model(tmp)
        embedder = load_embedder(str(self.domain_dir), self.data.models_dir)
        embedder.name = DOMAIN
        self._embedder = embedder
        self.data.update_manifest(embed_model=DOMAIN, embed_fingerprint=embedder.fingerprint, embed_dim=embedder.dim,
                                  dictionary=self.segmenter.version, domain_trained_on_clauses=len(corpus),
                                  vectors_stale=True)
        return True, True

    def _trained_on(self) -> set[str]:
        """Content hashes of the documents the installed domain model was trained on."""
        path = self.domain_dir / TRAINED_ON
        return set(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else set()

    def _install_domain_model(self, trained: Path) -> None:
        """Swap a trained model in: `models/domain` is a symlink replaced in one atomic rename."""
        models = self.data.models_dir
        target = models / f"domain-{time.time_ns()}"
        os.replace(trained, target)
        link = models / "domain.link"
        link.unlink(missing_ok=True)
        link.symlink_to(target.name)
        if self.domain_dir.is_dir() and not self.domain_dir.is_symlink():
            shutil.rmtree(self.domain_dir)  # a data directory written before models were swapped by link
        self.faults.reached("model-link-removed")
        os.replace(link, self.domain_dir)
        for old in models.glob("domain-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)

    def _recover_domain_link(self) -> None:
        """A crash inside `_install_domain_model` can leave no link: point it at the newest model."""
        models = self.data.models_dir
        if self.domain_dir.exists() or not models.is_dir():
            return
        candidates = sorted(models.glob("domain-*"), key=lambda p: int(p.name.split("-")[1]))
        if candidates:
            self.domain_dir.unlink(missing_ok=True)  # a dangling link
            self.domain_dir.symlink_to(candidates[-1].name)

    # ----------------------------------------------------------------------------- rebuild
    def reembed_stored(self, skip: set[str], progress: Progress) -> None:
        """A new embedder: rebuild every stored document's vectors (the catalogue stays as it is).

        Vectors are overwritten document by document, so a crash leaves every document with a full
        set (some from the old model, flagged by `vectors_stale` until repair). Only a change of
        dimension, which Chroma cannot hold in one collection, starts from an empty store.
        The caller clears `vectors_stale` once the skipped documents have been written as well.
        """
        if self.vectors.dimension() not in (None, self.embedder().dim):
            self.vectors.reset()
        docs = [d for d in self.catalog.documents() if d.source not in skip]
        done = 0
        for run in groups(docs, [d.clause_count for d in docs]):
            stored = [(d, self.catalog.clauses_of(d.source)) for d in run]
            for (doc, clauses), vecs in zip(stored, self._encode_runs([(d.title, c) for d, c in stored])):
                self.vectors.upsert([c.id for c in clauses], vecs, [doc.source] * len(clauses))
                self.faults.reached("stored-reembedded")
            self.catalog.touch()   # every vector changes (maybe its length too): readers build their views whole
            done += len(run)
            progress("re-embedding stored documents", done, len(docs))

    def finish_stale_reembedding(self) -> None:
        """Repair after an interrupted re-embedding: the model files on disk are the model now."""
        self._embedder = None
        self.data.update_manifest(embed_fingerprint=None)
        self.data.update_manifest(embed_fingerprint=self.embedder().fingerprint)
        self.reembed_stored(skip=set(), progress=lambda *_: None)
        self.data.update_manifest(vectors_stale=False)

    def embed_missing(self) -> None:
        """Vectors for clauses that have none (after a crash or a lost vector store)."""
        clauses = self.catalog.clause_sources()
        missing = set(clauses) - set(self.vectors.sources_of(list(clauses)))
        self._embed(list(self.catalog.clauses_by_id(missing).values()))
        self.catalog.vectors_written()

    def embed_owed(self) -> None:
        """Vectors for the documents an interrupted ingest wrote the text of but not the vectors."""
        owed = self.catalog.owed_vectors()
        for source in owed:
            doc = self.catalog.document(source)
            self._embed([(c, doc) for c in self.catalog.clauses_of(source)] if doc else [])
        if owed:
            self.catalog.vectors_written(owed)

    def _embed(self, items: list) -> None:
        if items:
            vecs = self.encode_passages([passage_text(c, d.title) for c, d in items])
            self.vectors.upsert([c.id for c, _ in items], vecs, [d.source for _, d in items])


def _same_model(recorded: str | None, configured: str) -> bool:
    """Does the configured model name the one the vectors were made with? A model directory named
    by another path (a symlink, a relative path) is the same model: re-embedding a million clauses
    for it would take half an hour. Names that are not paths (e5-small-int8) must match exactly:
    e5 and its int8 form share their files but not their vectors."""
    if recorded is None or recorded == configured:
        return True
    a, b = Path(recorded), Path(configured)
    return a.is_dir() and b.is_dir() and a.resolve() == b.resolve()
