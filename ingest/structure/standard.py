"""Standards: numbered clauses 1, 3.1, 5.2.1, 附录A, A.1, with 术语和定义 entries as their own records."""

from __future__ import annotations

import re

from .common import SPACE, Line, RawClause, collapse, emit_with_parts, looks_like_title, unique

# standards
_STD_NUMBER = re.compile(rf"^(\d{{1,2}}(?:\.\d{{1,3}}){{0,5}})(?:{SPACE}+|(?=[\u4e00-\u9fff“《（(]))(.*)$")
_ANNEX = re.compile(rf"^附{SPACE}*录{SPACE}*([A-Z])(?![a-zA-Z0-9])(.*)$")
_ANNEX_NUMBER = re.compile(rf"^([A-Z])\.(\d{{1,3}}(?:\.\d{{1,3}}){{0,4}})(?:{SPACE}+|(?=[\u4e00-\u9fff]))(.*)$")


def _next_numbers(current: list[int]) -> set[tuple[int, ...]]:
    """Numbers that may legally follow `current` (5.2.1 → 5.2.1.1, 5.2.2, 5.3, 6 and their .1s)."""
    options: set[tuple[int, ...]] = {tuple(current) + (1,)}
    for depth in range(len(current)):
        base = tuple(current[:depth]) + (current[depth] + 1,)
        options.add(base)
        options.add(base + (1,))  # a chapter heading that lost its number
    if not current:
        options |= {(1,), (1, 1), (0,)}
    return options


class StandardParser:
    def __init__(self) -> None:
        self.clauses: list[RawClause] = []
        self.keys: set[str] = set()
        self.numbers: list[int] = []
        self.annex: str | None = None
        self.stack: list[tuple[int, RawClause]] = []  # (depth, clause) of open headings
        self.current: RawClause | None = None
        self.current_lines: list[str] = []
        self.in_terms_depth: int | None = None

    def parse(self, lines: list[Line]) -> list[RawClause]:
        preamble: list[str] = []
        for ln in lines:
            opened = self._open(ln)
            if opened:
                if preamble:
                    self._emit_loose("前言" if any(s.startswith("前言") for s in preamble) else "（封面）", preamble)
                    preamble = []
                continue
            if self.current is None:
                preamble.append(ln.text)
            else:
                self.current_lines.append(ln.text)
        self._flush()
        if preamble:
            self._emit_loose("（封面）", preamble)
        return self.clauses

    def _open(self, ln: Line) -> bool:
        text = ln.text
        m = _ANNEX.match(text)
        if m:
            self.annex, self.numbers = m.group(1), []
            self._start(1, f"附录{m.group(1)}", f"附录{m.group(1)}", m.group(2).strip(), "appendix")
            return True
        m = _ANNEX_NUMBER.match(text)
        if m and self.annex == m.group(1):
            nums = [int(x) for x in m.group(2).split(".")]
            if tuple(nums) in _next_numbers(self.numbers):
                self.numbers = nums
                label = f"{m.group(1)}.{m.group(2)}"
                self._start(len(nums) + 1, label, label, m.group(3).strip(), "clause")
                return True
        m = _STD_NUMBER.match(text)
        if m and self.annex is None:
            nums = [int(x) for x in m.group(1).split(".")]
            # A numbered markdown heading is trusted even where the numbering skips.
            if ln.md_level or tuple(nums) in _next_numbers(self.numbers):
                self.numbers = nums
                self._start(len(nums), m.group(1), m.group(1), m.group(2).strip(), "clause")
                return True
        if ln.md_level:
            # An unnumbered markdown heading ("## 范围", "### 重伤"): its level says where it sits.
            depth = ln.md_level - 1 if ln.md_level > 1 else 1
            self._start(depth, collapse(text), "", "", "heading", title=collapse(text))
            return True
        if not self.numbers and self.annex is None and text in ("前言", "引言"):
            self._flush()
            self._start(1, text, "", "", "preamble", title=text)
            return True
        return False

    def _start(self, depth: int, label: str, number: str, rest: str, kind: str, title: str = "") -> None:
        self._flush()
        while self.stack and self.stack[-1][0] >= depth:
            self.stack.pop()
        if self.in_terms_depth is not None and depth <= self.in_terms_depth:
            self.in_terms_depth = None
        heading_path = [_heading_text(c) for _, c in self.stack]
        body: list[str] = []
        if not title:
            if looks_like_title(rest):
                title = rest
            elif rest:
                body = [rest]
        if self.in_terms_depth is not None and kind in ("clause", "heading"):
            kind = "term"
        clause = RawClause(key=unique(label, self.keys), label=label, number=number, kind=kind, text="",
                           heading_path=heading_path, title=title,
                           parent_key=self.stack[-1][1].key if self.stack else None)
        if "术语" in title and kind != "term":
            self.in_terms_depth = depth
        self.stack.append((depth, clause))
        self.current, self.current_lines = clause, body

    def _flush(self) -> None:
        if self.current is None:
            return
        clause, lines = self.current, self.current_lines
        if clause.kind in ("clause", "heading"):
            clause.kind = "clause" if lines else "heading"
        emit_with_parts(self.clauses, clause, [[s] for s in lines])
        self.current, self.current_lines = None, []

    def _emit_loose(self, label: str, lines: list[str]) -> None:
        head = RawClause(key=unique(label, self.keys), label=label, kind="preamble", text="")
        emit_with_parts(self.clauses, head, [[s] for s in lines])


def _heading_text(clause: RawClause) -> str:
    if clause.number and clause.title:
        return f"{clause.label} {clause.title}"
    return clause.title or clause.label
