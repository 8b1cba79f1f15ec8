"""Front matter: the lines at the top of a document that say when, by whom and under which number
it was issued (（2023年5月8日国管局印发　国管办发〔2023〕12号）, 发文字号：…). They are metadata, read
by metadata.extract_meta, never clauses: as a （序） clause they would come back as search hits."""

from __future__ import annotations

import re

from .metadata import _DATE, _DOC_NUMBER_PATTERNS
from .numerals import to_halfwidth_digits

_FRONT_KEYS = re.compile(r"^(?:发布日期|印发日期|成文日期|公布日期|施行日期|实施日期|生效日期|发文字号|文号|发文机关|"
                         r"发布机关|发布部门|制定机关|索引号|主题分类|公文种类|效力级别|时效性)\s*[:：]")
_ENACTED = re.compile(r"通过|公布|发布|印发|施行|修正|修订|批准")
_BARE_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\d+号$")
FRONT_MATTER_LINES = 12   # only the top of a document holds front matter


def is_front_matter(line: str) -> bool:
    """A line saying when, by whom or under which number the document was issued."""
    s = to_halfwidth_digits(line.strip())
    if not s or len(s) > 120:
        return False
    if _FRONT_KEYS.match(s) or _BARE_DOC_NUMBER.match(s):
        return True
    # Wrapped whole in one pair of brackets: （二）2025年…（国办发〔2023〕5号） is an item, not an issuing line.
    bracketed = s[0] in "（(" and s[-1] in "）)" and not re.search(r"[）)]", s[1:-1])
    dated = bool(_DATE.search(s)) or any(p.search(s) for p in _DOC_NUMBER_PATTERNS[2:])
    # （2023年5月8日国管局印发 国管办发〔2023〕12号）; 2012年6月13日国务院第208次常务会议通过
    # A line that starts with its date and says what happened then; 《…法》（2010年修订） in a list of
    # references starts with the title and stays text.
    starts_dated = bool(_DATE.match(s)) and bool(_ENACTED.search(s)) and not s.endswith(("。", "；"))
    return dated and (bracketed or starts_dated)


def strip_front_matter(body: str) -> str:
    """`body` without the front-matter lines among its first lines, before anything else is said."""
    lines = body.split("\n")
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > FRONT_MATTER_LINES:
            break
        if is_front_matter(line):
            lines[i] = ""
    return "\n".join(lines)
