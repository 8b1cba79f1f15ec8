"""Prose: 一、/（一）/1./（1） heading hierarchies (notices, plans, 编制说明)."""

from __future__ import annotations

import re

from ingest.numerals import CN_NUMERAL_CHARS as CN
from ingest.numerals import cn_to_int

from .common import SPACE, Line, RawClause, emit_with_parts, looks_like_title, unique

# prose
_PROSE_STYLES: list[tuple[str, re.Pattern]] = [
    ("cn_dun", re.compile(rf"^([{CN}]+)[、．.]{SPACE}*(.*)$")),
    ("cn_paren", re.compile(rf"^[（(]([{CN}]+)[)）]{SPACE}*(.*)$")),
    ("ar_paren", re.compile(rf"^[（(](\d{{1,2}})[)）]{SPACE}*(.*)$")),
    ("decimal", re.compile(rf"^(\d{{1,2}}(?:[.．]\d{{1,2}})*)(?:[.．、]{SPACE}*|{SPACE}+|(?<=\d[.．]\d)(?=[\u4e00-\u9fff]))(?=\S)(.*)$")),
]


class ProseParser:
    def __init__(self) -> None:
        self.clauses: list[RawClause] = []
        self.keys: set[str] = set()
        # Open headings: (style, depth-within-style, counter, clause, heading line).
        self.stack: list[tuple[str, int, list[int], RawClause, str]] = []
        self.current: RawClause | None = None
        self.lines: list[str] = []

    def parse(self, lines: list[Line]) -> list[RawClause]:
        preamble: list[str] = []
        for i, ln in enumerate(lines):
            if self._open(ln, lines[i - 1].text if i else ""):
                if preamble:
                    self._emit_preamble(preamble)
                    preamble = []
                continue
            (preamble if self.current is None else self.lines).append(ln.text)
        self._flush()
        if preamble:
            self._emit_preamble(preamble)
        return self.clauses

    def _open(self, ln: Line, previous_text: str) -> bool:
        match = _match_prose_heading(ln.text)
        if match is None:
            return False
        style, numbers, label, rest = match
        # Where would this heading sit? Same style on the stack: a sibling there; otherwise a child.
        level = next((i for i, e in enumerate(self.stack) if e[0] == style and e[1] == len(numbers)), None)
        implied_parent = None
        if level is not None:
            expected = self.stack[level][2][:-1] + [self.stack[level][2][-1] + 1]
            if style == "decimal" and numbers[:-1] != self.stack[level][2][:-1]:
                # 4.1 right after 3.2: chapter 4 lost its number (or its heading is a bare line).
                parent_level = next((i for i, e in enumerate(self.stack)
                                     if e[0].startswith("decimal") and e[1] == len(numbers) - 1), None)
                if parent_level is None or numbers[:-1] != [self.stack[parent_level][2][-1] + 1] or numbers[-1] != 1:
                    return False
                implied_parent = parent_level
            elif numbers != expected:
                return False
        elif numbers[-1] != 1 or (style == "decimal" and not self._has_decimal_parent(numbers)):
            return False
        self._flush()
        if implied_parent is not None:
            bare = previous_text if self.clauses and looks_like_title(previous_text) else ""
            if bare and self.clauses[-1].text.endswith(bare):
                # The bare line was read as body text of the previous section; it is this chapter's heading.
                self.clauses[-1].text = self.clauses[-1].text[: -len(bare)].rstrip("\n")
            parent_style = self.stack[implied_parent][0]
            del self.stack[implied_parent:]
            self._push(parent_style, numbers[:-1], bare or str(numbers[0]), bare, heading_line=bare or str(numbers[0]))
            self._flush()
        elif level is not None:
            del self.stack[level:]
        self._push(style, numbers, label, rest, heading_line=ln.text)
        return True

    def _has_decimal_parent(self, numbers: list[int]) -> bool:
        return any(e[0].startswith("decimal") and e[2] == numbers[:-1] for e in self.stack)

    def _push(self, style: str, numbers: list[int], label: str, rest: str, heading_line: str) -> None:
        title = _prose_title(rest)
        clause = RawClause(
            key=unique("/".join([e[3].label for e in self.stack] + [label]), self.keys),
            label=label, number=".".join(map(str, numbers)), kind="section", text="",
            heading_path=[e[4] for e in self.stack], title=title,
            parent_key=self.stack[-1][3].key if self.stack else None,
        )
        self.stack.append((style, len(numbers), numbers, clause, _heading_line(heading_line)))
        self.current = clause
        self.lines = [rest] if rest else []

    def _flush(self) -> None:
        if self.current is not None:
            emit_with_parts(self.clauses, self.current, [[s] for s in self.lines])
            self.current, self.lines = None, []

    def _emit_preamble(self, lines: list[str]) -> None:
        head = RawClause(key=unique("（序）", self.keys), label="（序）", kind="preamble", text="")
        emit_with_parts(self.clauses, head, [[s] for s in lines])


def _match_prose_heading(text: str) -> tuple[str, list[int], str, str] | None:
    for style, pattern in _PROSE_STYLES:
        m = pattern.match(text)
        if not m:
            continue
        raw = m.group(1)
        try:
            if style == "decimal":
                numbers = [int(x) for x in re.split(r"[.．]", raw)]
            else:
                numbers = [cn_to_int(raw)]
        except ValueError:
            return None
        if style in ("cn_dun",) and len(raw) > 3:
            return None
        if style == "decimal" and len(numbers) == 1:
            # "1." and "1 " are different list styles at the top level ("1. 项目背景" vs "1  范围").
            style = "decimal." if text[len(raw)] in ".．、" else "decimal_sp"
        label = text[: m.start(2)].strip() if m.group(2) else text.strip()
        rest = m.group(2).strip()
        if style == "decimal" and not rest:
            return None
        return style, numbers, label, rest
    return None


def _prose_title(rest: str) -> str:
    """The heading words of a prose section: the line up to its first full stop, if short."""
    head = re.split(r"[。；;]", rest, maxsplit=1)[0]
    return head if len(head) <= 60 else head[:60]


def _heading_line(line: str) -> str:
    """A heading as it appears in heading_path: the line up to its first full stop."""
    head = re.split(r"[。；;]", line, maxsplit=1)[0]
    return head[:80]
