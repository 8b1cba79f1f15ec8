"""Everything a search derives from one generation of the catalogue, swapped in as a whole."""

from __future__ import annotations

import threading
import time

from .catalog import Catalog
from .errors import VectorStoreError
from .dense import IN_MEMORY_LIMIT, DenseIndex
from .keyword import KeywordIndex
from .titles import TitleIndex
from .vectors import VectorStore
from .view_cache import ViewCache


RETRY_S = 30.0   # after a failure, the vector store is asked again this much later


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
        self.vectors_unavailable = ""    # why the vector store could not be read, while it cannot
        self._failed_at = 0.0
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
        """How many clause vectors this generation has; 0 while the vector store cannot be reached
        (searches then answer from keywords and citations, and say so; asked again after RETRY_S)."""
        with self._lock:
            if self._vector_count is None and time.monotonic() - self._failed_at >= RETRY_S:
                saved = self._views.load_dense(self.generation) if self._views else None
                if saved is not None:   # the saved view holds every vector of this generation
                    self._dense, self._vector_count = saved, len(saved)
                else:
                    try:
                        self._vector_count = self._vectors.count()
                        self.vectors_unavailable = ""
                    except VectorStoreError as exc:
                        self.vectors_unavailable, self._failed_at = str(exc), time.monotonic()
            return self._vector_count or 0

    @property
    def dense(self) -> DenseIndex | None:
        """The clause vectors in memory; None when there are none or too many to hold (query the store)."""
        count = self.vector_count
        with self._lock:
            if self._dense is None and 0 < count <= IN_MEMORY_LIMIT:
                try:
                    self._dense = DenseIndex(*self._vectors.all_vectors())
                except VectorStoreError as exc:
                    self.vectors_unavailable, self._failed_at = str(exc), time.monotonic()
                    self._vector_count = None
                    return None
                if self._views:
                    self._views.save_dense(self.generation, self._dense)
            return self._dense
