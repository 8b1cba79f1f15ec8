"""Rank fusion of several ranked lists (keyword, dense, citation)."""

from __future__ import annotations


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
