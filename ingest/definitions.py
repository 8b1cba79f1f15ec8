"""The terms a clause defines: "本条例所称会展业，是指…", "敏感个人信息是…的个人信息", 术语和定义.

Pure functions over clause text. The forms are those of Chinese legislative drafting: a
所称-definition, a term list after "下列用语的含义", a sentence that opens with "X是指", and the
genus-differentia sentence "X是……的Y" where Y ends X. Standards' term entries are their own
clauses (kind "term") and are handled by the caller.
"""

from __future__ import annotations

import re

_TERM_CHARS = r"[^，,。；;：:“”\"「」（）()\s]"
# 本法所称标准（含标准样品），是指 / 政府采购法第二条所称财政性资金是指 / 本条例所称的建筑节能，包括
_SUOCHENG = re.compile(rf"所称(?:的)?[“\"「]?({_TERM_CHARS}{{1,30}}?)[”\"」]?(?:（[^）]{{1,30}}）)?[，,]?(?:是指|指|包括|是)")
# （一）场馆单位，是指 / 数据安全，是指 / “公共机构”是指 / （三）有害垃圾：
_LEADING = re.compile(rf"(?:^|[。；;\n])\s*(（[一二三四五六七八九十]+）|\d+[.、．])?\s*[“\"「]?({_TERM_CHARS}{{2,20}}?)[”\"」]?"
                      rf"(?:（[^）]{{1,30}}）)?(是指|[，,]是指|[，,]指(?![定导挥出明引示])|[，,]包括|[：:])")
# 敏感个人信息是一旦泄露……的个人信息
_GENUS = re.compile(rf"(?:^|[。；;\n])\s*({_TERM_CHARS}{{2,15}}?)是({_TERM_CHARS}[^。；;\n]{{4,120}}?)的({_TERM_CHARS}{{2,8}})(?:[，,。；;]|$)")
_SHORT_NAME = re.compile(r"（以下简称[“\"]?([^）”\"]{1,15})[”\"]?）")
_PREFIX = re.compile(r"^(?:本法|本条例|本办法|本规定|本细则|本标准|本文件|本规范|前款|本章|本节)")
_NOT_TERMS = frozenset({"本法", "本条例", "本办法", "本规定", "前款", "上述", "其中", "下列用语的含义", "以下"})


def defined_terms(text: str) -> list[str]:
    """Terms `text` defines, in order of appearance, without duplicates."""
    found: list[str] = []
    is_definition_article = bool(_SUOCHENG.search(text)) or "用语的含义" in text or "下列用语" in text
    for m in _SUOCHENG.finditer(text):
        _add(found, m.group(1))
    for m in _LEADING.finditer(text):
        enumerated, term, verb = m.group(1), m.group(2), m.group(3).lstrip("，,")
        # "X，包括" and "（一）X：" define only as items of an article that is a definition article.
        if verb in ("是指", "指") or (enumerated and is_definition_article):
            _add(found, term)
    for m in _GENUS.finditer(text):
        term, genus = m.group(1), m.group(3)
        if term.endswith(genus) and len(term) > len(genus):
            _add(found, term)
    for m in _SHORT_NAME.finditer(text):
        if found:
            _add(found, m.group(1))
    return found


def _add(found: list[str], term: str) -> None:
    term = re.sub(r"^.*所称(?:的)?", "", term.strip())
    term = _PREFIX.sub("", term).strip("“”\"「」 ")
    term = re.sub(r"（[^）]*）$", "", term)
    if 2 <= len(term) <= 20 and term not in _NOT_TERMS and "用语" not in term and term not in found and not term.endswith(("的", "是")):
        found.append(term)
