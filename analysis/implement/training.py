"""Training sets (宣贯试题) from a document's requirement sentences, each question decided by its
clause's own text:

- 判断题: a requirement as written (正确), or the same sentence with its modal verb turned
  (应 → 不得, 不得 → 可以) or its number changed (错误): false by the very sentence it came from
  (不少于3次 holds 不少于2次, so a lower bound is moved up and an upper bound down);
- 填空题: the number of a requirement left blank (Arabic or Chinese numerals, as written);
- 单选题: the number and unit left blank, with distractors taken from the document's other numbers
  of the same unit, never one the sentence states and never one it allows (below a lower bound,
  above an upper one);
- 文件题: which document states a requirement, the others drawn from the knowledge base.

Every question carries its citation and the sentence that proves it. Pure functions; the
requirement sentences are those of the checklist (checklist.py).
"""

from __future__ import annotations

import random
import re
from itertools import zip_longest
from typing import Literal

from pydantic import BaseModel

from ingest.numerals import int_to_cn

from ..gap.modality import MODALS
from ..gap.quantities import Amount, amounts
from .checklist import ChecklistItem

QuestionKind = Literal["判断题", "单选题", "填空题", "文件题"]
_MODAL = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in MODALS))
# A modal verb turned into its opposite: the changed sentence says what the clause forbids, or
# forbids what it requires (its first modal verb, so 供应 and 应急 are never touched).
_OPPOSITE = {"forbid": "可以", "waive": "应当", "require": "不得", "permit": "不得"}


class Citation(BaseModel):
    title: str
    article: str


class Question(BaseModel):
    kind: QuestionKind
    stem: str
    options: list[str]
    answer: str
    citation: Citation
    proof: str
    difficulty: Literal["易", "中", "难"]


class TrainingSet(BaseModel):
    document: str
    questions: list[Question]


def training_set(title: str, items: list[ChecklistItem], n: int = 30, other_titles: list[str] = (),
                 seed: int = 0) -> TrainingSet:
    """Up to `n` questions on the requirements `items` of one document, the kinds taken in turn so
    that a short set still has every kind. `other_titles` (other documents of the knowledge base)
    make the 文件题."""
    rng = random.Random(f"{title}:{seed}")
    rules = [i for i in items if i.kind in ("要求", "禁止")]
    by_unit: dict[str, list[float]] = {}   # the document's values of each unit: distractors for 单选题
    for item in rules:
        for amount in amounts(item.requirement):
            by_unit.setdefault(amount.unit, []).append(amount.value)
    kinds = [[q for item in rules for q in maker(title, item, rng, by_unit, list(other_titles))]
             for maker in (_true_or_false, _fill_in, _choice, _which_document)]
    out, seen = [], set()
    for q in (q for row in zip_longest(*kinds) for q in row if q is not None):
        key = (q.kind, q.stem)   # a sentence is asked once each way: as written, turned, renumbered, blanked
        if key not in seen:
            seen.add(key)
            out.append(q)
    return TrainingSet(document=title, questions=out[:n])


def _cite(title: str, item: ChecklistItem) -> Citation:
    return Citation(title=title, article=item.clause)


def _true_or_false(title, item, rng, by_unit, others) -> list[Question]:
    sentence = item.requirement
    out = [Question(kind="判断题", stem=sentence, options=["正确", "错误"], answer="正确", citation=_cite(title, item),
                    proof=sentence, difficulty="易")]
    modal = _MODAL.search(sentence)
    if modal:
        turned = sentence[:modal.start()] + _OPPOSITE[modal.lastgroup] + sentence[modal.end():]
        out.append(Question(kind="判断题", stem=turned, options=["正确", "错误"], answer="错误",
                            citation=_cite(title, item), proof=sentence, difficulty="易"))
    amount = _first_amount(sentence)
    # 不少于3次 holds 不少于2次: a false statement moves a lower bound up and an upper bound down.
    changed = amount and next(iter(_values_not_implied(amount, sentence)), None)
    if changed:
        out.append(Question(kind="判断题", stem=sentence[:amount.start] + changed + sentence[amount.end:],
                            options=["正确", "错误"], answer="错误", citation=_cite(title, item), proof=sentence,
                            difficulty="中"))
    rng.shuffle(out)
    return out


def _fill_in(title, item, rng, by_unit, others) -> list[Question]:
    amount = _first_amount(item.requirement)
    if amount is None:
        return []
    stem = item.requirement[:amount.start] + "（    ）" + item.requirement[amount.end:]
    return [Question(kind="填空题", stem=stem, options=[], answer=amount.number, citation=_cite(title, item),
                     proof=item.requirement, difficulty="中")]


def _choice(title, item, rng, by_unit, others) -> list[Question]:
    sentence = item.requirement
    amount = _first_amount(sentence)
    if amount is None:
        return []
    chinese = not amount.number.isascii()
    stated = {a.value for a in amounts(sentence)}
    # A distractor the clause allows is no distractor: under 不少于3次, 5次 complies, so the wrong
    # options of a lower bound lie below it and those of an upper bound above it.
    allowed = {"min": lambda v: v < amount.value, "max": lambda v: v > amount.value}.get(amount.bound, lambda v: True)
    siblings = [v for v in dict.fromkeys(by_unit.get(amount.unit, [])) if v not in stated and allowed(v) and v > 0
                and (v == int(v) or amount.value != int(amount.value))]
    distractors = [_written(v, chinese) for v in siblings if _written(v, chinese)][:3]
    difficulty = "难" if len(distractors) >= 2 else "中"
    for candidate in _values_allowed_not(amount, sentence):
        if len(distractors) >= 3:
            break
        if candidate not in distractors:
            distractors.append(candidate)
    if len(distractors) < 3 or amount.number in distractors:
        return []   # not decided by the text: no question rather than a doubtful one
    options = [f"{x}{amount.unit}" for x in [amount.number, *distractors[:3]]]
    rng.shuffle(options)
    unit_end = sentence.index(amount.unit, amount.end)
    stem = sentence[:amount.start] + "（    ）" + sentence[unit_end + len(amount.unit):]
    return [Question(kind="单选题", stem=stem, options=options, answer=f"{amount.number}{amount.unit}",
                     citation=_cite(title, item), proof=sentence, difficulty=difficulty)]


def _which_document(title, item, rng, by_unit, others) -> list[Question]:
    if len(others) < 3 or len(item.requirement) < 12:
        return []
    options = [title, *rng.sample([o for o in others if o != title], 3)]
    rng.shuffle(options)
    return [Question(kind="文件题", stem=f"下列哪一文件规定了“{item.requirement}”？", options=options, answer=title,
                     citation=_cite(title, item), proof=item.requirement, difficulty="易")]


def _first_amount(sentence: str) -> Amount | None:
    found = amounts(sentence)
    return found[0] if found else None


def _values_not_implied(amount: Amount, sentence: str) -> list[str]:
    """Numbers that make the sentence false by its own words: above a lower bound, below an upper one."""
    v = amount.value
    candidates = (v - 1, v / 2, v - 2) if amount.bound == "max" else (v + 1, v * 2, v + 2, v * 3)
    return _fresh(candidates, amount, sentence)


def _values_allowed_not(amount: Amount, sentence: str) -> list[str]:
    """Numbers for wrong options that the clause does not allow: below a lower bound, above an upper one."""
    v = amount.value
    below = (v - 1, v // 2 if v == int(v) else v / 2, v - 2, round(v * 2 / 3), v - 3)
    above = (v + 1, v * 2, v + 2, v * 3, round(v * 1.5))
    candidates = below if amount.bound == "min" else above if amount.bound == "max" else (*above[:2], *below[:2])
    return _fresh(candidates, amount, sentence)


def _fresh(candidates, amount: Amount, sentence: str) -> list[str]:
    """`candidates` written as the sentence writes numbers, positive, and none the sentence states."""
    stated = {a.value for a in amounts(sentence)}
    chinese = not amount.number.isascii()
    out = []
    whole = amount.value == int(amount.value)   # 3次 has neighbours 2次 and 4次, never 1.5次
    for value in candidates:
        if value <= 0 or value in stated or (whole and value != int(value)):
            continue
        text = _written(value, chinese)
        if text and text not in out:
            out.append(text)
    return out


def _written(value: float, chinese: bool) -> str:
    """30 → "30" or "三十"; "" for a number Chinese numerals here cannot write (fractions)."""
    if value != int(value):
        return "" if chinese else f"{value:g}"
    return int_to_cn(int(value)) if chinese else str(int(value))
