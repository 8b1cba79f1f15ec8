"""Weighted reciprocal-rank fusion of the ranked lists, with what the query says of each
document (a work it names, its region, a level, a superseded version) as factors."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

# The lists a query is answered from, in the order their weights are given.
LISTS = ("keyword", "dense", "named_keyword", "named_dense", "definition")


@dataclass(frozen=True)
class Evidence:
    """What the query says of a candidate's document."""

    named: bool          # a work the query names
    region: bool         # a region the query names
    level: bool          # a level the query names
    superseded: bool     # a superseded or repealed version, when the user did not choose versions


@dataclass(frozen=True)
class Weights:
    """Fusion weights and adjustments. The defaults were set with the domain model; each embedder's
    own, chosen by folds (`python -m evaluation.tune_fusion`), are in data/fusion.json."""

    rrf_k: int = 60
    pool: int = 100
    keyword: float = 1.0
    dense: float = 0.6
    named_keyword: float = 1.0
    named_dense: float = 0.6
    definition: float = 1.5
    named_boost: float = 1.6
    region_boost: float = 1.4
    level_boost: float = 1.2
    superseded_factor: float = 0.8


FUSION_FILE = Path(__file__).parent / "data" / "fusion.json"


def weights_for(embed_model: str) -> Weights:
    """The tuned weights of an embedder (data/fusion.json); the defaults for one never tuned."""
    tuned = json.loads(FUSION_FILE.read_text(encoding="utf-8"))["weights"].get(embed_model)
    return Weights(**tuned) if tuned else Weights()


def rrf(rankings: list[list[tuple[str, float]]], k: int = 60, weights: list[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: score(id) = Σ w_i / (k + rank_i). Best first.

    Scores of different retrievers are not comparable (BM25 vs cosine); ranks are, which is why
    fusion works on ranks. `k` damps the influence of the very top ranks.
    """
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, (item, _score) in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def fuse(lists: dict[str, list[tuple[str, float]]], evidence: dict[str, Evidence], w: Weights) -> list[tuple[str, float]]:
    """(clause id, 0..1 score) best first: weighted RRF times the document factors, for the
    candidates whose document passed (those in `evidence`)."""
    names = [n for n in LISTS if n in lists]
    weight = {"keyword": w.keyword, "dense": w.dense, "named_keyword": w.named_keyword,
              "named_dense": w.named_dense, "definition": w.definition}
    fused = rrf([lists[n] for n in names], k=w.rrf_k, weights=[weight[n] for n in names])
    scale = (w.rrf_k + 1) / (w.keyword + w.dense)
    adjusted = [(cid, score * scale * _factor(evidence[cid], w)) for cid, score in fused if cid in evidence]
    adjusted.sort(key=lambda kv: (-kv[1], kv[0]))
    return [(cid, display_score(s)) for cid, s in adjusted]


def _factor(e: Evidence, w: Weights) -> float:
    factor = 1.0
    if e.named:
        factor *= w.named_boost
    if e.region:
        factor *= w.region_boost
    if e.level:
        factor *= w.level_boost
    if e.superseded:
        factor *= w.superseded_factor
    return factor


def display_score(fused: float) -> float:
    """The 0..1 score a user sees for a fused score, rising with it and always below an exact
    lookup's 1.0: 1 − e^(−s), where s = 1 means first in both the keyword and the dense list
    (0.63); a named work's boosts take it towards 1. Hits are ranked by s, so the score never
    rises down the list."""
    return 1.0 - math.exp(-max(fused, 0.0))
