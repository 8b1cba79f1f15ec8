"""Retrieval evaluation on questions with gold clauses (the format of ../shared/eval/dev.jsonl).

A system is anything that maps a query to ranked results that `relevant` can judge: stdkb hits
(judged by source + article label) or naive text chunks of the peer baselines (judged by whether
the chunk contains the gold clause's heading line). Metrics: Recall@1/5/10 and MRR@10 per question
type and overall; how often a stale (superseded) article ranks above its current gold; and how
often `low_confidence` is set, for questions with and without gold.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from ingest.errors import DocumentError

CUTOFFS = (1, 5, 10)


class QuestionsError(DocumentError):
    """A questions file that cannot be read (a file given by the user: mapped like any DocumentError)."""


@dataclass
class Gold:
    title: str
    publish_date: str
    article: str
    path: str

    def levels(self) -> list[str]:
        """Prose gold names its place as heading prefixes joined by ' / '."""
        return [p.strip() for p in self.article.split(" / ")]


@dataclass
class Question:
    id: str
    type: str
    query: str
    relevant: list[Gold] = field(default_factory=list)
    stale: list[Gold] = field(default_factory=list)
    style: str = ""      # who asks, for paraphrases: trainee, public, drafter (held-out sets)


def load_questions(path: Path) -> list[Question]:
    """Read a JSONL questions file; QuestionsError names the line and what is wrong with it."""
    out = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionsError(path, f"cannot read questions ({exc})") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append(Question(
                id=str(row.get("id", n)), type=row.get("type", "other"), query=row["query"],
                relevant=[Gold(**{k: g.get(k, "") for k in ("title", "publish_date", "article", "path")})
                          for g in row.get("relevant", [])],
                stale=[Gold(**{k: g.get(k, "") for k in ("title", "publish_date", "article", "path")})
                       for g in row.get("stale", [])],
                style=row.get("style", "") if row.get("type") == "paraphrase" else ""))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise QuestionsError(f"{path}, line {n}", f"not a question object with a 'query' ({exc})") from exc
    if not out:
        raise QuestionsError(path, "no questions in the file")
    return out


class Judgeable(Protocol):
    """One ranked result; `matches` says whether it is the clause `gold` names."""

    def matches(self, gold: Gold) -> bool: ...


@dataclass
class HitResult:
    """A stdkb hit: relevant when its source and article match (for prose: its heading path)."""

    source: str
    article: str
    heading_path: list[str]
    clause_title: str = ""

    def matches(self, gold: Gold) -> bool:
        if self.source != gold.path:
            return False
        levels = gold.levels()
        if len(levels) == 1 and levels[0].startswith("第"):
            return self.article == levels[0]
        if len(levels) == 1 and self.article == levels[0]:
            return True
        path = [*self.heading_path, f"{self.article}{self.clause_title}"]
        if len(path) < len(levels):
            return False
        return all(_compact(p).startswith(_compact(g)) for p, g in zip(path[-len(levels):], levels))


@dataclass
class ChunkResult:
    """A naive text chunk: relevant when it contains the gold clause's heading line."""

    source: str
    text: str

    def matches(self, gold: Gold) -> bool:
        if self.source != gold.path:
            return False
        last = gold.levels()[-1]
        if last.startswith("第"):
            return any(line.strip().startswith(last) for line in self.text.splitlines()) or \
                f"\n{last}" in self.text
        return _compact(last) in _compact(self.text)


def _compact(text: str) -> str:
    return "".join(text.split())


@dataclass
class Outcome:
    question: Question
    first_relevant: int | None      # 0-based rank of the first relevant result
    stale_above: bool
    low_confidence: bool


System = Callable[[str], tuple[list[Judgeable], bool]]


def run(system: System, questions: list[Question], k: int = 10,
        progress: Callable[[int, int], None] = lambda done, total: None) -> list[Outcome]:
    outcomes = []
    for n, q in enumerate(questions, 1):
        results, low = system(q.query)
        progress(n, len(questions))
        results = results[:k]
        first = next((i for i, r in enumerate(results) if any(r.matches(g) for g in q.relevant)), None)
        stale_first = next((i for i, r in enumerate(results) if any(r.matches(g) for g in q.stale)), None)
        stale_above = stale_first is not None and (first is None or stale_first < first)
        outcomes.append(Outcome(q, first, stale_above, low))
    return outcomes


def metrics(outcomes: list[Outcome]) -> dict:
    """Overall and per-type metrics, plus the stale and low-confidence counts."""
    def summary(rows: list[Outcome]) -> dict:
        with_gold = [o for o in rows if o.question.relevant]
        n = len(with_gold)
        out: dict = {"questions": n}
        for c in CUTOFFS:
            out[f"recall@{c}"] = round(sum(o.first_relevant is not None and o.first_relevant < c
                                           for o in with_gold) / n, 3) if n else None
        out["mrr@10"] = round(sum(1 / (o.first_relevant + 1) for o in with_gold
                                  if o.first_relevant is not None and o.first_relevant < 10) / n, 3) if n else None
        return out

    by_type: dict[str, list[Outcome]] = defaultdict(list)
    by_style: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_type[o.question.type].append(o)
        if o.question.style:
            by_style[o.question.style].append(o)
    with_stale = [o for o in outcomes if o.question.stale]
    no_gold = [o for o in outcomes if not o.question.relevant]
    gold = [o for o in outcomes if o.question.relevant]
    return {
        "overall": summary(outcomes),
        "by_type": {t: summary(rows) for t, rows in sorted(by_type.items())},
        "by_style": {s: summary(rows) for s, rows in sorted(by_style.items())},
        "stale_above_gold": {"questions_with_stale": len(with_stale),
                             "stale_ranked_above_gold": sum(o.stale_above for o in with_stale)},
        "low_confidence": {
            "questions_without_gold": len(no_gold),
            "flagged_without_gold": sum(o.low_confidence for o in no_gold),
            "flagged_with_gold": sum(o.low_confidence for o in gold),
        },
        "misses": [o.question.id for o in gold if o.first_relevant is None or o.first_relevant >= 5],
    }
