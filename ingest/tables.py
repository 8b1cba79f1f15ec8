"""Rule tables: the word lists and rows stdkb's rules are written in, as tab-separated files a
drafter can read and extend.

One format for all of them: lines starting with '#' are comments, the first other line names the
columns, every other line is a row with at most that many cells (missing trailing cells are
empty). A loader declares the columns it needs; a table without one of them, or a row with more
cells than the header, is refused naming the file and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .errors import StdkbError


class TableError(StdkbError):
    """A rule table stdkb cannot read (names the file, the line and the problem)."""

    def __init__(self, path: Path | str, line: int, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        super().__init__(f"{self.path}, line {line}: {problem}")


def read_table(path: Path, columns: Sequence[str], required: Sequence[str] = ()) -> list[dict[str, str]]:
    """The rows of a rule table as {column: cell} (cells stripped), for the `columns` it must have.

    `required` are the columns no row may leave empty. Other columns of the file are kept too, so
    a table may carry more than one loader reads (e.g. `source`).
    """
    return [row for _, row in numbered_rows(path, columns, required)]


def numbered_rows(path: Path, columns: Sequence[str], required: Sequence[str] = ()) -> list[tuple[int, dict[str, str]]]:
    """`read_table` with each row's line number, for loaders that check more and must name the line."""
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = [c.strip() for c in raw.split("\t")]
        if header is None:
            header = cells
            missing = [c for c in columns if c not in header]
            if missing:
                raise TableError(path, number, f"the header names no column {', '.join(missing)} "
                                               f"(it has {', '.join(header)})")
            continue
        if len(cells) > len(header):
            raise TableError(path, number, f"{len(cells)} cells, but the header names {len(header)} columns")
        row = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        empty = [c for c in required if not row[c]]
        if empty:
            raise TableError(path, number, f"no {', '.join(empty)}")
        rows.append((number, row))
    if header is None:
        raise TableError(path, 0, "no header line naming the columns")
    return rows
