"""Laws and regulations: 编/分编/章/节 headings, 第X条 articles with 款 and 项."""

from __future__ import annotations

from ingest.numerals import cn_to_int

from .common import (ARTICLE, DIVISION, DIVISION_RANK, ITEM, Line, RawClause, collapse, emit_with_parts,
                     looks_like_title, unique)


class LawParser:
    def __init__(self) -> None:
        self.clauses: list[RawClause] = []
        self.path: dict[int, str] = {}
        self.keys: set[str] = set()
        self.last_number: int | None = None
        self.heading_since_article = True
        self.article: RawClause | None = None
        self.article_lines: list[str] = []
        self.loose: list[str] = []  # text outside any article (preamble, appendix)
        self.loose_label = "（序）"

    def heading_path(self) -> list[str]:
        return [self.path[r] for r in sorted(self.path)]

    def parse(self, lines: list[Line]) -> list[RawClause]:
        for ln in lines:
            text = ln.text
            div = DIVISION.match(text)
            if div and (ln.md_level or looks_like_title(div.group(3), 30)):
                self._flush()
                rank = DIVISION_RANK[div.group(2)]
                heading = f"第{div.group(1)}{div.group(2)}"
                title = collapse(div.group(3))
                self._set_heading(rank, f"{heading} {title}".strip())
                self.loose_label = self.path[rank]
                continue
            if ln.md_level:
                # 附件, 附则 and similar headings that are not 编/章/节: text under them is its own clause.
                self._flush()
                self._set_heading(10 + ln.md_level, collapse(text))
                self.loose_label = collapse(text)
                continue
            if self._start_article(text):
                continue
            if self.article is not None:
                self.article_lines.append(text)
            else:
                self.loose.append(text)
        self._flush()
        return self.clauses

    def _set_heading(self, rank: int, text: str) -> None:
        self.path = {r: t for r, t in self.path.items() if r < rank}
        self.path[rank] = text
        self.heading_since_article = True

    def _start_article(self, text: str) -> bool:
        m = ARTICLE.match(text)
        if not m:
            return False
        try:
            n = cn_to_int(m.group(1))
            sub = cn_to_int(m.group(2)) if m.group(2) else None
        except ValueError:
            return False
        last = self.last_number
        if sub is not None:
            ok = n == last
        elif last is None or n == last + 1:
            ok = True
        elif m.group("sep") and n > last:
            ok = True  # a gap in numbering; still a real article line
        else:
            ok = n == 1 and self.heading_since_article  # an attached regulation starts over
        if not ok:
            return False
        self._flush()
        label = text[: m.start("sep")] if m.group("sep") else text[: m.start("rest")]
        number = f"{n}-{sub}" if sub is not None else str(n)
        self.article = RawClause(
            key=unique(label, self.keys), label=label, number=number, kind="article", text="",
            heading_path=self.heading_path(),
        )
        self.article_lines = [m.group("rest").strip()] if m.group("rest").strip() else []
        self.last_number = n
        self.heading_since_article = False
        return True

    def _flush(self) -> None:
        if self.article is not None:
            emit_with_parts(self.clauses, self.article, _law_units(self.article_lines))
            self.article, self.article_lines = None, []
        if self.loose:
            kind = "preamble" if not self.clauses else "section"
            head = RawClause(key=unique(self.loose_label, self.keys), label=self.loose_label, kind=kind,
                             text="", heading_path=self.heading_path()[:-1] if kind == "section" else [])
            emit_with_parts(self.clauses, head, [[s] for s in self.loose])
            self.loose = []


def _law_units(lines: list[str]) -> list[list[str]]:
    """Group article lines into 款: a 项 line （一） belongs to the 款 before it."""
    units: list[list[str]] = []
    for s in lines:
        if units and ITEM.match(s):
            units[-1].append(s)
        else:
            units.append([s])
    return units
