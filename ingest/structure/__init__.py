"""Chinese legal structure parsing: body text → raw clauses, for three families of documents.

- law: 编/分编/章/节 headings, 第X条 articles with 款 (paragraphs) and 项 （一）（二）;
- standard: numbered clauses 1, 3.1, 5.2.1, 附录A, A.1, with 术语和定义 entries as their own records;
- prose: 一、/（一）/1./（1） heading hierarchies (notices, plans, 编制说明).

Every numbered line is checked against the numbering so far before it is taken as a heading: an
in-text cross-reference that happens to start a line ("第十条规定的…", "5.2.1的规定…") or a list that
restarts inside a section is kept as text instead of breaking the outline. Long units are split
into `part` clauses at paragraph/item boundaries, so no clause swallows a chapter and no text is
dropped: every character of the body lands in exactly one clause or heading.
"""

from __future__ import annotations

import re

from .common import ARTICLE, MAX_CLAUSE_CHARS, SPACE, Line, RawClause, to_lines
from .law import LawParser
from .prose import ProseParser
from .standard import StandardParser

__all__ = ["MAX_CLAUSE_CHARS", "Line", "RawClause", "detect_family", "parse_body", "to_lines"]


def detect_family(body: str, level: str = "") -> str:
    """Pick the parser: articles make a law, numbered clauses make a standard, else prose."""
    lines = to_lines(body)
    articles = sum(1 for ln in lines if ARTICLE.match(ln.text) and ARTICLE.match(ln.text).group("sep"))
    if articles >= 2:
        return "law"
    if "标准" in level and "试点" not in level:
        return "standard"
    # A standard opens with "1 范围"; an 编制说明 may list a standard's chapters later on, but its
    # own first numbered heading is something else ("1. 项目背景").
    for ln in lines:
        m = re.match(rf"^1(?:[.．、]|{SPACE}|(?=[\u4e00-\u9fff]))", ln.text)
        if m:
            return "standard" if re.match(rf"^1{SPACE}*范围$", ln.text) else "prose"
        if ln.md_level and ln.text == "范围":
            return "standard"
    return "prose"


def parse_body(body: str, family: str) -> list[RawClause]:
    lines = to_lines(body)
    if family == "law":
        return LawParser().parse(lines)
    if family == "standard":
        return StandardParser().parse(lines)
    return ProseParser().parse(lines)
