"""The snapshot a search answers from: one generation of the views, swapped in as a whole.

The holder owns the threading: a command-line process builds the next snapshot when it needs it;
a server keeps answering from the previous snapshot while a background thread builds the next.
Everything that ranks (index/search/ranker.py) takes one snapshot per query and never sees a lock.
"""

from __future__ import annotations

import threading
import time

from index.search.snapshot import Snapshot
from index.search.view_cache import ViewCache
from index.store.catalog import Catalog
from index.store.vectors import VectorStore

# A server answering during an ingest rebuilds its views at most this often (seconds).
REFRESH_INTERVAL = 2.0


class SnapshotHolder:
    """The current `Snapshot` of one catalogue and vector store. Thread-safe."""

    def __init__(self, catalog: Catalog, vectors: VectorStore, background_refresh: bool = False,
                 views: ViewCache | None = None):
        self.catalog = catalog
        self.vectors = vectors
        self.views = views
        self.background_refresh = background_refresh
        self._lock = threading.Lock()
        self._state: Snapshot | None = None
        self._rebuilding = False
        self._built_at = 0.0

    def current(self) -> Snapshot:
        """The views to answer one query from, rebuilt first when the catalogue changed.

        Each query takes this once and passes it down, so a rebuild finishing mid-query cannot
        mix two generations. A server refreshes in the background and keeps answering from the
        previous snapshot meanwhile: hits are always read back through the catalogue, which
        returns only complete documents, so a half-replaced document is never shown.
        """
        generation = self.catalog.generation()
        state = self._state
        if state is not None and state.generation == generation:
            return state
        if state is None or not self.background_refresh:
            with self._lock:
                if self._state is None or self._state.generation != generation:
                    self._state = self._build(generation, eager=self.background_refresh)
                return self._state
        with self._lock:
            if self._rebuilding:
                return state
            self._rebuilding = True
        threading.Thread(target=self._rebuild_later, name="stdkb-refresh", daemon=True).start()
        return state

    def refresh(self) -> None:
        """Bring the views up to date now (after a write, so that its writer finds what it wrote).
        Nothing to do before the first search: that one builds the views of its own generation."""
        generation = self.catalog.generation()
        if self._state is not None and self._state.generation != generation:
            self._install(self._build(generation, eager=self.background_refresh))

    def _build(self, generation: int, eager: bool) -> Snapshot:
        return Snapshot(self.catalog, self.vectors, generation, eager=eager, views=self.views, previous=self._state)

    def _rebuild_later(self) -> None:
        try:
            # An ingest bumps the generation twice per document; coalesce such a burst into one
            # rebuild every REFRESH_INTERVAL seconds and leave the CPU to the searches.
            wait = self._built_at + REFRESH_INTERVAL - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._install(self._build(self.catalog.generation(), eager=True))
        finally:
            self._built_at = time.monotonic()
            self._rebuilding = False

    def _install(self, snapshot: Snapshot) -> None:
        # A slower background rebuild of an older generation must not replace a newer snapshot.
        with self._lock:
            if self._state is None or snapshot.generation >= self._state.generation:
                self._state = snapshot
