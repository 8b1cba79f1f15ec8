"""In-memory copy of the clause vectors for fast, filterable nearest-neighbour search.

The vector store (Chroma) holds the vectors; its own filtered queries ("only these documents")
took 10–20 ms here against 2 ms unfiltered, and a drafter's filters or a named law need them on
most queries. A float32 matrix of 20k × 256 is 20 MB and answers any filter in about a
millisecond, so the searcher loads the vectors once per catalogue generation. For collections too
large to hold (see IN_MEMORY_LIMIT) the searcher queries the store directly instead.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ingest.models import ClauseId

IN_MEMORY_LIMIT = 500_000


@cache
def _blas():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread():
    """A context in which numpy's BLAS uses the calling thread only.

    A matrix-vector product over 20k clauses takes about 2 ms on one thread, but on two OpenBLAS
    wakes a second thread that keeps spinning afterwards, while torch encodes the next query on
    both cores: e5 query encoding went from 10 ms to a p95 of 100 ms in a searching process
    (evaluation/bench_search.py; README, "Search latency").
    """
    return _blas().limit(limits=1, user_api="blas")


def rows_by_source(ids: list[str]) -> dict[str, np.ndarray]:
    """The rows of each document's clauses, for "only these documents" (one pass over the ids)."""
    rows: dict[str, list[int]] = {}
    for i, cid in enumerate(ids):
        rows.setdefault(ClauseId(cid).source, []).append(i)
    return {source: np.array(r, dtype=np.int64) for source, r in rows.items()}


class DenseIndex:
    def __init__(self, ids: list[str], matrix: np.ndarray):
        self.ids = ids
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        self._source_rows = rows_by_source(ids)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, vector: np.ndarray, k: int, sources: set[str] | None = None) -> list[tuple[str, float]]:
        """Nearest clauses by cosine (vectors are normalised): (id, similarity), best first."""
        if not len(self.ids):
            return []
        with one_blas_thread():
            if sources is None:
                rows = None
                scores = self.matrix @ vector.astype(np.float32)
            else:
                parts = [self._source_rows[s] for s in sources if s in self._source_rows]
                if not parts:
                    return []
                rows = np.concatenate(parts)
                scores = self.matrix[rows] @ vector.astype(np.float32)
        top = np.argpartition(-scores, k)[:k] if len(scores) > k else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        index = top if rows is None else rows[top]
        return [(self.ids[i], float(scores[t])) for i, t in zip(index, top)]
