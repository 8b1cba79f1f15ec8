"""Scoring a trainee's answers to a training set: right or wrong by the question's own answer, and
for a wrong one the clause that decides it (the page shows it)."""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel

from ingest.numerals import CN_NUMERAL_CHARS

from ..gap.quantities import to_number
from .training import Question, TrainingSet


class Marked(BaseModel):
    number: int
    question: Question
    given: str
    right: bool


class Score(BaseModel):
    document: str
    right: int
    total: int
    questions: list[Marked]

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.total) if self.total else 0


def score(paper: TrainingSet, answers: dict[int, str]) -> Score:
    """`answers` by question number (1-based); an unanswered question is wrong."""
    marked = [Marked(number=n, question=q, given=answers.get(n, ""), right=is_right(q, answers.get(n, "")))
              for n, q in enumerate(paper.questions, start=1)]
    return Score(document=paper.document, right=sum(m.right for m in marked), total=len(marked), questions=marked)


def is_right(question: Question, given: str) -> bool:
    given = unicodedata.normalize("NFKC", given).strip()
    if question.kind != "填空题":
        return given == question.answer
    # A blank holds the number, as the clause writes it (30 or 三十); a trainee may write it either way,
    # with its unit (2次) or as 2.0.
    number = re.match(rf"\d+(?:\.\d+)?|[{CN_NUMERAL_CHARS}]+", given.replace(" ", ""))
    try:
        return bool(number) and to_number(number.group()) == to_number(question.answer)
    except ValueError:   # not a number at all: simply wrong
        return False
