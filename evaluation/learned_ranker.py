"""An experiment, kept to be run again: a learned ranker, one linear model over what every list
says of a candidate, instead of hand-weighted reciprocal-rank fusion (index/search/fusion.py).
Search does not use it: by folds it ranked no better than weighted RRF (evaluation/fit_ranker.py,
docs/measurements/ranker-folds.json), and fitted on dev alone it ranked worse held out.

Weighted RRF keeps only ranks, so a clause the encoder puts first and the keyword list 188th comes
out seventh (README, the 电梯 question), and paraphrases lose what only the encoder finds. The
model sees, per candidate: its rank in each list (on a log scale, 0 when absent), how far its
cosine stands below the best one, and what the query says of its document (a named work, region,
level, a superseded version).
What it found, by 5 folds over dev and the blind tuning paraphrases (208 queries answered by the
lists): weighted RRF R@5 0.822, MRR 0.716; this model 0.824 / 0.722. Adding the BM25 score as a
share of the best, the IDF-weighted share of the query's words a candidate holds, or either
crossed with the query's length moved R@5 by under ±0.01 (MRR up to 0.734). The gold is among
the candidates for 98% of queries: what is missing is a signal that tells a colloquial question's
article from its neighbours, not a better mix of these. Queries mined from the corpus (a provision
restated where another article cites it, evaluation/mine_queries.py) as training data lowered dev
R@5 from 0.88 to 0.85: they are written in the cited law's own words; the questions are not.

Its weights are fitted pairwise (a relevant candidate above an irrelevant one of the same query)
by `python -m evaluation.fit_ranker`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from index.search.fusion import Evidence

FEATURES = (
    "keyword_rank", "dense_rank", "dense_gap", "named_keyword_rank", "named_dense_rank",
    "definition_rank", "named", "region", "level", "superseded",
)
# Below the last cosine of the dense list: a candidate the encoder did not put in its list at all.
ABSENT_GAP = 0.02


@dataclass(frozen=True)
class Candidates:
    """The candidates of one query and their feature rows (one row per id, columns FEATURES)."""

    ids: list[str]
    matrix: np.ndarray


def rank_feature(rank: int, size: int) -> float:
    """1 for first place, falling with the log of the rank, 0 at the end of a list of `size`."""
    return 1.0 - math.log1p(rank) / math.log1p(max(size, 1))


def features(lists: dict[str, list[tuple[str, float]]], evidence: dict[str, Evidence], pool: int) -> Candidates:
    """Feature rows of every candidate of the lists whose document passed (those in `evidence`)."""
    ids = sorted(cid for cid in evidence)
    row = {cid: i for i, cid in enumerate(ids)}
    m = np.zeros((len(ids), len(FEATURES)), dtype=np.float64)
    col = {name: j for j, name in enumerate(FEATURES)}

    def ranks(name: str, feature: str) -> None:
        for rank, (cid, _) in enumerate(lists.get(name, ())):
            if cid in row:
                m[row[cid], col[feature]] = rank_feature(rank, pool)

    for name in ("keyword", "dense", "named_keyword", "named_dense", "definition"):
        ranks(name, f"{name}_rank")
    dense = lists.get("dense") or []
    if dense:
        top, floor = dense[0][1], dense[-1][1] - ABSENT_GAP
        m[:, col["dense_gap"]] = floor - top
        for cid, cos in dense:
            if cid in row:
                m[row[cid], col["dense_gap"]] = cos - top
    for cid, i in row.items():
        e = evidence[cid]
        m[i, col["named"]], m[i, col["region"]] = e.named, e.region
        m[i, col["level"]], m[i, col["superseded"]] = e.level, e.superseded
    return Candidates(ids, m)


@dataclass(frozen=True)
class LinearRanker:
    """score = Σ weight × feature; candidates best first."""

    weights: dict[str, float]

    def rank(self, cands: Candidates) -> list[str]:
        """The candidates' ids, best first (ties by id, as fusion breaks them)."""
        z = cands.matrix @ np.array([self.weights.get(name, 0.0) for name in FEATURES])
        return [cands.ids[i] for i in sorted(range(len(cands.ids)), key=lambda i: (-z[i], cands.ids[i]))]
