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
from dataclasses import dataclass, field

from .numerals import CN_NUMERAL_CHARS as CN
from .numerals import cn_to_int

# Split a unit longer than this at 款/项 (law) or paragraph (others) boundaries. About one screen
# of text: long enough to keep an ordinary article whole, short enough that a match stays local.
MAX_CLAUSE_CHARS = 600

_SPACE = r"[ \t\u3000\xa0]"
_MD_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
_ARTICLE = re.compile(
    rf"^第([{CN}0-9]+)条(?:之([{CN}]+))?(?:(?P<sep>{_SPACE}+)|(?=[^的规所、，,。；至和或及第中以项款条]|$))(?P<rest>.*)$"
)
_DIVISION = re.compile(rf"^第([{CN}0-9]+)(编|分编|章|节){_SPACE}*(.*)$")
_DIVISION_RANK = {"编": 1, "分编": 2, "章": 3, "节": 4}
_ITEM = re.compile(rf"^[（(]([{CN}]+)[)）]")
_TITLE_PUNCT = re.compile(r"[。；;，,：:！？]")

# standards
_STD_NUMBER = re.compile(rf"^(\d{{1,2}}(?:\.\d{{1,3}}){{0,5}})(?:{_SPACE}+|(?=[\u4e00-\u9fff“《（(]))(.*)$")
_ANNEX = re.compile(rf"^附{_SPACE}*录{_SPACE}*([A-Z])(?![a-zA-Z0-9])(.*)$")
_ANNEX_NUMBER = re.compile(rf"^([A-Z])\.(\d{{1,3}}(?:\.\d{{1,3}}){{0,4}})(?:{_SPACE}+|(?=[\u4e00-\u9fff]))(.*)$")

# prose
_PROSE_STYLES: list[tuple[str, re.Pattern]] = [
    ("cn_dun", re.compile(rf"^([{CN}]+)[、．.]{_SPACE}*(.*)$")),
    ("cn_paren", re.compile(rf"^[（(]([{CN}]+)[)）]{_SPACE}*(.*)$")),
    ("ar_paren", re.compile(rf"^[（(](\d{{1,2}})[)）]{_SPACE}*(.*)$")),
    ("decimal", re.compile(rf"^(\d{{1,2}}(?:[.．]\d{{1,2}})*)(?:[.．、]{_SPACE}*|{_SPACE}+|(?<=\d[.．]\d)(?=[\u4e00-\u9fff]))(?=\S)(.*)$")),
]


@dataclass
class RawClause:
    """A clause before it gets its document-wide id; `key` is unique within the document."""

    key: str
    label: str
    kind: str
    text: str
    number: str = ""
    heading_path: list[str] = field(default_factory=list)
    title: str = ""
    parent_key: str | None = None
    para_start: int = 1


@dataclass
class Line:
    text: str
    md_level: int = 0  # markdown heading level, 0 for ordinary lines


def to_lines(body: str) -> list[Line]:
    out = []
    for raw in body.splitlines():
        s = raw.strip()
        if not s:
            continue
        m = _MD_HEADING.match(s)
        if m:
            if m.group(2).strip():
                out.append(Line(m.group(2).strip(), len(m.group(1))))
            continue  # an empty '##' heading carries nothing
        out.append(Line(s))
    return out


def detect_family(body: str, level: str = "") -> str:
    """Pick the parser: articles make a law, numbered clauses make a standard, else prose."""
    lines = to_lines(body)
    articles = sum(1 for ln in lines if _ARTICLE.match(ln.text) and _ARTICLE.match(ln.text).group("sep"))
    if articles >= 2:
        return "law"
    if "标准" in level and "试点" not in level:
        return "standard"
    # A standard opens with "1 范围"; an 编制说明 may list a standard's chapters later on, but its
    # own first numbered heading is something else ("1. 项目背景").
    for ln in lines:
        m = re.match(rf"^1(?:[.．、]|{_SPACE}|(?=[\u4e00-\u9fff]))", ln.text)
        if m:
            return "standard" if re.match(rf"^1{_SPACE}*范围$", ln.text) else "prose"
        if ln.md_level and ln.text == "范围":
            return "standard"
    return "prose"


def parse_body(body: str, family: str) -> list[RawClause]:
    lines = to_lines(body)
    if family == "law":
        return _LawParser().parse(lines)
    if family == "standard":
        return _StandardParser().parse(lines)
    return _ProseParser().parse(lines)


def _looks_like_title(text: str, limit: int = 40) -> bool:
    return 0 < len(text) <= limit and not _TITLE_PUNCT.search(text)


def _collapse(text: str) -> str:
    return re.sub(rf"{_SPACE}+", " ", text).strip()


def _split_units(units: list[list[str]], cap: int = MAX_CLAUSE_CHARS) -> list[tuple[int, list[str]]]:
    """Pack paragraph units into parts of at most `cap` characters.

    `units` are paragraphs (a 款 with its 项 lines). A unit longer than the cap is broken into its
    lines. Returns (index of the first unit in the part, lines of the part).
    """
    pieces: list[tuple[int, str]] = []
    for i, unit in enumerate(units):
        if sum(len(s) for s in unit) > cap:
            pieces.extend((i, s) for s in unit)
        else:
            pieces.append((i, "\n".join(unit)))
    parts: list[tuple[int, list[str]]] = []
    size = 0
    for unit_index, text in pieces:
        if parts and size + len(text) <= cap:
            parts[-1][1].append(text)
            size += len(text)
        else:
            parts.append((unit_index, [text]))
            size = len(text)
    return parts


def _emit_with_parts(clauses: list[RawClause], head: RawClause, units: list[list[str]]) -> None:
    """Append `head` (holding the first part) and `part` children for the rest of a long unit."""
    parts = _split_units(units) if units else [(0, [])]
    head.text = "\n".join(parts[0][1])
    head.para_start = parts[0][0] + 1
    clauses.append(head)
    for n, (unit_index, lines) in enumerate(parts[1:], start=2):
        clauses.append(RawClause(
            key=f"{head.key}~{n}", label=head.label, number=head.number, kind="part",
            text="\n".join(lines), heading_path=head.heading_path, title=head.title,
            parent_key=head.key, para_start=unit_index + 1,
        ))


def _unique(key: str, seen: set[str]) -> str:
    candidate, n = key, 2
    while candidate in seen:
        candidate, n = f"{key}~dup{n}", n + 1
    seen.add(candidate)
    return candidate


# --------------------------------------------------------------------------------------------- law
class _LawParser:
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
            div = _DIVISION.match(text)
            if div and (ln.md_level or _looks_like_title(div.group(3), 30)):
                self._flush()
                rank = _DIVISION_RANK[div.group(2)]
                heading = f"第{div.group(1)}{div.group(2)}"
                title = _collapse(div.group(3))
                self._set_heading(rank, f"{heading} {title}".strip())
                self.loose_label = self.path[rank]
                continue
            if ln.md_level:
                # 附件, 附则 and similar headings that are not 编/章/节: text under them is its own clause.
                self._flush()
                self._set_heading(10 + ln.md_level, _collapse(text))
                self.loose_label = _collapse(text)
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
        m = _ARTICLE.match(text)
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
            key=_unique(label, self.keys), label=label, number=number, kind="article", text="",
            heading_path=self.heading_path(),
        )
        self.article_lines = [m.group("rest").strip()] if m.group("rest").strip() else []
        self.last_number = n
        self.heading_since_article = False
        return True

    def _flush(self) -> None:
        if self.article is not None:
            _emit_with_parts(self.clauses, self.article, _law_units(self.article_lines))
            self.article, self.article_lines = None, []
        if self.loose:
            kind = "preamble" if not self.clauses else "section"
            head = RawClause(key=_unique(self.loose_label, self.keys), label=self.loose_label, kind=kind,
                             text="", heading_path=self.heading_path()[:-1] if kind == "section" else [])
            _emit_with_parts(self.clauses, head, [[s] for s in self.loose])
            self.loose = []


def _law_units(lines: list[str]) -> list[list[str]]:
    """Group article lines into 款: a 项 line （一） belongs to the 款 before it."""
    units: list[list[str]] = []
    for s in lines:
        if units and _ITEM.match(s):
            units[-1].append(s)
        else:
            units.append([s])
    return units


# ---------------------------------------------------------------------------------------- standard
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


class _StandardParser:
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
            self._start(depth, _collapse(text), "", "", "heading", title=_collapse(text))
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
            if _looks_like_title(rest):
                title = rest
            elif rest:
                body = [rest]
        if self.in_terms_depth is not None and kind in ("clause", "heading"):
            kind = "term"
        clause = RawClause(key=_unique(label, self.keys), label=label, number=number, kind=kind, text="",
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
        _emit_with_parts(self.clauses, clause, [[s] for s in lines])
        self.current, self.current_lines = None, []

    def _emit_loose(self, label: str, lines: list[str]) -> None:
        head = RawClause(key=_unique(label, self.keys), label=label, kind="preamble", text="")
        _emit_with_parts(self.clauses, head, [[s] for s in lines])


def _heading_text(clause: RawClause) -> str:
    if clause.number and clause.title:
        return f"{clause.label} {clause.title}"
    return clause.title or clause.label


# ------------------------------------------------------------------------------------------- prose
class _ProseParser:
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
            bare = previous_text if self.clauses and _looks_like_title(previous_text) else ""
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
            key=_unique("/".join([e[3].label for e in self.stack] + [label]), self.keys),
            label=label, number=".".join(map(str, numbers)), kind="section", text="",
            heading_path=[e[4] for e in self.stack], title=title,
            parent_key=self.stack[-1][3].key if self.stack else None,
        )
        self.stack.append((style, len(numbers), numbers, clause, _heading_line(heading_line)))
        self.current = clause
        self.lines = [rest] if rest else []

    def _flush(self) -> None:
        if self.current is not None:
            _emit_with_parts(self.clauses, self.current, [[s] for s in self.lines])
            self.current, self.lines = None, []

    def _emit_preamble(self, lines: list[str]) -> None:
        head = RawClause(key=_unique("（序）", self.keys), label="（序）", kind="preamble", text="")
        _emit_with_parts(self.clauses, head, [[s] for s in lines])


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
