"""What the three structure parsers share: lines, raw clauses, the article and division patterns,
and splitting a long unit into parts so that no text is dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.numerals import CN_NUMERAL_CHARS as CN

# Split a unit longer than this at 款/项 (law) or paragraph (others) boundaries. About one screen
# of text: long enough to keep an ordinary article whole, short enough that a match stays local.
MAX_CLAUSE_CHARS = 600

SPACE = r"[ \t\u3000\xa0]"
MD_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
ARTICLE = re.compile(
    rf"^第([{CN}0-9]+)条(?:之([{CN}]+))?(?:(?P<sep>{SPACE}+)|(?=[^的规所、，,。；至和或及第中以项款条]|$))(?P<rest>.*)$"
)
DIVISION = re.compile(rf"^第([{CN}0-9]+)(编|分编|章|节){SPACE}*(.*)$")
DIVISION_RANK = {"编": 1, "分编": 2, "章": 3, "节": 4}
ITEM = re.compile(rf"^[（(]([{CN}]+)[)）]")
TITLE_PUNCT = re.compile(r"[。；;，,：:！？]")


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
        m = MD_HEADING.match(s)
        if m:
            if m.group(2).strip():
                out.append(Line(m.group(2).strip(), len(m.group(1))))
            continue  # an empty '##' heading carries nothing
        out.append(Line(s))
    return out


def looks_like_title(text: str, limit: int = 40) -> bool:
    return 0 < len(text) <= limit and not TITLE_PUNCT.search(text)


def collapse(text: str) -> str:
    return re.sub(rf"{SPACE}+", " ", text).strip()


def split_units(units: list[list[str]], cap: int = MAX_CLAUSE_CHARS) -> list[tuple[int, list[str]]]:
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


def emit_with_parts(clauses: list[RawClause], head: RawClause, units: list[list[str]]) -> None:
    """Append `head` (holding the first part) and `part` children for the rest of a long unit."""
    parts = split_units(units) if units else [(0, [])]
    head.text = "\n".join(parts[0][1])
    head.para_start = parts[0][0] + 1
    clauses.append(head)
    for n, (unit_index, lines) in enumerate(parts[1:], start=2):
        clauses.append(RawClause(
            key=f"{head.key}~{n}", label=head.label, number=head.number, kind="part",
            text="\n".join(lines), heading_path=head.heading_path, title=head.title,
            parent_key=head.key, para_start=unit_index + 1,
        ))


def unique(key: str, seen: set[str]) -> str:
    candidate, n = key, 2
    while candidate in seen:
        candidate, n = f"{key}~dup{n}", n + 1
    seen.add(candidate)
    return candidate
