"""A provision found for a draft clause, with how much of the clause it holds: what the gap
analysis's rules (gap.py, conflicts.py) weigh."""

from __future__ import annotations

from dataclasses import dataclass

from index.results import Hit


@dataclass
class Candidate:
    hit: Hit
    words: set[str]                # the provision's content words (title and text)
    coverage: float = 0.0          # best share of the clause's or one fragment's words this provision holds
    relevance: float = 0.0         # the same, a word also held by its opposite (高档 by 节俭): same topic, either way
    whole: float = 0.0             # relevance to the whole clause, not one of its fragments
    fused: float = 0.0             # reciprocal-rank fusion over the clause's queries: found often and high
    scope: str = ""                # its document's 适用范围 article: whom a sentence binds that names nobody

    @property
    def score(self) -> float:
        return self.fused * (0.3 + self.coverage)

    @property
    def who(self) -> str:
        return f"{self.hit.title}\n{self.scope}"
