"""Citation parsing: "《标准化法》第2条第二款", "机关事务管理条例 第二十八条", "GB/T 30520—2014 3.1".

Pure functions. A citation names a work (by full title, title without 中华人民共和国, or a short
name) and optionally an article (条, with 之一), a paragraph (款) and an item (项); a standard
citation names a standard number (year optional) and optionally a clause number. Which document
the name means is decided by `titles.TitleIndex`, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.numerals import CN_NUMERAL_CHARS, cn_to_int, int_to_cn, to_halfwidth_digits

_NUM = rf"[0-9０-９]+|[{CN_NUMERAL_CHARS}]+"
# 第十七条之一 / 第17条 / 第二款 / 第（三）项 / 第3项
_ARTICLE_RE = re.compile(rf"第\s*({_NUM})\s*条(?:\s*之\s*({_NUM}))?")
_PARAGRAPH_RE = re.compile(rf"^\s*第\s*({_NUM})\s*款")
_ITEM_RE = re.compile(rf"^\s*第\s*[（(]?\s*({_NUM})\s*[)）]?\s*项")
# GB/T 30520—2014, GB 31654-2021, DB33/T 2345–2021, JGJ/T 1, GB/Z 1
_STANDARD_RE = re.compile(
    r"(?<![A-Za-z])((?:GB|DB\s*\d{2,6}|[A-Z]{2,4})(?:\s*/\s*[TZ])?)\s*(\d+(?:\.\d+)?)"
    r"(?:\s*[—–\-－‐]\s*(\d{4}))?"
    r"(?:\s*(?:第\s*)?((?:附录\s*[A-Z](?:\.\d+)*)|(?:[A-Z]?\d+(?:\.\d+)*))(?:\s*条)?)?",
)
_BRACKETS = str.maketrans("", "", "《》〈〉<>\"“”「」'")
_YEAR_RE = re.compile(r"[（(]?\s*(\d{4})\s*(?:年)?\s*(?:版|修订|修正)?\s*[)）]?")
# Words that surround a citation in a question but are not part of the title.
_LEADING_NOISE = re.compile(r"^(?:(?:请问|请|查询|查找|查看|显示|根据|依据|按照|依照|按)\s*)+")


@dataclass(frozen=True)
class ArticleRef:
    """第N条[之M][第P款][第Q项]; `number` is the form stored on clauses: '10' or '17-1'."""

    article: int
    sub: int = 0
    paragraph: int = 0
    item: int = 0

    @property
    def number(self) -> str:
        return f"{self.article}-{self.sub}" if self.sub else str(self.article)

    @property
    def label(self) -> str:
        text = f"第{int_to_cn(self.article)}条" + (f"之{int_to_cn(self.sub)}" if self.sub else "")
        if self.paragraph:
            text += f"第{int_to_cn(self.paragraph)}款"
        if self.item:
            text += f"第{int_to_cn(self.item)}项"
        return text


@dataclass(frozen=True)
class Citation:
    """What a citation string names. `title` is the work name as written, cleaned of 《》 and spaces."""

    text: str
    title: str = ""
    year: str = ""
    articles: tuple[ArticleRef, ...] = ()
    standard_code: str = ""      # "GB/T 30520"
    standard_year: str = ""      # "2014"
    clause_number: str = ""      # "3.1", "附录A"

    @property
    def is_standard(self) -> bool:
        return bool(self.standard_code)


def clean_title(text: str) -> str:
    """A work name as typed → comparable form: no 《》, quotes, spaces or 中华人民共和国."""
    t = to_halfwidth_digits(text).translate(_BRACKETS)
    t = re.sub(r"\s+", "", t)
    return t.replace("中华人民共和国", "")


def parse_citation(text: str) -> Citation | None:
    """Parse `text` as a citation, or None when it does not look like one.

    Article numbers that are not numbers at all (第零条) are kept as 0 so that the caller can say
    the clause does not exist instead of silently treating the query as a question.
    """
    raw = text.strip()
    if not raw or len(raw) > 200:
        return None
    s = to_halfwidth_digits(raw)
    std = _STANDARD_RE.search(s)
    if std and _is_standard_prefix(std.group(1)):
        code = re.sub(r"\s+", "", std.group(1)) + " " + std.group(2)
        return Citation(text=raw, title=clean_title(s[:std.start()]), standard_code=code,
                        standard_year=std.group(3) or "", clause_number=(std.group(4) or "").replace(" ", ""))
    m = _ARTICLE_RE.search(s)
    if not m:
        return None
    title_part = _LEADING_NOISE.sub("", s[:m.start()].strip())
    year = ""
    ym = _YEAR_RE.search(title_part)
    if ym and ym.group(1).startswith(("19", "20")):
        year = ym.group(1)
        title_part = title_part[:ym.start()] + title_part[ym.end():]
    articles = []
    for am in _ARTICLE_RE.finditer(s):
        try:
            article = cn_to_int(am.group(1))
            sub = cn_to_int(am.group(2)) if am.group(2) else 0
        except ValueError:
            return None
        paragraph = item = 0
        rest = s[am.end():]
        pm = _PARAGRAPH_RE.match(rest)
        if pm:
            paragraph = _safe_int(pm.group(1))
            rest = rest[pm.end():]
        im = _ITEM_RE.match(rest)
        if im:
            item = _safe_int(im.group(1))
        articles.append(ArticleRef(article, sub, paragraph, item))
    return Citation(text=raw, title=clean_title(title_part), year=year, articles=tuple(articles))


def _safe_int(text: str) -> int:
    try:
        return cn_to_int(text)
    except ValueError:
        return 0


def _is_standard_prefix(prefix: str) -> bool:
    """GB, DB<region> and 2–4 letter sector codes (JGJ, WS…), with /T or /Z."""
    return bool(re.fullmatch(r"(GB|DB\d{2,6}|[A-Z]{2,4})(/[TZ])?", re.sub(r"\s+", "", prefix)))


def standard_key(code: str) -> str:
    """'GB/T 30520' → 'GBT30520': a form that ignores spacing and the slash."""
    return re.sub(r"[\s/]", "", code).upper()

