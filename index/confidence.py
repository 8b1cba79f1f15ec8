"""Does the knowledge base really answer the query? Trainees must be able to tell "the rules do
not cover this" from an answer, so weak matches are flagged instead of presented as answers.

Reciprocal-rank fusion always has a first place, so its scores cannot say this. Two signals can:
  - lexical coverage: the IDF-weighted share of the query's words that one of the best hits
    contains (words the corpus never uses count fully against it);
  - semantic closeness: the cosine of the nearest clause to the query.
A query that names a work (保密法, 公共机构节能条例) and gets a clause of that work near the top
is answered by definition. The threshold was set on the dev questions (all answerable) and on
`evaluation/no_answer.jsonl` (questions the corpus does not cover); see README, "Search".
The cosine part is calibrated for the corpus-trained domain embedding; another embedder has
another cosine scale, hence the threshold is a setting (STDKB_MIN_EVIDENCE, api/settings.py).
"""

from __future__ import annotations

from ingest.segment import Segmenter

from .keyword import KeywordIndex
from .query import QueryPlan
from .results import Hit

TOP_HITS = 3
COVERAGE_WEIGHT = 0.5
MIN_EVIDENCE = 0.7


def coverage(plan: QueryPlan, hits: list[Hit], segmenter: Segmenter, keyword: KeywordIndex) -> float:
    """Best, over the first hits, of the IDF-weighted share of query words the hit contains."""
    words = set(segmenter.tokens(plan.content or plan.text))
    if not words or not len(keyword):
        return 0.0
    weights = {w: keyword.idf(w) for w in words}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    best = 0.0
    for h in hits[:TOP_HITS]:
        have = keyword.tokens_of(h.id)
        best = max(best, sum(wt for w, wt in weights.items() if w in have) / total)
    return best


def is_low_confidence(plan: QueryPlan, hits: list[Hit], segmenter: Segmenter, keyword: KeywordIndex,
                      nearest_cosine: float, named_sources: set[str], threshold: float = MIN_EVIDENCE) -> bool:
    if not hits:
        return True
    if any(h.source in named_sources for h in hits[:TOP_HITS]):
        return False
    evidence = nearest_cosine + COVERAGE_WEIGHT * coverage(plan, hits, segmenter, keyword)
    return evidence < threshold
