"""Approximate nearest neighbours for the dense view of a large knowledge base: an inverted file.

An exact scan reads every vector: 60 ms a question at a million 256-dimensional clauses here, and
a search scans twice when it names a work. The vectors are grouped into cells by k-means (about
√n cells); a question scans only the rows of its `PROBE` nearest cells, about 3 % of them.
`evaluation/bench_scale.py` reports recall@50 against exact search at each size; below
`ANN_MIN` clauses the scan is exact (and fast enough).

Why by hand rather than a library: the view must leave out rows by a mask (documents replaced
since it was built, index/search/layers.py) and scan only some documents' rows exactly, and k-means plus
the cell lists are fifty lines of numpy over the BLAS numpy already uses.
"""

from __future__ import annotations

import math

import numpy as np

ANN_MIN = 200_000       # fewer clauses than this are scanned exactly
PROBE = 32              # cells scanned per question
TRAIN_PER_CELL = 40     # k-means learns from this many sample rows per cell
ITERATIONS = 8


def cell_count(n: int) -> int:
    return max(1, int(math.sqrt(n)))


def _nearest(matrix: np.ndarray, centroids: np.ndarray, chunk: int = 65_536) -> np.ndarray:
    """The nearest centroid (largest dot product; all vectors unit length) of each row."""
    out = np.empty(len(matrix), dtype=np.int32)
    for start in range(0, len(matrix), chunk):
        out[start:start + chunk] = np.argmax(matrix[start:start + chunk] @ centroids.T, axis=1)
    return out


def train(matrix: np.ndarray, cells: int, seed: int = 0) -> np.ndarray:
    """Spherical k-means on a sample: `cells` unit centroids (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    sample = matrix[np.sort(rng.choice(len(matrix), min(len(matrix), cells * TRAIN_PER_CELL), replace=False))]
    centroids = sample[rng.choice(len(sample), cells, replace=False)].copy()
    for _ in range(ITERATIONS):
        assign = _nearest(sample, centroids)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, sample)
        empty = np.bincount(assign, minlength=cells) == 0
        sums[empty] = sample[rng.choice(len(sample), int(empty.sum()))]   # reseed empty cells
        centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return centroids.astype(np.float32)


class CellIndex:
    """Cells over a matrix whose rows are sorted by cell: cell c holds rows offsets[c]:offsets[c+1]."""

    def __init__(self, centroids: np.ndarray, offsets: np.ndarray):
        self.centroids = centroids
        self.offsets = offsets

    @classmethod
    def build(cls, matrix: np.ndarray, seed: int = 0) -> tuple["CellIndex", np.ndarray]:
        """The index and the row order that groups `matrix` by cell (apply it to the rows and ids)."""
        centroids = train(matrix, cell_count(len(matrix)), seed)
        assign = _nearest(matrix, centroids)
        order = np.argsort(assign, kind="stable")
        offsets = np.concatenate([[0], np.cumsum(np.bincount(assign, minlength=len(centroids)))]).astype(np.int64)
        return cls(centroids, offsets), order

    def scores(self, matrix: np.ndarray, vector: np.ndarray, probe: int = PROBE) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cosine) of the rows in the `probe` cells nearest to `vector`."""
        near = np.argpartition(-(self.centroids @ vector), min(probe, len(self.centroids) - 1))[:probe]
        rows, scores = [], []
        for c in near:
            a, b = self.offsets[c], self.offsets[c + 1]
            if b > a:
                rows.append(np.arange(a, b))
                scores.append(matrix[a:b] @ vector)
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(rows), np.concatenate(scores)
