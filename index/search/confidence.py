"""Does the knowledge base really answer the query? Trainees must be able to tell "the rules do
not cover this" from an answer, so weak matches are flagged instead of presented as answers.

Reciprocal-rank fusion always has a first place, so its scores cannot say this. Four signals
can; only the last reads words, the interrogatives that ask for an amount:
  - nearest: the cosine of the nearest clause to the query;
  - coverage: the IDF-weighted share of the query's words that one of the best hits contains
    (words the corpus never uses count fully against it);
  - unseen: the share of the query's words the corpus never uses. Such a word is the asker's
    own (升降梯, 盘子), not the law's, so it tells coverage's misses apart: a question whose
    missing words the corpus knows elsewhere (a near-topic question whose rule is absent) from
    one whose missing words are everyday speech. Fitted on the blind tuning questions, its weight
    is positive (evaluation/calibrate.py).
  - quantity_unstated: 1 when the query asks for an amount (多少, 几天, 上限) and none of the first
    hits states a number. A near-topic question whose rule is absent often asks for the amount or
    period that a neighbouring rule does not set.
A small logistic model per embedder turns them into `confidence` in 0..1; its coefficients and
threshold live in `data/confidence.json`, written by `python -m evaluation.calibrate DIR`, which
fits them on answerable and unanswerable questions and reports held-out figures by folds.
Two more signals were tried and dropped: how far the nearest clause stands out from the 20th, and
how many of the keyword top 10 the dense top 10 shares. Both change meaning with the size of the
corpus (in an 8-document knowledge base the 20th clause is far from anything), and on the full
corpus they added nothing held out (README, "Confidence").
A query that names a work (保密法, 公共机构节能条例) and gets a clause of that work near the top is
answered by definition (confidence 1).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from index.results import Hit
from index.search.keyword import KeywordIndex
from index.search.query import QueryPlan
from ingest.segment import Segmenter

TOP_HITS = 3
MODELS_FILE = Path(__file__).parent / "data" / "confidence.json"
# The evidence of an answer found by citation or by name: above any threshold.
BY_NAME = 1.0


@dataclass(frozen=True)
class Signals:
    """What the confidence of one search is computed from (shown in the API for transparency)."""

    nearest: float = 0.0
    coverage: float = 0.0
    unseen: float = 0.0
    quantity_unstated: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class ConfidenceModel:
    """confidence = sigmoid(bias + Σ weight × signal); `low_confidence` below `threshold`."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def score(self, signals: Signals) -> float:
        z = self.bias + sum(w * getattr(signals, name) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


@cache
def _models() -> dict[str, ConfidenceModel]:
    raw = json.loads(MODELS_FILE.read_text(encoding="utf-8"))
    return {name: ConfidenceModel(weights=m["weights"], bias=m["bias"], threshold=m["threshold"])
            for name, m in raw["models"].items()}


def model_for(embed_model: str) -> ConfidenceModel:
    """The calibrated model of an embedder; one never calibrated gets the domain model's, which
    knows nothing of its cosine scale: run `python -m evaluation.calibrate DIR --write` for it."""
    models = _models()
    return models.get(embed_model, models["domain"])


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


def unseen(plan: QueryPlan, segmenter: Segmenter, keyword: KeywordIndex) -> float:
    """The share of the query's words that no clause of the corpus uses."""
    words = set(segmenter.tokens(plan.content or plan.text))
    return sum(keyword.frequency(w) == 0 for w in words) / len(words) if words and len(keyword) else 0.0


# How a question asks for an amount, and how a clause states one (digits, or a Chinese numeral
# with its unit: 三十日, 百分之五, 两次; or a period: 每年, 半年).
_ASKS_QUANTITY = re.compile(r"多少|几[个天年月日次人项倍平台辆座间层名级分周]|多大|多长|多久|多高|多重|多远|比例|"
                            r"标准是|上限|下限|额度|限额")
_STATES_QUANTITY = re.compile(r"[0-9０-９]|百分之|每[年月日天周季]|半年|[一二三四五六七八九十百千万两]+(?:个|天|年|月|日|次|人|项|倍|平方米|"
                              r"元|万元|辆|座|小时|分钟|周|%|％|成)")


def quantity_unstated(plan: QueryPlan, hits: list[Hit]) -> float:
    """1.0 when the query asks for an amount and none of the first hits states a number."""
    if not _ASKS_QUANTITY.search(plan.text):
        return 0.0
    return 0.0 if any(_STATES_QUANTITY.search(h.text) for h in hits[:TOP_HITS]) else 1.0


def signals(plan: QueryPlan, hits: list[Hit], segmenter: Segmenter, keyword: KeywordIndex,
            nearest: float) -> Signals:
    """The signals of one search, from its hits and the cosine of the clause nearest to the query."""
    return Signals(nearest=nearest, coverage=coverage(plan, hits, segmenter, keyword),
                   unseen=unseen(plan, segmenter, keyword), quantity_unstated=quantity_unstated(plan, hits))


def answered_by_name(hits: list[Hit], named_sources: set[str]) -> bool:
    """A work the query names is among the first hits: the query is answered by that work."""
    return any(h.source in named_sources for h in hits[:TOP_HITS])
