"""In-memory BM25 over the clause tokens stored in the catalogue: the keyword retriever.

Why not query FTS5 directly: an OR query over a dozen Chinese words walks posting lists of
thousands of clauses and took 20–50 ms here; a precomputed sparse matrix of BM25 weights answers
in about a millisecond and makes "only these documents" a cheap mask. The catalogue's FTS5 table
stays the durable, transactional copy of the tokens; this index is rebuilt from it (under a
second for the shared corpus) whenever the catalogue changes.

Each clause has two fields: its body (label, title, text) and its context (document title and
headings). Context words count `context_weight` as much, so a question naming a law favours that
law's clauses without drowning the clauses that say what was asked.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from typing import Iterable

import numpy as np
from scipy import sparse

from index.search.dense import rows_by_source, select_rows

K1 = 1.2
B = 0.75
SUBSET_SHARE = 8   # documents holding under 1/8 of the rows are scored by row, not by column


class _Counts:
    """Term counts of one field, row by row, in compact arrays (a million clauses hold some 40
    million (row, term) pairs: Python lists of them would take gigabytes)."""

    def __init__(self):
        self.rows, self.cols, self.tfs, self.lengths = array("i"), array("i"), array("f"), array("f")

    def add(self, row: int, tokens: list[str], vocab: dict[str, int]) -> None:
        self.lengths.append(len(tokens))
        for term, tf in Counter(tokens).items():
            self.rows.append(row)
            self.cols.append(vocab.setdefault(term, len(vocab)))
            self.tfs.append(tf)


class KeywordIndex:
    """With `stats`, the rows are weighed by that index's collection statistics (idf and mean
    length) instead of their own: the rows of a few changed documents (index/search/layers.py) must score
    like the rows of the index they are searched beside."""

    def __init__(self, rows: Iterable[tuple[str, list[str], list[str]]], context_weight: float = 0.3,
                 stats: "KeywordIndex | None" = None):
        """The index of (clause id, body tokens, context tokens) rows, read once (Catalog.keyword_rows)."""
        self.vocab: dict[str, int] = {}
        ids: list[str] = []
        body, context = _Counts(), _Counts()
        for cid, body_tokens, context_tokens in rows:
            body.add(len(ids), body_tokens, self.vocab)
            context.add(len(ids), context_tokens, self.vocab)
            ids.append(cid)
        self.stats: dict[str, np.ndarray] = {}
        body_weights = self._weights(body, len(ids), "body", stats)
        context_weights = self._weights(context, len(ids), "context", stats)
        doc_freq = np.asarray((body_weights > 0).sum(axis=0)).ravel() if body_weights.shape[1] else np.zeros(0)
        self._finish(ids, doc_freq, (body_weights + context_weight * context_weights).tocsc())

    @classmethod
    def from_parts(cls, ids: list[str], vocab: list[str], doc_freq: np.ndarray, matrix: sparse.csc_matrix,
                   stats: dict[str, np.ndarray]) -> "KeywordIndex":
        """The index as saved by index/search/view_cache.py: `vocab` lists the words in column order."""
        view = cls.__new__(cls)
        view.vocab = {t: i for i, t in enumerate(vocab)}
        view.stats = stats
        view._finish(ids, doc_freq, matrix)
        return view

    def _finish(self, ids: list[str], doc_freq: np.ndarray, matrix: sparse.csc_matrix) -> None:
        self.ids = ids
        self.row_of = {cid: i for i, cid in enumerate(ids)}
        self.doc_freq = doc_freq
        self.matrix = matrix
        self._source_rows = rows_by_source(ids)

    def _collection_idf(self, field: str, terms: list[str]) -> np.ndarray:
        """This index's idf of each term in `field` ('body', 'context'); a term it never saw counts as df 0."""
        idf, n = self.stats[f"idf_{field}"], float(self.stats["n"][0])
        unseen = np.float32(math.log(1 + (n + 0.5) / 0.5))
        return np.array([idf[self.vocab[t]] if t in self.vocab else unseen for t in terms], dtype=np.float32)

    def _weights(self, counts: _Counts, n_docs: int, field: str, stats: "KeywordIndex | None") -> sparse.csr_matrix:
        rows = np.asarray(counts.rows, dtype=np.int32)
        cols = np.asarray(counts.cols, dtype=np.int32)
        tfs = np.asarray(counts.tfs, dtype=np.float32)
        lengths = np.asarray(counts.lengths, dtype=np.float32)
        n_terms = max(len(self.vocab), 1)
        if stats is None:
            df = np.bincount(cols, minlength=n_terms)
            idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
            avg = float(lengths.mean()) if n_docs and lengths.mean() > 0 else 1.0
        else:
            idf = stats._collection_idf(field, sorted(self.vocab, key=self.vocab.__getitem__))
            avg = float(stats.stats[f"avg_{field}"][0])
        self.stats.update({f"idf_{field}": idf, f"avg_{field}": np.array([avg], dtype=np.float32),
                           "n": np.array([n_docs if stats is None else stats.stats["n"][0]], dtype=np.float64)})
        norm = (K1 * (1 - B + B * lengths / avg)).astype(np.float32)
        data = idf[cols] * tfs * (K1 + 1) / (tfs + norm[rows])
        return sparse.csr_matrix((data, (rows, cols)), shape=(n_docs, n_terms))

    def __len__(self) -> int:
        return len(self.ids)

    def frequency(self, term: str) -> int:
        """In how many clause bodies `term` occurs."""
        col = self.vocab.get(term)
        return int(self.doc_freq[col]) if col is not None and col < len(self.doc_freq) else 0

    def idf(self, term: str) -> float:
        """How rare `term` is among the clauses: log((N + 1) / (df + 1)); words never used score highest.

        The one rarity weight outside BM25 itself: confidence, gap analysis and the review use it.
        """
        return math.log((len(self.ids) + 1) / (self.frequency(term) + 1))

    def rows_of(self, sources: set[str]) -> np.ndarray:
        return select_rows(self._source_rows, sources)

    def search(self, tokens: list[str], k: int, sources: set[str] | None = None,
               exclude: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Best `k` clauses for the query tokens, (id, BM25 score); `sources` restricts documents,
        `exclude` (a boolean mask over the rows) leaves rows out."""
        cols = sorted({self.vocab[t] for t in tokens if t in self.vocab})
        if not cols or not len(self.ids):
            return []
        rows = None
        if sources is not None:
            rows = np.sort(self.rows_of(sources))   # in row order, as the whole-matrix path ranks ties
        if rows is not None and len(rows) * SUBSET_SHARE < len(self.ids):
            # A few documents' rows (a cited or named work): score only them, by row.
            scores = np.asarray(self._by_row()[1][rows][:, cols].sum(axis=1)).ravel()
        else:
            scores = np.asarray(self.matrix[:, cols].sum(axis=1)).ravel()
            if rows is not None:
                masked = np.full_like(scores, 0.0)
                masked[rows] = scores[rows]
                scores, rows = masked, None
        if exclude is not None:
            scores[exclude if rows is None else exclude[rows]] = 0.0
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k)[:k]]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        index = order if rows is None else rows[order]
        return [(self.ids[i], float(scores[o])) for i, o in zip(index, order)]

    def _by_row(self) -> tuple[dict[int, str], sparse.csr_matrix]:
        """The words by column and the matrix by row (for a clause's words, and a few documents' rows)."""
        lookup = getattr(self, "_lookup", None)
        if lookup is None:
            # Built on first use, published in one assignment: concurrent requests see all of it or none.
            lookup = self._lookup = ({v: t for t, v in self.vocab.items()}, self.matrix.tocsr())
        return lookup

    def tokens_of(self, cid: str) -> set[str]:
        """The body and context words of one clause (for confidence)."""
        row = self.row_of.get(cid)
        if row is None:
            return set()
        inverse, rows = self._by_row()
        start, end = rows.indptr[row], rows.indptr[row + 1]
        return {inverse[c] for c in rows.indices[start:end]}
