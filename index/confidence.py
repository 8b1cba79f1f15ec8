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
another cosine scale (e5's cosines sit near 0.8 for almost any pair of Chinese texts), hence one
threshold per embedder, chosen by `python -m evaluation.calibrate` on held-out folds; the setting
STDKB_MIN_EVIDENCE overrides it.
"""

from __future__ import annotations

from ingest.segment import Segmenter

from .keyword import KeywordIndex
from .query import QueryPlan
from .results import Hit

TOP_HITS = 3
COVERAGE_WEIGHT = 0.5
MIN_EVIDENCE = 0.7   # the domain model's; others in THRESHOLDS
# By embedder name, from `python -m evaluation.calibrate DIR` (README, "Search"): the cut with the
# best balanced accuracy over ../shared/eval/dev.jsonl and evaluation/no_answer.jsonl.
THRESHOLDS = {"domain": MIN_EVIDENCE, "e5-small": 1.03, "e5-small-int8": 1.03}


def threshold_for(embed_model: str) -> float:
    """The calibrated threshold of an embedder; for one never calibrated, the domain model's."""
    return THRESHOLDS.get(embed_model, MIN_EVIDENCE)


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


# The evidence of an answer found by name (a cited or named work among the first hits): above any threshold.
BY_NAME = 9.0


def evidence(plan: QueryPlan, hits: list[Hit], segmenter: Segmenter, keyword: KeywordIndex,
             nearest_cosine: float, named_sources: set[str]) -> float:
    """How well the hits answer the query: nearest cosine + COVERAGE_WEIGHT × coverage (BY_NAME when
    a work the query names is among the first hits, 0 without hits)."""
    if not hits:
        return 0.0
    if any(h.source in named_sources for h in hits[:TOP_HITS]):
        return BY_NAME
    return nearest_cosine + COVERAGE_WEIGHT * coverage(plan, hits, segmenter, keyword)
