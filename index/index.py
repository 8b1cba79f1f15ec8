"""The Index facade: the only code that touches the catalogue (SQLite + FTS5) and the vector store.

Write order for one document, chosen so that a crash at any point leaves it either whole or absent
to readers, and `repair` can finish the job:
  1. catalogue: document row → 'pending' (readers stop seeing it);
  2. vectors: delete the document's old vectors, upsert the new ones;
  3. catalogue, one transaction: replace clauses + keyword rows, row → 'complete'.
A delete hides the row (pending) before the vectors go. A new embedder is installed by swapping
a symlink, with `vectors_stale` set in manifest.json until every vector is rebuilt, so an
interrupted retrain is finished by `repair` too. `check` verifies all of this on any directory.

A data directory that cannot be written (read-only mount, no permission) is opened from a private
snapshot of its stores, because Chroma has no read-only client (chroma-core/chroma#1438); searches
work, writes raise StorageError. Write failures from a full disk become StorageError as well.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Callable

from ingest.errors import DocumentError, StdkbError
from ingest.metadata import MANIFEST_NAME, Manifest, read_manifest
from ingest.models import Clause, Document, level_rank
from ingest.parse import find_files, parse_file
from ingest.segment import Segmenter

from .catalog import Catalog
from .domain_model import train_domain_model, training_clauses
from .embedder import DOMAIN, Embedder, load_embedder
from .filters import SearchFilters
from .outline import article_neighbours, outline
from .results import CheckReport, ClauseInContext, ClauseLookup, IngestReport, Neighbour, SearchResult, SkippedFile
from .search import Searcher, make_hit
from .storage import BYTES_PER_CLAUSE, StorageError, free_space_problem, storage_problem, write_problem
from .vectors import VectorStore, open_vector_store

SCHEMA_VERSION = 2
# Retrain the domain model when this share of the corpus changed since it was trained.
RETRAIN_SHARE = 0.2
TRAINED_ON = "trained_on.json"

Progress = Callable[[str, int, int], None]


class IndexMismatch(StdkbError):
    """The data directory was built differently from how it is being opened."""


class IngestBusy(StdkbError):
    """Another ingest holds the data directory."""


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    pass


class Index:
    """Documents and clauses of one data directory, searchable by keywords and by vectors."""

    def __init__(self, data_dir: Path | str, embed_model: str = DOMAIN, vector_mode: str = "persistent",
                 vector_url: str = "", segmenter: Segmenter | None = None, domain_tune_steps: int = 0,
                 background_refresh: bool = False):
        self.data_dir = Path(data_dir)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(self.data_dir, f"cannot create it: {exc.strerror}") from exc
        self.embed_model = embed_model or DOMAIN
        self.segmenter = segmenter or Segmenter()
        self.domain_tune_steps = domain_tune_steps
        # Decided once, at open: a server started on a full or read-only directory serves reads only.
        self.write_problem = write_problem(self.data_dir)
        self.read_only = self.write_problem is not None
        self._snapshot: Path | None = None
        stores = self._read_only_snapshot() if self.read_only else self.data_dir
        self.catalog = Catalog(stores / "catalog.sqlite3", read_only=self.read_only)
        self.vectors: VectorStore = open_vector_store(vector_mode, path=stores / "chroma", url=vector_url)
        if not self.read_only:
            self._recover_domain_link()
        self._embedder: Embedder | None = None
        self._searcher: Searcher | None = None
        self.background_refresh = background_refresh   # a server keeps answering while views rebuild
        self._check_manifest()

    # ----------------------------------------------------------------------------- description
    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def domain_dir(self) -> Path:
        return self.models_dir / "domain"

    def manifest(self) -> dict:
        path = self.data_dir / "manifest.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def _write_manifest(self, **updates) -> None:
        data = self.manifest()
        data.update(updates, schema=SCHEMA_VERSION)
        tmp = self.data_dir / "manifest.json.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.data_dir / "manifest.json")

    def _check_manifest(self) -> None:
        data = self.manifest()
        if data and data.get("schema") != SCHEMA_VERSION:
            raise IndexMismatch(f"{self.data_dir} was written by schema {data.get('schema')}, this stdkb reads "
                                f"schema {SCHEMA_VERSION}; ingest into a new data directory")

    def embedder_description(self) -> str:
        data = self.manifest()
        if not data.get("embed_model"):
            return f"{self.embed_model} (not built yet)"
        name = "domain model trained on this corpus" if data["embed_model"] == DOMAIN else data["embed_model"]
        return f"{name} [{data.get('embed_dim')}-dim, {data.get('embed_fingerprint')}]"

    def _read_only_snapshot(self) -> Path:
        """Copy the stores of a read-only data directory to a private temporary directory."""
        if not (self.data_dir / "catalog.sqlite3").exists():
            raise StorageError(self.data_dir, "it is read-only and holds no knowledge base")
        try:
            self._snapshot = Path(tempfile.mkdtemp(prefix="stdkb-readonly-"))
            atexit.register(shutil.rmtree, self._snapshot, True)
            for name in ("catalog.sqlite3", "catalog.sqlite3-wal"):
                if (self.data_dir / name).exists():
                    shutil.copy2(self.data_dir / name, self._snapshot / name)
            if (self.data_dir / "chroma").is_dir():
                shutil.copytree(self.data_dir / "chroma", self._snapshot / "chroma")
        except OSError as exc:
            raise StorageError(self.data_dir, f"{self.write_problem}, and its read-only copy in "
                                              f"{tempfile.gettempdir()} failed too ({exc.strerror}); "
                                              f"set TMPDIR to a disk with room") from exc
        return self._snapshot

    @contextlib.contextmanager
    def writing(self):
        """Every write to the data directory runs in here (the service's upload copies too): a full disk
        or a read-only directory becomes one clear StorageError."""
        if self.read_only:
            raise StorageError(self.data_dir, self.write_problem)
        try:
            yield
        except StorageError:
            raise
        except Exception as exc:
            problem = storage_problem(exc)
            if problem:
                raise StorageError(self.data_dir, problem) from exc
            raise

    # -------------------------------------------------------------------------------- embedder
    def embedder(self) -> Embedder:
        """The embedder the vectors were built with; IndexMismatch if the configuration differs."""
        if self._embedder is None:
            data = self.manifest()
            if data.get("embed_model") and data["embed_model"] != self.embed_model:
                raise IndexMismatch(
                    f"{self.data_dir} was built with embedding model '{data['embed_model']}' but "
                    f"'{self.embed_model}' is configured; set STDKB_EMBED_MODEL={data['embed_model']} or re-ingest")
            spec = str(self.domain_dir) if self.embed_model == DOMAIN else self.embed_model
            embedder = load_embedder(spec, self.models_dir)
            if data.get("embed_fingerprint") and data["embed_fingerprint"] != embedder.fingerprint:
                raise IndexMismatch(f"the embedding model files changed since {self.data_dir} was built "
                                    f"({data['embed_fingerprint']} → {embedder.fingerprint}); re-ingest")
            embedder.name = self.embed_model
            self._embedder = embedder
        return self._embedder

    # ---------------------------------------------------------------------------------- ingest
    def ingest(self, paths: list[Path], progress: Progress = _no_progress) -> IngestReport:
        """Parse and store every supported file under `paths`; unchanged files are skipped.

        A bad file is reported in `skipped` and never stops the others. Raises IngestBusy when
        another ingest holds this data directory.
        """
        started = time.time()
        report = IngestReport()
        with self.writing(), self._ingest_lock():
            self.repair()
            self._store(self._parse_all(paths, report, progress), report, progress)
        return self._finish_report(report, started)

    def ingest_documents(self, docs: list[Document], progress: Progress = _no_progress) -> IngestReport:
        """Store documents parsed elsewhere (uploads); same guarantees as `ingest`."""
        started = time.time()
        report = IngestReport()
        with self.writing(), self._ingest_lock():
            self.repair()
            self._store(docs, report, progress)
        return self._finish_report(report, started)

    def _store(self, docs: list[Document], report: IngestReport, progress: Progress) -> None:
        """Write the documents whose content changed; the caller holds the ingest lock."""
        stored = self.catalog.document_hashes()
        changed = [d for d in docs if stored.get(d.source) != (d.content_hash, "complete")]
        short = free_space_problem(self.data_dir, BYTES_PER_CLAUSE * sum(len(d.clauses) for d in changed))
        if short:
            raise StorageError(self.data_dir, short)
        report.documents_unchanged = len(docs) - len(changed)
        if self.manifest().get("dictionary") not in (None, self.segmenter.version):
            self._retokenize_stored(skip={d.source for d in changed}, progress=progress)
        reembed_all = self._prepare_embedder(changed, progress, report)
        if reembed_all:
            self._reembed_stored(skip={d.source for d in changed}, progress=progress)
        for n, doc in enumerate(changed, start=1):
            progress("indexing", n, len(changed))
            self._write_document(doc)
            if doc.source in stored:
                report.documents_replaced += 1
            else:
                report.documents_added += 1
            report.clauses_written += len(doc.clauses)
        if reembed_all:
            # Only now: until the changed documents are rewritten, their old versions have no vectors.
            self._write_manifest(vectors_stale=False)

    def _finish_report(self, report: IngestReport, started: float) -> IngestReport:
        counts = self.catalog.counts()
        report.total_documents, report.total_clauses = counts["documents"], counts["clauses"]
        report.embedder = self.embedder_description()
        report.seconds = round(time.time() - started, 2)
        return report

    def _parse_all(self, paths: list[Path], report: IngestReport, progress: Progress) -> list[Document]:
        files = []
        for p in paths:
            if not p.exists():
                report.skipped.append(SkippedFile(path=str(p), reason="no such file or directory"))
            else:
                files.extend(find_files([p]))
        manifests: dict[Path, Manifest | None] = {}
        docs: list[Document] = []
        seen: set[str] = set()
        for n, (path, root) in enumerate(files, start=1):
            progress("parsing", n, len(files))
            if root not in manifests:
                manifests[root] = self._read_manifest(root, report)
            try:
                rel = path.relative_to(root).as_posix() if path != root else path.name
                meta = manifests[root].get(unicodedata.normalize("NFC", rel)) if manifests[root] else None
                doc = parse_file(path, root, meta, consult_manifest=False)
            except DocumentError as exc:
                where = "" if exc.path == str(path) else f"{exc.path}: "
                report.skipped.append(SkippedFile(path=_printable(path), reason=where + exc.problem))
                continue
            except Exception as exc:  # a parser bug on one file must not stop the batch
                report.skipped.append(SkippedFile(path=_printable(path),
                                                  reason=f"internal error: {type(exc).__name__}: {exc}"))
                continue
            if doc.source in seen:
                report.skipped.append(SkippedFile(path=str(path), reason=f"same source path '{doc.source}' given twice"))
                continue
            seen.add(doc.source)
            docs.append(doc)
        return docs

    @staticmethod
    def _read_manifest(root: Path, report: IngestReport) -> Manifest | None:
        """The folder's manifest; an unusable one is reported and its documents use their own text."""
        path = root / MANIFEST_NAME
        if not path.is_file():
            return None
        try:
            manifest = read_manifest(path)
        except DocumentError as exc:
            report.skipped.append(SkippedFile(path=str(path), reason=f"{exc.problem}; the documents in {root} "
                                                                        f"were read with metadata from their own text"))
            return None
        for exc in manifest.unattributed:
            report.skipped.append(SkippedFile(path=exc.path, reason=exc.problem))
        return manifest

    def _prepare_embedder(self, changed: list[Document], progress: Progress, report: IngestReport) -> bool:
        """Make sure the configured embedder is ready; True when every stored vector must be rebuilt."""
        data = self.manifest()
        if self.embed_model != DOMAIN:
            embedder = load_embedder(self.embed_model, self.models_dir)
            embedder.name = self.embed_model
            rebuild = data.get("embed_fingerprint") not in (None, embedder.fingerprint) \
                or data.get("embed_model") not in (None, self.embed_model)
            self._embedder = embedder
            self._write_manifest(embed_model=self.embed_model, embed_fingerprint=embedder.fingerprint,
                                 embed_dim=embedder.dim, dictionary=self.segmenter.version,
                                 vectors_stale=rebuild or bool(data.get("vectors_stale")))
            return rebuild
        if not changed and self.domain_dir.exists() and data.get("embed_model") == DOMAIN:
            return False
        changed_sources = {d.source for d in changed}
        rows = [(c, d) for c, d in self.catalog.iter_clauses() if d["source"] not in changed_sources]
        corpus = training_clauses(rows) + [
            {"text": c.text, "context": " ".join([d.title, *c.heading_path]), "title": c.title,
             "group": f"{d.source}|{' '.join(c.heading_path)}"} for d in changed for c in d.clauses]
        # Documents the current model already saw in training (an ingest killed after training
        # resumes without training again) do not count as new.
        seen = self._trained_on()
        trained_on = data.get("domain_trained_on_clauses", 0)
        new_clauses = sum(len(d.clauses) for d in changed if d.content_hash not in seen)
        must_train = (not self.domain_dir.exists() or data.get("embed_model") != DOMAIN
                      or new_clauses > RETRAIN_SHARE * max(trained_on, 1))
        if not must_train:
            return False
        progress("training domain embedding", 0, 1)
        tmp = self.models_dir / "domain.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        train_domain_model(corpus, tmp, self.segmenter, tune_steps=self.domain_tune_steps,
                           progress=lambda msg, frac: progress(f"training domain embedding: {msg}", int(frac * 100), 100))
        hashes = sorted({d["content_hash"] for _, d in rows} | {d.content_hash for d in changed})
        (tmp / TRAINED_ON).write_text(json.dumps(hashes), encoding="utf-8")
        self._write_manifest(vectors_stale=True)   # before the swap: a crash after it must rebuild
        self._install_domain_model(tmp)
        embedder = load_embedder(str(self.domain_dir), self.models_dir)
        embedder.name = DOMAIN
        self._embedder = embedder
        self._write_manifest(embed_model=DOMAIN, embed_fingerprint=embedder.fingerprint, embed_dim=embedder.dim,
                             dictionary=self.segmenter.version, domain_trained_on_clauses=len(corpus),
                             vectors_stale=True)
        report.embedder_trained = True
        return True

    def _trained_on(self) -> set[str]:
        """Content hashes of the documents the installed domain model was trained on."""
        path = self.domain_dir / TRAINED_ON
        return set(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else set()

    def _install_domain_model(self, trained: Path) -> None:
        """Swap a trained model in: `models/domain` is a symlink replaced in one atomic rename."""
        target = self.models_dir / f"domain-{time.time_ns()}"
        os.replace(trained, target)
        link = self.models_dir / "domain.link"
        link.unlink(missing_ok=True)
        link.symlink_to(target.name)
        if self.domain_dir.is_dir() and not self.domain_dir.is_symlink():
            shutil.rmtree(self.domain_dir)  # a data directory written before models were swapped by link
        os.replace(link, self.domain_dir)
        for old in self.models_dir.glob("domain-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)

    def _recover_domain_link(self) -> None:
        """A crash inside `_install_domain_model` can leave no link: point it at the newest model."""
        if self.domain_dir.exists() or not self.models_dir.is_dir():
            return
        models = sorted(self.models_dir.glob("domain-*"), key=lambda p: int(p.name.split("-")[1]))
        if models:
            self.domain_dir.unlink(missing_ok=True)  # a dangling link
            self.domain_dir.symlink_to(models[-1].name)

    def _reembed_stored(self, skip: set[str], progress: Progress) -> None:
        """A new embedder: rebuild every stored document's vectors (the catalogue stays as it is).

        Vectors are overwritten document by document, so a crash leaves every document with a full
        set (some from the old model, flagged by `vectors_stale` until repair). Only a change of
        dimension, which Chroma cannot hold in one collection, starts from an empty store.
        The caller clears `vectors_stale` once the skipped documents have been written as well.
        """
        if self.vectors.dimension() not in (None, self.embedder().dim):
            self.vectors.reset()
        docs = [d for d in self.catalog.documents() if d["source"] not in skip]
        for n, doc in enumerate(docs, start=1):
            progress("re-embedding stored documents", n, len(docs))
            clauses = self.catalog.clauses_of(doc["source"])
            vecs = self.embedder().encode([passage_text(c, doc["title"]) for c in clauses])
            self.vectors.upsert([c.id for c in clauses], vecs, [doc["source"]] * len(clauses))

    def _retokenize_stored(self, skip: set[str], progress: Progress) -> None:
        """The dictionary or synonym map changed: rebuild every stored document's keyword rows."""
        docs = [d for d in self.catalog.documents() if d["source"] not in skip]
        for n, doc in enumerate(docs, start=1):
            progress("re-segmenting stored documents", n, len(docs))
            self.catalog.replace_tokens(doc["source"], self._tokens(self.catalog.clauses_of(doc["source"]), doc["title"]))
        self._write_manifest(dictionary=self.segmenter.version)

    def _tokens(self, clauses: list[Clause], title: str) -> list[tuple[str, str]]:
        """Per clause, the space-joined keyword tokens of its body and of its context."""
        return [(" ".join(self.segmenter.tokens(f"{c.label} {c.title} {c.text}")),
                 " ".join(self.segmenter.tokens(" ".join([title, *c.heading_path]))))
                for c in clauses]

    def _write_document(self, doc: Document) -> None:
        passages = [passage_text(c, doc.title) for c in doc.clauses]
        vecs = self.embedder().encode(passages)
        tokens = self._tokens(doc.clauses, doc.title)
        self.catalog.begin_document(doc)
        self.vectors.delete_document(doc.source)
        self.vectors.upsert([c.id for c in doc.clauses], vecs, [doc.source] * len(doc.clauses))
        self.catalog.finish_document(doc, tokens)

    def remove(self, source: str) -> bool:
        """Delete one document from every store; False when it was not there."""
        with self.writing(), self._ingest_lock():
            if self.catalog.document(source) is None and source not in self.catalog.pending_documents():
                return False
            self.catalog.begin_removal(source)
            self.vectors.delete_document(source)
            self.catalog.remove_document(source)
            return True

    def _ingest_lock(self):
        return _DirectoryLock(self.data_dir / "ingest.lock")

    # ------------------------------------------------------------------------- check & repair
    def check(self, repair: bool = False) -> CheckReport:
        """Verify that catalogue, keyword index and vectors agree; with `repair`, make them agree.

        Repair removes documents an interrupted write left half-done (the next ingest of their files
        brings them back), drops rows that belong to nothing and rebuilds missing keyword rows and
        vectors. A damaged SQLite file cannot be repaired here; the report says so.
        """
        if repair:
            with self.writing(), self._ingest_lock():
                return self._check(repair=True)
        return self._check(repair=False)

    def repair(self) -> CheckReport:
        """Finish what an interrupted ingest left (called at the start of every ingest)."""
        return self._check(repair=True)

    def _check(self, repair: bool) -> CheckReport:
        cat = self.catalog
        damaged = cat.integrity_problems()
        if damaged:
            # Nothing else in a damaged file can be trusted, or even read; report and touch nothing.
            return CheckReport(ok=False, documents=0, clauses=0, vectors=self.vectors.count(), problems=[
                f"the catalogue file is damaged ({'; '.join(damaged[:3])}): restore it or re-ingest into a "
                f"new data directory"], embedder=self.manifest().get("embed_model"))
        pending = cat.pending_documents()
        half = cat.half_documents()
        no_keywords = cat.sources_missing_keywords()
        stray = cat.stray_rows()
        clauses = cat.clause_sources()
        vectors = self.vectors.id_sources()
        orphans = [i for i in vectors if i not in clauses]
        misfiled = [i for i, s in vectors.items() if i in clauses and s != clauses[i]]
        missing = [i for i in clauses if i not in vectors]
        stale = bool(self.manifest().get("vectors_stale"))
        model_missing = self.embed_model == DOMAIN and bool(clauses) and not self.domain_dir.exists()
        problems = [text for flag, text in [
            (pending, f"{len(pending)} document(s) half-written by an interrupted ingest or delete"),
            (half, f"{len(half)} document(s) missing some of their clauses"),
            (no_keywords, f"{len(no_keywords)} document(s) with clauses missing from the keyword index"),
            (stray, f"{stray} keyword row(s), clause(s) or term(s) belonging to no document"),
            (orphans, f"{len(orphans)} vector(s) without a clause"),
            (misfiled, f"{len(misfiled)} vector(s) filed under the wrong document"),
            (missing, f"{len(missing)} clause(s) without a vector"),
            (stale, "vectors were built by a previous embedder (interrupted re-embedding)"),
            (model_missing, "the domain embedding model is missing (the next ingest retrains it)"),
        ] if flag]
        counts = cat.counts()
        report = CheckReport(ok=not problems, documents=counts["documents"], clauses=counts["clauses"],
                             vectors=len(vectors), pending_documents=pending + half, orphan_vectors=len(orphans),
                             missing_vectors=len(missing), problems=problems,
                             embedder=self.manifest().get("embed_model"))
        if not (repair and problems):
            return report
        for source in pending + half:
            cat.begin_removal(source)
            self.vectors.delete_document(source)
            cat.remove_document(source)
        cat.drop_stray_rows()
        for source in no_keywords:
            doc = cat.document(source)
            if doc is not None:
                cat.replace_tokens(source, self._tokens(cat.clauses_of(source), doc["title"]))
        if not model_missing:
            if stale:
                # The model files on disk are the model now; the manifest may still name the old one.
                self._embedder = None
                self._write_manifest(embed_fingerprint=None)
                self._write_manifest(embed_fingerprint=self.embedder().fingerprint)
                self._reembed_stored(skip=set(), progress=_no_progress)
                self._write_manifest(vectors_stale=False)
            else:
                self.vectors.delete_ids(sorted(set(self.vectors.id_sources()) - set(cat.clause_sources())) + misfiled)
                self._embed_missing()
        report.repaired = True
        return report

    def _embed_missing(self) -> None:
        missing = set(self.catalog.clause_sources()) - set(self.vectors.id_sources())
        items = list(self.catalog.clauses_by_id(missing).values())
        if items:
            vecs = self.embedder().encode([passage_text(c, d["title"]) for c, d in items])
            self.vectors.upsert([c.id for c, _ in items], vecs, [d["source"] for _, d in items])

    # ---------------------------------------------------------------------------------- search
    @property
    def searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = Searcher(self.catalog, self.vectors, self.embedder, self.segmenter,
                                      background_refresh=self.background_refresh)
        return self._searcher

    def refresh_views(self) -> None:
        """Make the next search see every write so far (the server otherwise refreshes in the background)."""
        if self._searcher is not None:
            self._searcher.refresh()

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> SearchResult:
        """Citation lookup, then hybrid retrieval; see `search.py`."""
        return self.searcher.search(query, k=k, filters=filters)

    def clause(self, citation: str, filters: SearchFilters | None = None) -> ClauseLookup:
        """Exact lookup of a citation, with each found clause's neighbours and its document's outline."""
        found = self.searcher.lookup(citation, filters)
        entries = []
        for hit in found.hits:
            clauses = self.catalog.clauses_of(hit.source)
            before, after = article_neighbours(clauses, hit.id)
            entries.append(ClauseInContext(
                **hit.model_dump(),
                previous=Neighbour(id=before.id, article=before.label, text=before.text) if before else None,
                next=Neighbour(id=after.id, article=after.label, text=after.text) if after else None,
                outline=outline(clauses)))
        return ClauseLookup(query=citation, found=bool(entries), notice=found.notice, hits=entries)

    def rarity(self, words: list[str]) -> dict[str, float]:
        """How rare each keyword is in the knowledge base (inverse clause frequency)."""
        return self.searcher.rarity(words)

    def work(self, name: str):
        """All versions of the work a title or short name means (a titles.Work), or None."""
        return self.searcher.work(name)

    def standard_documents(self, code: str) -> list[dict]:
        """Documents carrying a standard number, oldest first."""
        return self.searcher.standard_documents(code)

    def regions_in(self, text: str) -> list[str]:
        """The regions of the knowledge base that `text` names (杭州 → 杭州市)."""
        return self.searcher.regions_in(text)

    def works_named(self, name: str) -> list[dict]:
        """Documents (current versions) a title or short name means; [] when the knowledge base has none."""
        return self.searcher.works_named(name)

    # ----------------------------------------------------------------------------------- reads
    def documents(self) -> list[dict]:
        return self.catalog.documents()

    def definitions(self, term: str, partial: bool = False) -> list[dict]:
        """Clauses that define `term`, one per document, current versions and higher levels first."""
        terms = {cid: t for t, cid in self.catalog.term_definitions(term, partial=partial)}
        found = self.catalog.clauses_by_id(terms)
        rows = []
        for cid, (clause, doc) in found.items():
            rows.append(((doc["status"] != "现行有效", level_rank(doc["level"]), doc["publish_date"]),
                         {"term": terms[cid], **make_hit(0, 1.0, clause, doc).model_dump()}))
        rows.sort(key=lambda r: r[0])
        return [hit | {"rank": n} for n, (_, hit) in enumerate(rows, start=1)]

    def document(self, source: str) -> dict | None:
        """One document's metadata, outline and versions (oldest first); None when absent."""
        found = self.catalog.read_document(source)
        if found is None:
            return None
        doc, clauses, all_versions = found
        versions = [{k: v[k] for k in ("source", "title", "publish_date", "effective_date", "status")}
                    for v in all_versions]
        return {**doc, "outline": outline(clauses), "versions": versions,
                "clauses": [c.model_dump(include={"id", "label", "kind", "heading_path", "title", "text", "parent"})
                            for c in clauses]}

    def close(self) -> None:
        self.catalog.close()
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot, ignore_errors=True)


def _printable(path: Path) -> str:
    """A path for a report, even when its name is not valid UTF-8."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def passage_text(clause: Clause, doc_title: str) -> str:
    """What the embedder sees for a clause: where it stands, then what it says."""
    where = " ".join([doc_title, *clause.heading_path[-1:], clause.title])
    return f"{where}\n{clause.text}"


class _DirectoryLock:
    """An exclusive, non-blocking lock on a file in the data directory (one ingest at a time)."""

    def __init__(self, path: Path):
        self.path = path
        self._fh = None

    def __enter__(self):
        self._fh = open(self.path, "a+")
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._fh.close()
            raise IngestBusy(f"another ingest is running on {self.path.parent}; try again when it has finished") from exc
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()
        return False

