"""In-memory copy of the clause vectors for fast, filterable nearest-neighbour search.

The vector store (Chroma) holds the vectors; its own filtered queries ("only these documents")
took 10–20 ms here against 2 ms unfiltered, and a drafter's filters or a named law need them on
most queries. A float32 matrix of 20k × 256 is 20 MB and answers any filter in about a
millisecond, so the searcher reads the vectors once and then follows changes by document
(index/search/layers.py); from ANN_MIN rows on, an unfiltered search scans only the nearest cells
(index/search/ann.py). For collections too large to hold (see IN_MEMORY_LIMIT) the searcher queries the
store directly instead.
"""

from __future__ import annotations

from functools import lru_cache

import sys

import numpy as np

from index.search.ann import ANN_MIN, CellIndex
from ingest.models import ClauseId

IN_MEMORY_LIMIT = 3_000_000   # 3 GB of 256-dimensional vectors; past it the store answers


def _blas():
    """The BLAS libraries loaded now. A library imported later (opencv brings its own OpenBLAS with
    the OCR reader) must be held to one thread too, so the controller is made again whenever more
    modules are loaded; otherwise it is kept (making one takes about half a millisecond)."""
    return _controller(len(sys.modules))


@lru_cache(maxsize=1)
def _controller(modules: int):
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


def select_rows(source_rows: dict[str, np.ndarray], sources: set[str]) -> np.ndarray:
    """The rows of the documents `sources` (see rows_by_source); none for documents not held."""
    parts = [source_rows[s] for s in sources if s in source_rows]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


class DenseIndex:
    """The vectors in memory. From ANN_MIN rows on, built with `approximate`, the rows are grouped
    into cells (index/search/ann.py) and a search over all documents scans only the nearest cells; a
    search restricted to some documents scans their rows exactly."""

    def __init__(self, ids: list[str], matrix: np.ndarray, cells: CellIndex | None = None,
                 approximate: bool = False):
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        if cells is None and approximate and len(ids) >= ANN_MIN:
            with one_blas_thread():
                cells, order = CellIndex.build(matrix)
            ids, matrix = [ids[i] for i in order], np.ascontiguousarray(matrix[order])
        self.ids = ids
        self.matrix = matrix
        self.cells = cells
        self._source_rows = rows_by_source(ids)

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, sources: set[str]) -> np.ndarray:
        return select_rows(self._source_rows, sources)

    def row(self, cid: str) -> int | None:
        """The row of one clause, or None."""
        rows = getattr(self, "_row_of", None)
        if rows is None:   # built on first use, published in one assignment (as KeywordIndex._by_row)
            rows = self._row_of = {cid: i for i, cid in enumerate(self.ids)}
        return rows.get(cid)

    def vector_of(self, cid: str) -> np.ndarray | None:
        """The stored vector of one clause, or None."""
        i = self.row(cid)
        return None if i is None else self.matrix[i]

    def search(self, vector: np.ndarray, k: int, sources: set[str] | None = None,
               exclude: np.ndarray | None = None, exact: bool = False) -> list[tuple[str, float]]:
        """Nearest clauses by cosine (vectors are normalised): (id, similarity), best first.
        `exclude` (a boolean mask over the rows) leaves rows out; `exact` scans every row."""
        if not len(self.ids):
            return []
        vector = vector.astype(np.float32)
        with one_blas_thread():
            if sources is not None:
                rows = self.rows_of(sources)
                scores = self.matrix[rows] @ vector
            elif self.cells is not None and not exact:
                rows, scores = self.cells.scores(self.matrix, vector)
            else:
                rows, scores = None, self.matrix @ vector
        if exclude is not None:
            scores = np.where(exclude[rows] if rows is not None else exclude, -np.inf, scores)
        top = np.argpartition(-scores, k)[:k] if len(scores) > k else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[np.isfinite(scores[top])]
        index = top if rows is None else rows[top]
        return [(self.ids[i], float(scores[t])) for i, t in zip(index, top)]

    def recall(self, vectors: np.ndarray, k: int = 50) -> float:
        """Mean share of the exact top `k` that the approximate search finds (1.0 when exact)."""
        found = [len({i for i, _ in self.search(v, k)} & {i for i, _ in self.search(v, k, exact=True)}) / k
                 for v in vectors]
        return float(np.mean(found)) if found else 1.0
