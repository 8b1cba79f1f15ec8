"""Is a provision on point as the basis of a draft clause? A small logistic model over two
signals, fitted on bases judged by reading (evaluation/tuning/basis_judgments.jsonl, by
`python -m evaluation.fit_onpoint DIR --write`), with the threshold chosen there.

Word coverage alone made half the bases of the tuning drafts off point: a provision sharing a
clause's words (会议, 档案, 食堂) but not its duty. The signals:
  - cosine: the encoder's cosine of the clause to the provision's stored vector (what the dense
    list ranks by; no embedding at analysis time);
  - covered_back: the share of the provision's own words (by rarity) that the clause holds — a
    provision about much else than the clause is about something else.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.kb import KnowledgeBase
from index.results import Hit

from .coverage import content_words, coverage

MODEL_FILE = Path(__file__).resolve().parent / "data" / "onpoint.json"
FEATURES = ("cosine", "covered_back")


@dataclass(frozen=True)
class OnPointModel:
    weights: dict[str, float]
    bias: float
    threshold: float

    def score(self, signals: dict[str, float]) -> float:
        z = self.bias + sum(w * signals[name] for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


@lru_cache(maxsize=1)
def _models() -> dict[str, OnPointModel]:
    if not MODEL_FILE.exists():
        return {}
    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))["models"]
    return {name: OnPointModel(m["weights"], m["bias"], m["threshold"]) for name, m in raw.items()}


def model_for(embed_model: str) -> OnPointModel | None:
    """The fitted model of an embedder, or None: without one every basis stands (cosines of
    another encoder mean something else)."""
    return _models().get(embed_model)


def signals(kb: KnowledgeBase, clause: str, hits: list[Hit]) -> list[dict[str, float] | None]:
    """The signals of each provision for the clause; None for one without a stored vector."""
    segmenter = kb.text.segmenter
    clause_words = content_words(clause, segmenter)
    provision_words = [content_words(h.text, segmenter) for h in hits]
    rarity = kb.text.rarity(sorted(clause_words.union(*provision_words)))
    out = []
    for hit, words, cos in zip(hits, provision_words, kb.text.cosines(clause, [h.id for h in hits])):
        out.append(None if cos is None else {"cosine": cos, "covered_back": coverage(words, clause_words, rarity)})
    return out
