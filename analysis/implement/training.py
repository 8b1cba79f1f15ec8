"""Training sets (宣贯试题) from a document's requirement sentences, each question decided by its
clause's own text:

- 判断题: a requirement as written (正确), or the same sentence with its modal verb turned
  (应 → 不得, 不得 → 可以) or its number changed (错误): false by the very sentence it came from;
- 填空题: the number and unit of a requirement left blank;
- 单选题: the same blank with distractors taken from the document's other numbers of the same
  unit, never one the sentence itself states;
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

from ..gap.modality import MODALS
from .checklist import ChecklistItem

QuestionKind = Literal["判断题", "单选题", "填空题", "文件题"]
# A number with its unit: 1次, 48 h, 125 g, 5个工作日, 26℃.
_QUANTITY = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(个工作日|工作日|次|年|个月|月|日|天|小时|h|min|分钟|人|名|%|℃|摄氏度|"
                       r"平方米|m²|kg|g|元|份|件|周)")
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
    by_unit: dict[str, list[str]] = {}
    for item in rules:
        for number, unit in _QUANTITY.findall(item.requirement):
            by_unit.setdefault(unit, []).append(number)
    kinds = [[q for item in rules for q in maker(title, item, rng, by_unit, list(other_titles))]
             for maker in (_true_or_false, _fill_in, _choice, _which_document)]
    out, seen = [], set()
    for q in (q for row in zip_longest(*kinds) for q in row if q is not None):
        key = (q.kind, q.proof, q.answer)
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
    m = _QUANTITY.search(sentence)
    if m:
        changed = _other_number(m.group(1), sentence)
        out.append(Question(kind="判断题", stem=sentence[:m.start(1)] + changed + sentence[m.end(1):],
                            options=["正确", "错误"], answer="错误", citation=_cite(title, item), proof=sentence,
                            difficulty="中"))
    rng.shuffle(out)
    return out


def _fill_in(title, item, rng, by_unit, others) -> list[Question]:
    m = _QUANTITY.search(item.requirement)
    if not m:
        return []
    stem = item.requirement[:m.start(1)] + "（    ）" + item.requirement[m.end(1):]
    return [Question(kind="填空题", stem=stem, options=[], answer=m.group(1), citation=_cite(title, item),
                     proof=item.requirement, difficulty="中")]


def _choice(title, item, rng, by_unit, others) -> list[Question]:
    m = _QUANTITY.search(item.requirement)
    if not m:
        return []
    right, unit = m.group(1), m.group(2)
    stated = set(re.findall(r"\d+(?:\.\d+)?", item.requirement))
    siblings = [x for x in dict.fromkeys(by_unit.get(unit, [])) if x not in stated]
    distractors = siblings[:3]
    difficulty = "难" if len(distractors) >= 2 else "中"
    candidate = right
    while len(distractors) < 3:   # too few siblings: numbers near the right one, none the sentence states
        candidate = _other_number(candidate, item.requirement)
        if candidate not in distractors and candidate not in stated:
            distractors.append(candidate)
    options = [f"{x}{unit}" for x in [right, *distractors]]
    rng.shuffle(options)
    stem = item.requirement[:m.start(1)] + "（    ）" + item.requirement[m.end(2):]
    return [Question(kind="单选题", stem=stem, options=options, answer=f"{right}{unit}", citation=_cite(title, item),
                     proof=item.requirement, difficulty=difficulty)]


def _which_document(title, item, rng, by_unit, others) -> list[Question]:
    if len(others) < 3 or len(item.requirement) < 12:
        return []
    options = [title, *rng.sample([o for o in others if o != title], 3)]
    rng.shuffle(options)
    return [Question(kind="文件题", stem=f"下列哪一文件规定了“{item.requirement}”？", options=options, answer=title,
                     citation=_cite(title, item), proof=item.requirement, difficulty="易")]


def _other_number(number: str, sentence: str) -> str:
    """A number the sentence does not state: the next whole number up, or double it."""
    value = float(number)
    stated = set(re.findall(r"\d+(?:\.\d+)?", sentence))
    for candidate in (value + 1, value * 2, value + 2, value * 3):
        text = str(int(candidate)) if candidate == int(candidate) else str(candidate)
        if text not in stated:
            return text
    return str(int(value) + 10)
