"""What a question asks for, and whether a sentence holds it: a question for a number of years, a
period or an amount is not answered by a sentence that states none (公务用车使用满几年可以更新？
against 公务用车按照规定年限更新), which must say so instead of passing for an answer."""

from __future__ import annotations

import re

_NUMBER = r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百千万半]+)"
# (what is asked, its words in a question, what a sentence must hold to answer it)
ASKS = (
    ("年限", re.compile(r"几年|多少年|多少个?年头|年限"), re.compile(_NUMBER + r"\s*(?:个)?(?:年|周年)")),
    ("期限", re.compile(r"多长时间|多久|几天|几日|多少天|几个月|多少个?工作日|期限"),
     re.compile(_NUMBER + r"\s*(?:个)?(?:年|月|日|天|小时|工作日|周|分钟|h|min)|每(?:年|半年|季度|月|周|日|天)|年度|季度")),
    ("数值", re.compile(r"多少|几[次个人名度]|多大|多高|多低|多重|最[高低多少]"),
     re.compile(_NUMBER + r"|百分之")),
)
NOT_STATED = {"年限": "条文未规定具体年限。", "期限": "条文未规定具体期限。", "数值": "条文未规定具体数值。"}


def asked_for(question: str) -> str | None:
    """The kind of answer the question asks for (年限, 期限, 数值), or None for any other question."""
    return next((kind for kind, words, _ in ASKS if words.search(question)), None)


def holds(kind: str, sentence: str) -> bool:
    """Whether the sentence states an answer of that kind (a number of years, a period, a number)."""
    return bool(next(pattern for k, _, pattern in ASKS if k == kind).search(sentence))
