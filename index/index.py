"""`Index`: the knowledge base of one data directory, the implementation of `kb.KnowledgeBase`.

A coordinator over three rooms; each job is done by a part that owns it:
  store/   the data directory, the catalogue and the vectors, crash-safe writes, check and repair
  embed/   the encoder: loading, training and swapping the domain model, re-embedding, the vector cache
  search/  queries → ranked clauses, from one snapshot of the in-memory views at a time
Files are found and parsed by `ingest` (`ingest.collect`, `ingest.uploads`) before anything here
runs: the index stores documents, it never reads files.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from index.diff import VersionDiff, compare
from index.embed.lifecycle import Embedding, groups
from index.embed.model import DOMAIN
from index.embed.vector_cache import CACHE_FILE
from index.errors import DocumentNotFound, StorageError, VectorStoreError
from index.kb import Progress
from index.outline import article_neighbours, outline
from index.results import (CheckReport, ClauseInContext, ClauseLookup, ClauseView, Definition, DocumentInfo,
                           DocumentList, DocumentPage, Hit, IngestReport, Neighbour, SearchResult, Stats, VersionInfo)
from index.search.adapter import QueryAdapter, adapter_for
from index.search.confidence import model_for
from index.search.filters import SearchFilters, allowed_sources
from index.search.fusion import Weights, weights_for
from index.search.holder import SnapshotHolder
from index.search.query_vectors import QueryVectors
from index.search.ranker import Searcher, make_hit
from index.search.tools import HeldTextTools, HeldWorks
from index.search.view_cache import VIEWS, ViewCache
from index.store.catalog import Catalog
from index.store.datadir import DataDir
from index.store.faults import NO_FAULTS, FaultPlan
from index.store.repair import check, recover
from index.store.storage import BYTES_PER_CLAUSE, free_space_problem
from index.store.vectors import LazyVectorStore, VectorStore
from index.store.writes import Store
from ingest.models import UPLOADS, Document, SkippedFile, Status, level_rank
from ingest.segment import Segmenter

STORE_FILES = ("catalog.sqlite3", "chroma", "models", CACHE_FILE, UPLOADS)


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    pass


class Index:
    """Documents and clauses of one data directory, searchable by keywords and by vectors."""

    def __init__(self, data_dir: Path | str, embed_model: str = DOMAIN, vector_mode: str = "persistent",
                 vector_url: str = "", segmenter: Segmenter | None = None, domain_tune_steps: int = 0,
                 background_refresh: bool = False, min_evidence: float | None = None,
                 faults: FaultPlan = NO_FAULTS, query_adapter: bool = True):
        self.data = DataDir(data_dir)
        self.segmenter = segmenter or Segmenter()
        self.catalog = Catalog(self.data.stores / "catalog.sqlite3", read_only=self.data.read_only)
        self.vectors: VectorStore = LazyVectorStore(vector_mode, path=self.data.stores / "chroma", url=vector_url)
        self._vector_store = f"Chroma server {vector_url}" if vector_mode == "http" else "Chroma in the data directory"
        self._store = Store(self.catalog, self.vectors, self.segmenter, faults)
        self._embedding = Embedding(self.data, self.catalog, self.vectors, self.segmenter, embed_model,
                                    domain_tune_steps, faults)
        confidence = model_for(embed_model or DOMAIN)
        if min_evidence is not None:
            confidence = replace(confidence, threshold=min_evidence)
        uid = self.catalog.uid()
        views = ViewCache(self.data.path / VIEWS, uid) if uid else None
        self._holder = SnapshotHolder(self.catalog, self.vectors, background_refresh=background_refresh, views=views)
        query_vectors = QueryVectors(self._embedding.embedder)
        adapter = adapter_for(embed_model or DOMAIN) if query_adapter else None
        weights = weights_for(embed_model or DOMAIN)
        if adapter is not None and adapter.dense_weight is not None:
            weights = replace(weights, dense=adapter.dense_weight)
        self._searcher = Searcher(self._holder, query_vectors, self.segmenter,
                                  weights=weights, confidence=confidence, adapter=adapter)
        self.text = HeldTextTools(self._holder, self.segmenter, self._embedding.embedder, query_vectors,
                                  embed_model or DOMAIN)
        self.works = HeldWorks(self._holder)

    @property
    def data_dir(self) -> Path:
        return self.data.path

    def embedder_description(self) -> str:
        return self._embedding.description()

    def embedder(self):
        """The loaded embedder (the evaluation's dense baseline uses the same model)."""
        return self._embedding.embedder()

    # ---------------------------------------------------------------------------------- writes
    def upsert(self, documents: list[Document], skipped: Iterable[SkippedFile] = (),
               progress: Progress = _no_progress, originals: dict[str, Path] | None = None) -> IngestReport:
        """Store documents parsed by `ingest`: a new one is added, a changed one replaces its stored
        version, an unchanged one (same content hash) is left alone.

        `skipped` (files `ingest.collect` could not read) is carried into the report. `originals`
        maps an uploaded document's source (`uploads/NAME`) to its file, kept in the data directory
        once the document is stored. Each document is whole or absent to readers at every moment;
        raises IngestBusy when another writer holds this data directory.
        """
        started = time.time()
        report = IngestReport(skipped=list(skipped))
        with self.data.writing(), self.data.ingest_lock():
            recover(self.data, self._store, self._embedding)
            self._write(documents, report, progress)
            for source, file in (originals or {}).items():
                self._keep_original(source, file)
        self._holder.refresh()
        return self._finish_report(report, started)

    def _keep_original(self, source: str, file: Path) -> None:
        uploads = self.data.path / UPLOADS
        kept = uploads / source.removeprefix(f"{UPLOADS}/")
        if not source.startswith(f"{UPLOADS}/") or kept.resolve().parent != uploads.resolve():
            raise ValueError(f"an uploaded file is kept as {UPLOADS}/NAME, not as {source!r}")
        uploads.mkdir(parents=True, exist_ok=True)
        shutil.move(file, kept)

    def _write(self, docs: list[Document], report: IngestReport, progress: Progress) -> None:
        """Write the documents whose content changed; the caller holds the ingest lock."""
        stored = self.catalog.document_hashes()
        changed = [d for d in docs if stored.get(d.source) != (d.content_hash, "complete")]
        changed_sources = {d.source for d in changed}
        short = free_space_problem(self.data.path, BYTES_PER_CLAUSE * sum(len(d.clauses) for d in changed))
        if short:
            raise StorageError(self.data.path, short)
        report.documents_unchanged = len(docs) - len(changed)
        if self.data.manifest().get("dictionary") not in (None, self.segmenter.version):
            self._store.retokenize([d.source for d in self.catalog.documents() if d.source not in changed_sources],
                                   progress)
            self.data.update_manifest(dictionary=self.segmenter.version)
        progress("loading the embedder", 0, 1)
        reembed_all, report.embedder_trained = self._embedding.prepare(changed, progress)
        if reembed_all:
            self._embedding.reembed_stored(skip=changed_sources, progress=progress)
        progress("indexing text", 0, len(changed))
        for n, doc in enumerate(changed, start=1):
            progress("indexing text", n, len(changed))
            self._store.write_text(doc)
            if doc.source in stored:
                report.documents_replaced += 1
            else:
                report.documents_added += 1
            report.clauses_written += len(doc.clauses)
        # Searchable by citation and keyword from here on; the vectors follow in batches.
        done = 0
        progress("embedding", 0, report.clauses_written)
        for run in groups(changed, [len(d.clauses) for d in changed]):
            self._store.write_vectors(self._embedding.encode_documents(run))
            done += sum(len(d.clauses) for d in run)
            progress("embedding", done, report.clauses_written)
        if reembed_all:
            # Only now: until the changed documents are rewritten, their old versions have no vectors.
            self.data.update_manifest(vectors_stale=False)

    def _finish_report(self, report: IngestReport, started: float) -> IngestReport:
        counts = self.catalog.counts()
        report.total_documents, report.total_clauses = counts["documents"], counts["clauses"]
        report.embedder = self.embedder_description()
        report.seconds = round(time.time() - started, 2)
        return report

    def remove(self, source: str) -> bool:
        """Delete one document from every store (and its uploaded file); False when it was not there."""
        with self.data.writing(), self.data.ingest_lock():
            if not self._store.remove(source):
                return False
        if source.startswith(f"{UPLOADS}/"):
            uploads = self.data.path / UPLOADS
            kept = uploads / source.removeprefix(f"{UPLOADS}/")
            if kept.resolve().parent == uploads.resolve():
                kept.unlink(missing_ok=True)
        self._holder.refresh()
        return True

    def check(self, repair: bool = False) -> CheckReport:
        """Verify that catalogue, keyword index and vectors agree; with `repair`, make them agree."""
        if repair:
            with self.data.writing(), self.data.ingest_lock():
                return check(self.data, self._store, self._embedding, repair=True)
        return check(self.data, self._store, self._embedding, repair=False)

    # ---------------------------------------------------------------------------------- search
    def refresh_views(self) -> None:
        """Make the next search see every write so far (the server otherwise refreshes in the background)."""
        self._holder.refresh()

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> SearchResult:
        """Citation lookup, then hybrid retrieval; see `search.py`."""
        return self._searcher.search(query, k=k, filters=filters)

    def keyword_search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        """Clauses by shared words alone (BM25); see `Searcher.keyword_hits`."""
        return self._searcher.keyword_hits(query, k=k, filters=filters)

    def clause(self, citation: str, filters: SearchFilters | None = None) -> ClauseLookup:
        """Exact lookup of a citation, with each found clause's neighbours and its document's outline."""
        found = self._searcher.lookup(citation, filters)
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

    def use_weights(self, weights: Weights) -> None:
        """Search with other fusion weights from now on (for tuning them: evaluation/tune_fusion.py)."""
        self._searcher.weights = weights

    def use_adapter(self, adapter: QueryAdapter | None) -> None:
        """Search with another question-vector adapter, or none, from now on (for fitting one by
        folds: evaluation/fit_adapter.py). The fusion weights stay as they are."""
        self._searcher.adapter = adapter

    def definitions(self, term: str, partial: bool = False) -> list[Definition]:
        """Clauses that define `term`, one per document, current versions and higher levels first."""
        terms = {cid: t for t, cid in self.catalog.term_definitions(term, partial=partial)}
        found = self.catalog.clauses_by_id(terms)
        rows = sorted(found.items(), key=lambda kv: (kv[1][1].status != Status.CURRENT, level_rank(kv[1][1].level),
                                                     kv[1][1].publish_date))
        return [Definition(term=terms[cid], **make_hit(n, 1.0, clause, doc).model_dump())
                for n, (cid, (clause, doc)) in enumerate(rows, start=1)]

    # ----------------------------------------------------------------------------------- reads
    def document_info(self, source: str) -> DocumentInfo | None:
        return self.catalog.document(source)

    def documents(self, filters: SearchFilters | None = None, title: str = "", page: int = 1,
                  page_size: int | None = None) -> DocumentList:
        """The documents passing `filters` whose title contains `title`, by source; all when page_size is None.

        Read from the searcher's snapshot, kept per catalogue generation: the search page lists the
        holdings on every request, and re-reading the table each time grows with the catalogue."""
        docs = self._holder.current().documents
        allowed = allowed_sources(docs, filters) if filters is not None else None
        rows = [d for d in docs if (allowed is None or d.source in allowed) and title in d.title]
        size = page_size or max(len(rows), 1)
        start = (page - 1) * size
        return DocumentList(total=len(rows), page=page, page_size=size, documents=rows[start:start + size])

    def document(self, source: str) -> DocumentPage | None:
        """One document's metadata, outline, clauses and versions (oldest first); None when absent."""
        found = self.catalog.read_document(source)
        if found is None:
            return None
        doc, clauses, versions = found
        return DocumentPage(**doc.model_dump(), outline=outline(clauses),
                            versions=[VersionInfo(**v.model_dump(include=set(VersionInfo.model_fields)))
                                      for v in versions],
                            clauses=[ClauseView(**c.model_dump(include=set(ClauseView.model_fields)))
                                     for c in clauses])

    def diff(self, old_source: str, new_source: str) -> VersionDiff:
        """Added, removed and modified articles from one stored version to another."""
        old, new = self.catalog.document(old_source), self.catalog.document(new_source)
        for source, doc in ((old_source, old), (new_source, new)):
            if doc is None:
                raise DocumentNotFound(source)
        return compare(old, self.catalog.clauses_of(old_source), new, self.catalog.clauses_of(new_source))

    def generation(self) -> int:
        return self.catalog.generation()

    def annotations(self, kind: str) -> dict[str, dict]:
        return self.catalog.annotations(kind)

    def annotate(self, kind: str, key: str, value: dict | None) -> None:
        with self.data.writing():
            self.catalog.annotate(kind, key, value)

    def stats(self) -> Stats:
        docs = self.catalog.documents()
        counts = self.catalog.counts()
        by_level: dict[str, int] = {}
        by_status: dict[str, int] = {}
        for d in docs:
            by_level[d.level] = by_level.get(d.level, 0) + 1
            by_status[d.status] = by_status.get(d.status, 0) + 1
        try:
            vectors, problem = self.vectors.count(), None
        except VectorStoreError as exc:   # a Chroma server that is down: say so instead of failing
            vectors, problem = 0, str(exc)
        return Stats(documents=counts["documents"], clauses=counts["clauses"], pending_documents=counts["pending"],
                     vectors=vectors, vectors_pending=max(counts["clauses"] - vectors, 0),
                     documents_by_level=by_level, documents_by_status=by_status,
                     last_ingest=max((d.ingested_at for d in docs), default=None),
                     embedder=self.embedder_description(), writable=not self.data.read_only,
                     write_problem=self.data.write_problem, disk_bytes=self.data.disk_bytes(STORE_FILES),
                     vector_store=self._vector_store, vector_store_problem=problem)

    def close(self) -> None:
        self.catalog.close()
        self._embedding.cache.close()
        self.data.close()
