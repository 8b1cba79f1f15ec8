"""Everything a search derives from one generation of the catalogue, swapped in as a whole."""

from __future__ import annotations

import threading

from .catalog import Catalog
from .dense import IN_MEMORY_LIMIT, DenseIndex
from .keyword import KeywordIndex
from .titles import TitleIndex
from .vectors import VectorStore
from .view_cache import ViewCache


class Snapshot:
    """The document list and the title index are built at once; the keyword and dense views (seconds
    for a large corpus) when a search first needs them, so that a citation lookup or a document
    page from the command line does not wait for them. A server builds them eagerly, in the
    background thread that refreshes its views. With `views`, a view saved by an earlier process
    of the same generation is loaded instead of built, and one built here is saved.
    """

    def __init__(self, catalog: Catalog, vectors: VectorStore, generation: int, eager: bool = False,
                 views: ViewCache | None = None):
        self.generation = generation
        self.documents = catalog.documents()
        self.by_source = {d.source: d for d in self.documents}
        self.titles = TitleIndex(self.documents)
        self._catalog, self._vectors, self._views = catalog, vectors, views
        self._lock = threading.Lock()
        self._keyword: KeywordIndex | None = None
        self._vector_count: int | None = None
        self._dense: DenseIndex | None = None
        if eager:
            _ = self.keyword, self.dense

    @property
    def keyword(self) -> KeywordIndex:
        with self._lock:
            if self._keyword is None:
                self._keyword = self._views.load_keyword(self.generation) if self._views else None
                if self._keyword is None:
                    self._keyword = KeywordIndex(*self._catalog.keyword_rows())
                    if self._views:
                        self._views.save_keyword(self.generation, self._keyword)
            return self._keyword

    @property
    def vector_count(self) -> int:
        with self._lock:
            if self._vector_count is None:
                saved = self._views.load_dense(self.generation) if self._views else None
                if saved is not None:   # the saved view holds every vector of this generation
                    self._dense, self._vector_count = saved, len(saved)
                else:
                    self._vector_count = self._vectors.count()
            return self._vector_count

    @property
    def dense(self) -> DenseIndex | None:
        """The clause vectors in memory; None when there are none or too many to hold (query the store)."""
        count = self.vector_count
        with self._lock:
            if self._dense is None and 0 < count <= IN_MEMORY_LIMIT:
                self._dense = DenseIndex(*self._vectors.all_vectors())
                if self._views:
                    self._views.save_dense(self.generation, self._dense)
            return self._dense
