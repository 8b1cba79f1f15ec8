"""Lines read off a page image → text in reading order (issue 32).

An OCR engine gives lines with a box each, in no trustworthy order. This module, pure functions
over those boxes, puts them back together the way a reader reads the page: lines on one row are
joined left to right, a page set in two columns is read column by column, and what repeats on
every page (a running header such as the standard's number, a page number at the foot) is left
out, because it would otherwise land in the middle of whatever clause runs over the page break.
Then the clause numbers of standards get the space the structure parser looks for.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
MARGIN_SHARE = 0.08    # the top and bottom 8 % of a page is where running headers and footers sit


@dataclass(frozen=True)
class OcrLine:
    """One line of text as an engine read it: its box in page pixels and its confidence (0–100)."""
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


# ------------------------------------------------------------------------------------ rows, columns
def rows(lines: list[OcrLine]) -> list[list[OcrLine]]:
    """Lines grouped into rows: a line joins a row when it overlaps the row's height by half its
    own, so two boxes of one printed line (an engine splits at wide gaps) come back together."""
    out: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.y0 + ln.y1) / 2):
        if out:
            row = out[-1]
            top, bottom = min(ln.y0 for ln in row), max(ln.y1 for ln in row)
            overlap = min(bottom, line.y1) - max(top, line.y0)
            if overlap >= 0.5 * min(line.height, bottom - top):
                row.append(line)
                continue
        out.append([line])
    return [sorted(row, key=lambda ln: ln.x0) for row in out]


def column_split(lines: list[OcrLine], page_width: float) -> float | None:
    """The x where a two-column page divides, or None for one column: a band around the middle of
    the page that hardly a line crosses (a title may), with enough lines on either side of it."""
    if len(lines) < 6:
        return None
    body = [ln for ln in lines if ln.x1 - ln.x0 < 0.6 * page_width]   # a full-width title does not count
    if len(body) < 0.6 * len(lines):
        return None
    for share in (0.5, 0.45, 0.55, 0.4, 0.6):
        x = share * page_width
        crossing = sum(1 for ln in lines if ln.x0 < x < ln.x1)
        left = sum(1 for ln in lines if ln.x1 <= x)
        right = sum(1 for ln in lines if ln.x0 >= x)
        if crossing <= max(2, 0.05 * len(lines)) and min(left, right) >= 0.25 * len(lines):
            return x
    return None


def join_row(row: list[OcrLine]) -> str:
    """The text of one row: no space where either side is Chinese (an engine's split between two
    CJK words is not a space on the page), one space between Latin words and numbers."""
    out = row[0].text.strip()
    for line in row[1:]:
        word = line.text.strip()
        if not word:
            continue
        if not out or _CJK.match(out[-1]) or _CJK.match(word[0]):
            out += word
        else:
            out += " " + word
    return out


def page_lines(lines: list[OcrLine], page_width: float) -> list[str]:
    """The rows of a page in reading order: full-width rows above a two-column block, then its left
    column, then its right; a one-column page top to bottom."""
    split = column_split(lines, page_width)
    if split is None:
        return [join_row(r) for r in rows(lines)]
    spanning = [ln for ln in lines if ln.x0 < split < ln.x1]
    left = [ln for ln in lines if ln.x1 <= split]
    right = [ln for ln in lines if ln.x0 >= split]
    body_top = min(ln.y0 for ln in left + right)
    above = [ln for ln in spanning if ln.y1 <= body_top]
    below = [ln for ln in spanning if ln.y1 > body_top]
    return [join_row(r) for part in (above, left, right, below) for r in rows(part) if part]


# ------------------------------------------------------------------------------------ running lines
_PAGE_NUMBER = re.compile(r"^[-—–－_·\s]*(第\s*)?[0-9０-９IVXivx]{1,4}(\s*页)?([/／]\s*\d{1,4})?(\s*页)?[-—–－_·\s]*$")


def is_page_number(text: str) -> bool:
    """"3", "— 3 —", "- 12 -", "第3页", "3/20": a page number, not text."""
    return bool(_PAGE_NUMBER.match(text.strip()))


def _margin_key(text: str) -> str:
    """Text of a margin line with its digits blanked, so that "第 3 页" and "第 4 页" repeat."""
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s", "", text))


def running_lines(pages: list[tuple[list[OcrLine], float]]) -> set[str]:
    """Keys (`_margin_key`) of lines that sit in the top or bottom margin of more than half of the
    pages (at least two): running headers and footers. `pages` is (lines, page height) a page."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines, height in pages:
        keys = {_margin_key(ln.text) for ln in lines if _in_margin(ln, height)}
        seen.update(k for k in keys if k)
    return {k for k, n in seen.items() if n >= 2 and n > len(pages) / 2}


def _in_margin(line: OcrLine, page_height: float) -> bool:
    return line.y1 <= MARGIN_SHARE * page_height or line.y0 >= (1 - MARGIN_SHARE) * page_height


def body_lines(lines: list[OcrLine], page_height: float, running: set[str] = frozenset()) -> list[OcrLine]:
    """The page without its furniture: running headers and footers (`running`), and page numbers
    in the margins. A bare number in the body is kept (a table cell, a quantity)."""
    out = []
    for line in lines:
        if _in_margin(line, page_height) and (_margin_key(line.text) in running or is_page_number(line.text)):
            continue
        if not line.text.strip():
            continue
        out.append(line)
    return out


# ------------------------------------------------------------------------------------ clause numbers
# A standard's clause number at the start of a line, glued to its text by the engine ("5.1.4采用…"):
# two or more levels (5.1.4), an annex clause (A.1, B.2.3), or 附录A. One level ("4管理要求") is
# only a heading when the row is short and has no sentence punctuation: "3个月内应…" is the tail of
# a sentence wrapped onto a new line. A decimal in the text ("0.5 m") is never at a row's start with
# Chinese glued to it, and only the start of a row is looked at.
_MULTI_LEVEL = re.compile(r"^(\d{1,2}(?:[.．]\d{1,3}){1,5}|[A-Z][.．]\d{1,3}(?:[.．]\d{1,3}){0,4})(?=[\u4e00-\u9fff“《（(])")
_ONE_LEVEL = re.compile(r"^(\d{1,2})(?=[\u4e00-\u9fff])([^，。；：、,;:]{1,14})$")
_ANNEX = re.compile(r"^附\s*录\s*([A-Z])(?=[\s（(]|$)")
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百千零〇\d]+[编章节条])(?=[^\s，。、])")


def restore_heading_spacing(line: str) -> str:
    """"5.1.4采用…" → "5.1.4 采用…", "4管理要求" → "4 管理要求", "附录A（规范性）" → "附录A （规范性）",
    "第一条为了…" → "第一条 为了…": the space the page shows after a clause number is lost when the
    engine reads a CJK line, and the structure parser and the line unwrapper need it."""
    line = line.strip()
    for pattern in (_ARTICLE, _MULTI_LEVEL):
        m = pattern.match(line)
        if m:
            return f"{m.group(1).replace('．', '.')} {line[m.end():]}"
    m = _ONE_LEVEL.match(line)
    if m:
        return f"{m.group(1)} {m.group(2)}"
    m = _ANNEX.match(line)
    if m:
        rest = line[m.end():].strip()
        return f"附录{m.group(1)}" + (f" {rest}" if rest else "")
    return line
