"""Everything a search derives from one generation of the catalogue, swapped in as a whole."""

from __future__ import annotations

import threading
import time

from index.errors import VectorStoreError
from index.results import DocumentInfo
from index.search.dense import IN_MEMORY_LIMIT, DenseIndex
from index.search.keyword import KeywordIndex
from index.search.layers import Layered
from index.search.titles import TitleIndex
from index.search.view_cache import ViewCache
from index.store.catalog import Catalog
from index.store.vectors import VectorStore

RETRY_S = 30.0   # after a failure, the vector store is asked again this much later


class Snapshot:
    """The document list and the title index are built at once; the keyword and dense views when a
    search first needs them, so that a citation lookup or a document page from the command line
    does not wait for them. A server builds them eagerly, in the background thread that refreshes
    its views.

    A view is built whole only when it must. Otherwise it is carried forward by document
    (index/search/layers.py): from the `previous` snapshot's view, or from a view an earlier process saved
    (`views`), updated with the documents the catalogue's change log names since then. Views built
    whole are saved for the next process.
    """

    def __init__(self, catalog: Catalog, vectors: VectorStore, generation: int, eager: bool = False,
                 views: ViewCache | None = None, previous: "Snapshot | None" = None):
        self.generation = generation
        self._catalog, self._vectors, self._views = catalog, vectors, views
        self.documents, self.titles = self._carried_documents(previous) or self._all_documents()
        self.by_source = {d.source: d for d in self.documents}
        self._lock = threading.Lock()
        # The previous snapshot's views, not the snapshot itself: a chain of snapshots must not live on.
        self._prior = {} if previous is None else {
            kind: (previous.generation, view) for kind, view in
            (("keyword", previous._keyword), ("dense", previous._dense)) if view is not None}
        self._keyword: Layered[KeywordIndex] | None = None
        self._dense: Layered[DenseIndex] | None = None
        self._stored_only = 0             # vectors held by the store alone (more than IN_MEMORY_LIMIT)
        self.vectors_unavailable = ""    # why the vector store could not be read, while it cannot
        self._failed_at = 0.0
        if eager:
            _ = self.keyword, self.dense

    @property
    def keyword(self) -> Layered[KeywordIndex]:
        with self._lock:
            if self._keyword is None:
                self._keyword = self._carried("keyword", lambda changed, base: KeywordIndex(
                    self._catalog.keyword_rows(changed), stats=base)) or self._build_keyword()
            return self._keyword

    @property
    def dense(self) -> Layered[DenseIndex] | None:
        """The clause vectors in memory; None while the store cannot be read (asked again after
        RETRY_S: searches answer from keywords and citations meanwhile, and say so) or when it holds
        too many to keep in memory (it answers itself)."""
        with self._lock:
            if self._dense is None and not self._stored_only and time.monotonic() - self._failed_at >= RETRY_S:
                try:
                    self._dense = self._carried("dense", self._dense_delta) or self._build_dense()
                    self.vectors_unavailable = ""
                except VectorStoreError as exc:
                    self.vectors_unavailable, self._failed_at = str(exc), time.monotonic()
            return self._dense

    @property
    def vector_count(self) -> int:
        """How many clauses of this generation have vectors (0 while the store cannot be read)."""
        dense = self.dense
        return len(dense) if dense is not None else self._stored_only

    def _all_documents(self) -> tuple[list[DocumentInfo], TitleIndex]:
        documents = self._catalog.documents()
        return documents, TitleIndex(documents)

    def _carried_documents(self, previous: "Snapshot | None") -> tuple[list[DocumentInfo], TitleIndex] | None:
        """The previous snapshot's document list and title index with the changed documents read
        again (the change log names a new version's older ones, whose status it changes)."""
        changed = None if previous is None else self._catalog.changes_since(previous.generation)
        if changed is None:
            return None
        fresh = self._catalog.documents_of(changed)
        by_source = {s: d for s, d in previous.by_source.items() if s not in changed}
        by_source.update((d.source, d) for d in fresh)
        return sorted(by_source.values(), key=lambda d: d.source), previous.titles.updated(fresh, changed)

    def _carried(self, kind: str, delta) -> Layered | None:
        """The `kind` view of an earlier generation brought up to date by document; None when there is
        none, the change log cannot say what changed, or so much changed that a whole build is better."""
        generation, view = self._prior.pop(kind, (None, None))
        if view is None and self._views is not None:
            generation = self._views.newest(kind, self.generation)
            base = None if generation is None else getattr(self._views, f"load_{kind}")(generation)
            view = None if base is None else Layered(base)
        if view is None:
            return None
        changed = self._catalog.changes_since(generation)
        return None if changed is None else view.updated(changed, lambda sources: delta(sources, view.base))

    def _dense_delta(self, changed: set[str], _base: DenseIndex) -> DenseIndex:
        ids = [cid for cid, _, _ in self._catalog.keyword_rows(changed)]
        return DenseIndex(*self._vectors.vectors_of(ids))

    def _build_keyword(self) -> Layered[KeywordIndex]:
        base = KeywordIndex(self._catalog.keyword_rows())
        if self._views:
            self._views.save_keyword(self.generation, base)
        return Layered(base)

    def _build_dense(self) -> Layered[DenseIndex] | None:
        count = self._vectors.count()
        if count > IN_MEMORY_LIMIT:
            self._stored_only = count
            return None
        base = DenseIndex(*self._vectors.vectors_of(list(self._catalog.clause_sources())), approximate=True)
        if self._views:
            self._views.save_dense(self.generation, base)
        return Layered(base)
