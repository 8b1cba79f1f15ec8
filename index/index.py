"""The Index facade: the only code that touches the catalogue (SQLite + FTS5) and the vector store.

Write order for one document, chosen so that a crash at any point leaves it either whole or absent
to readers, and `repair` can finish the job:
  1. catalogue: document row → 'pending' (readers stop seeing it);
  2. vectors: delete the document's old vectors, upsert the new ones;
  3. catalogue, one transaction: replace clauses + keyword rows, row → 'complete'.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

from ingest.errors import DocumentError, StdkbError
from ingest.metadata import MANIFEST_NAME, read_manifest
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
from .vectors import VectorStore, open_vector_store

SCHEMA_VERSION = 2
# Retrain the domain model when this share of the corpus changed since it was trained.
RETRAIN_SHARE = 0.2

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
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.embed_model = embed_model or DOMAIN
        self.segmenter = segmenter or Segmenter()
        self.domain_tune_steps = domain_tune_steps
        self.catalog = Catalog(self.data_dir / "catalog.sqlite3")
        self.vectors: VectorStore = open_vector_store(vector_mode, path=self.data_dir / "chroma", url=vector_url)
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
        with self._ingest_lock():
            self.repair()
            self._store(self._parse_all(paths, report, progress), report, progress)
        return self._finish_report(report, started)

    def ingest_documents(self, docs: list[Document], progress: Progress = _no_progress) -> IngestReport:
        """Store documents parsed elsewhere (uploads); same guarantees as `ingest`."""
        started = time.time()
        report = IngestReport()
        with self._ingest_lock():
            self.repair()
            self._store(docs, report, progress)
        return self._finish_report(report, started)

    def _store(self, docs: list[Document], report: IngestReport, progress: Progress) -> None:
        """Write the documents whose content changed; the caller holds the ingest lock."""
        stored = self.catalog.document_hashes()
        changed = [d for d in docs if stored.get(d.source) != (d.content_hash, "complete")]
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
        manifests: dict[Path, dict] = {}
        docs: list[Document] = []
        seen: set[str] = set()
        for n, (path, root) in enumerate(files, start=1):
            progress("parsing", n, len(files))
            try:
                if root not in manifests:
                    manifests[root] = read_manifest(root / MANIFEST_NAME) if (root / MANIFEST_NAME).is_file() else {}
                rel = path.relative_to(root).as_posix() if path != root else path.name
                doc = parse_file(path, root, manifests[root].get(rel))
            except DocumentError as exc:
                report.skipped.append(SkippedFile(path=str(path), reason=exc.problem))
                continue
            except Exception as exc:  # a parser bug on one file must not stop the batch
                report.skipped.append(SkippedFile(path=str(path), reason=f"internal error: {type(exc).__name__}: {exc}"))
                continue
            if doc.source in seen:
                report.skipped.append(SkippedFile(path=str(path), reason=f"same source path '{doc.source}' given twice"))
                continue
            seen.add(doc.source)
            docs.append(doc)
        return docs

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
                                 embed_dim=embedder.dim, dictionary=self.segmenter.version)
            return rebuild
        if not changed and self.domain_dir.exists() and data.get("embed_model") == DOMAIN:
            return False
        changed_sources = {d.source for d in changed}
        rows = [(c, d) for c, d in self.catalog.iter_clauses() if d["source"] not in changed_sources]
        corpus = training_clauses(rows) + [
            {"text": c.text, "context": " ".join([d.title, *c.heading_path]), "title": c.title,
             "group": f"{d.source}|{' '.join(c.heading_path)}"} for d in changed for c in d.clauses]
        trained_on = data.get("domain_trained_on_clauses", 0)
        new_clauses = sum(len(d.clauses) for d in changed)
        must_train = (not self.domain_dir.exists() or data.get("embed_model") != DOMAIN
                      or new_clauses > RETRAIN_SHARE * max(trained_on, 1))
        if not must_train:
            return False
        progress("training domain embedding", 0, 1)
        tmp = self.models_dir / "domain.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        train_domain_model(corpus, tmp, self.segmenter, tune_steps=self.domain_tune_steps,
                           progress=lambda msg, frac: progress(f"training domain embedding: {msg}", int(frac * 100), 100))
        shutil.rmtree(self.domain_dir, ignore_errors=True)
        os.replace(tmp, self.domain_dir)
        embedder = load_embedder(str(self.domain_dir), self.models_dir)
        embedder.name = DOMAIN
        self._embedder = embedder
        self._write_manifest(embed_model=DOMAIN, embed_fingerprint=embedder.fingerprint, embed_dim=embedder.dim,
                             dictionary=self.segmenter.version, domain_trained_on_clauses=len(corpus))
        report.embedder_trained = True
        return True

    def _reembed_stored(self, skip: set[str], progress: Progress) -> None:
        """A new embedder: rebuild every stored document's vectors (the catalogue stays as it is)."""
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
        with self._ingest_lock():
            if self.catalog.document(source) is None and source not in self.catalog.pending_documents():
                return False
            self.vectors.delete_document(source)
            self.catalog.remove_document(source)
            return True

    def _ingest_lock(self):
        return _DirectoryLock(self.data_dir / "ingest.lock")

    # ------------------------------------------------------------------------- check & repair
    def check(self, repair: bool = False) -> CheckReport:
        """Verify that catalogue and vectors agree; with `repair`, make them agree."""
        if repair:
            with self._ingest_lock():
                return self._check(repair=True)
        return self._check(repair=False)

    def repair(self) -> CheckReport:
        """Finish what an interrupted ingest left (called at the start of every ingest)."""
        return self._check(repair=True)

    def _check(self, repair: bool) -> CheckReport:
        pending = self.catalog.pending_documents()
        clause_ids = self.catalog.all_clause_ids()
        vector_ids = self.vectors.all_ids()
        orphans = vector_ids - clause_ids
        missing = clause_ids - vector_ids
        problems = []
        if pending:
            problems.append(f"{len(pending)} document(s) half-written by an interrupted ingest")
        if orphans:
            problems.append(f"{len(orphans)} vector(s) without a clause")
        if missing:
            problems.append(f"{len(missing)} clause(s) without a vector")
        counts = self.catalog.counts()
        report = CheckReport(ok=not problems, documents=counts["documents"], clauses=counts["clauses"],
                             vectors=len(vector_ids), pending_documents=pending, orphan_vectors=len(orphans),
                             missing_vectors=len(missing), problems=problems,
                             embedder=self.manifest().get("embed_model"))
        if repair and problems:
            for source in pending:
                self.vectors.delete_document(source)
                self.catalog.remove_document(source)
            self.vectors.delete_ids(sorted(self.vectors.all_ids() - self.catalog.all_clause_ids()))
            missing = self.catalog.all_clause_ids() - self.vectors.all_ids()
            if missing:
                found = self.catalog.clauses_by_id(missing)
                items = list(found.values())
                vecs = self.embedder().encode([passage_text(c, d["title"]) for c, d in items])
                self.vectors.upsert([c.id for c, _ in items], vecs, [d["source"] for _, d in items])
            report.repaired = True
        return report

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
        doc = self.catalog.document(source)
        if doc is None:
            return None
        clauses = self.catalog.clauses_of(source)
        versions = [{k: v[k] for k in ("source", "title", "publish_date", "effective_date", "status")}
                    for v in self.catalog.versions(source)]
        return {**doc, "outline": outline(clauses), "versions": versions,
                "clauses": [c.model_dump(include={"id", "label", "kind", "heading_path", "title", "text", "parent"})
                            for c in clauses]}

    def close(self) -> None:
        self.catalog.close()


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

