"""Query vectors by the embedder the stored vectors were built with, kept for repeated queries."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable

import numpy as np

from index.embed.model import Embedder

# Query vectors kept: paging, the web page's re-searches and repeated questions would otherwise
# pay the encoder (8 ms with e5, more on a busy machine) again.
QUERY_CACHE = 512


class QueryVectors:
    def __init__(self, embedder: Callable[[], Embedder]):
        self.embedder = embedder
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> np.ndarray:
        embedder = self.embedder()
        key = (embedder.fingerprint, text)
        with self._lock:
            vector = self._cache.get(key)
            if vector is not None:
                self._cache.move_to_end(key)
                return vector
        vector = embedder.encode([text], query=True)[0]
        with self._lock:
            self._cache[key] = vector
            while len(self._cache) > QUERY_CACHE:
                self._cache.popitem(last=False)
        return vector
