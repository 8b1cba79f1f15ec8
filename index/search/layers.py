"""A search view kept current by document instead of rebuilt: the base, and what changed since.

Building the keyword and dense views whole reads every clause's tokens and every vector: 2–3 s
for the shared corpus, minutes for a million clauses. When a few documents change, the view
instead keeps its base (built whole, never modified: searches in flight keep using it) and adds
  - a mask over the base's rows of every document changed since the base was built, and
  - a small delta view of those documents' current rows, read from the stores.
A search asks both and merges by score: keyword rows of the delta are weighed by the base's
collection statistics, vectors are cosines either way, so the scores are comparable. Rarity (idf)
stays the base's until the next full build; one document in thousands does not move it.

Documents accumulate in the delta until they pass COMPACT_SHARE of the base's documents; the
snapshot then builds the view whole again (index/search/snapshot.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Generic, TypeVar

import numpy as np

from index.search.dense import DenseIndex
from index.search.keyword import KeywordIndex

COMPACT_SHARE = 0.05   # past this share of the base's documents, build whole again
COMPACT_MIN = 50       # …but never for fewer documents than this

View = TypeVar("View", KeywordIndex, DenseIndex)


@dataclass(frozen=True)
class Layered(Generic[View]):
    base: View
    touched: frozenset[str] = frozenset()          # documents whose base rows no longer count
    dead: np.ndarray | None = None                 # the base's rows of those documents
    delta: View | None = None                      # their current rows
    _alive: int = field(default=-1, repr=False)

    def updated(self, changed: set[str], build: Callable[[set[str]], View]) -> "Layered[View] | None":
        """This view after `changed` documents were rewritten, added or removed; None when so much
        changed that building it whole is the better choice. `build(sources)` makes the delta view
        of those documents' current rows."""
        if not changed:
            return self
        touched = self.touched | changed
        if len(touched) > max(COMPACT_MIN, COMPACT_SHARE * len(self.base._source_rows)):
            return None
        dead = np.zeros(len(self.base), dtype=bool)
        dead[self.base.rows_of(set(touched))] = True
        return Layered(self.base, frozenset(touched), dead, build(set(touched)), int((~dead).sum()))

    def __len__(self) -> int:
        if self.delta is None:
            return len(self.base)
        return self._alive + len(self.delta)

    def search(self, query, k: int, sources: set[str] | None = None) -> list[tuple[str, float]]:
        """The best `k` of base (changed rows left out) and delta together, best first."""
        hits = self.base.search(query, k, sources, exclude=self.dead)
        if self.delta is not None and len(self.delta):
            hits = sorted(hits + self.delta.search(query, k, sources), key=lambda h: -h[1])[:k]
        return hits

    def vector_of(self, cid: str):
        """Dense views only: the current vector of one clause, or None."""
        if self.delta is not None and (found := self.delta.vector_of(cid)) is not None:
            return found
        row = self.base.row(cid)
        return None if row is None or (self.dead is not None and self.dead[row]) else self.base.matrix[row]

    # -------------------------------------------------- keyword views only (confidence, rarity)
    def idf(self, term: str) -> float:
        return self.base.idf(term)

    def frequency(self, term: str) -> int:
        return self.base.frequency(term)

    def tokens_of(self, cid: str) -> set[str]:
        if self.delta is not None and cid in self.delta.row_of:
            return self.delta.tokens_of(cid)
        row = self.base.row_of.get(cid)
        return set() if row is None or (self.dead is not None and self.dead[row]) else self.base.tokens_of(cid)
