"""A filled 自查表 comes back: read it, check it against the checklist it was made from, and keep it.

A sheet is taken whole or not at all. It is refused, naming the file and the problem, when it is
not the sheet stdkb wrote (no 自查表 sheet, a mark column missing), when its rows are not the items
of the document's checklist as it stands (a sheet of another document, an item edited, added or
removed), when a row has no mark or two, or a mark that is not a tick. Nothing is stored then.

An assessment is an annotation of the knowledge base (`kb.annotate("assessment", …)`), keyed by
document, unit and date, so it survives re-ingest and a second import of the same day replaces it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Iterable

from pydantic import BaseModel

from ingest.errors import DocumentError

from .checklist import Checklist
from .rate import MARKS, Mark, compliance_rate
from .render import HEADER_ROWS, ITEM_COLUMNS, ITEM_HEADER_ROW, SHEET

ASSESSMENT = "assessment"
# What a filled cell of a mark column may hold: the √ of the sheet's drop-down, and the ticks people
# type instead of choosing it. Anything else (×, 部分, a number) is refused rather than guessed at.
TICKS = {"√", "✓", "✔", "☑", "v", "V", "1", "是"}
MAX_PROBLEMS = 5   # named in the error; a sheet with more is wrong in the same way throughout


class SheetError(DocumentError):
    """A filled 自查表 that cannot be taken: names the file, and the row and value at fault."""


class AssessedItem(BaseModel):
    clause: str
    requirement: str
    kind: str
    mark: Mark
    note: str = ""


class Assessment(BaseModel):
    """One unit's self-assessment against one document on one day."""

    document: str
    source: str = ""         # the document in the knowledge base
    unit: str                # 被评价单位
    date: str                # YYYY-MM-DD
    rate: float | None       # 达标率 by rate.RULE; None when no counted item applies
    counts: dict[str, int]   # items by mark
    items: list[AssessedItem]
    file: str = ""           # the sheet's file name, as uploaded

    @property
    def key(self) -> str:
        return assessment_key(self.source or self.document, self.unit, self.date)


class SheetRow(BaseModel):
    row: int
    clause: str
    requirement: str
    marks: list[str]          # the mark columns this row ticked
    bad: list[tuple[str, str]]  # (column, value) of cells holding something other than a tick
    note: str


class FilledSheet(BaseModel):
    document: str
    unit: str
    date: str
    rows: list[SheetRow]


def assessment_key(document: str, unit: str, date: str) -> str:
    return f"{document}|{unit}|{date}"


def read_sheet(name: str, content: bytes) -> FilledSheet:
    """The header block and item rows of a filled 自查表 (XLSX), as written by render.checklist_xlsx."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:   # openpyxl raises zipfile, KeyError and its own errors for a non-XLSX file
        raise SheetError(name, f"不是可读取的 Excel（.xlsx）文件：{type(exc).__name__}") from None
    if SHEET not in book.sheetnames:
        raise SheetError(name, f"没有名为“{SHEET}”的工作表（有：{'、'.join(book.sheetnames)}）；请使用 stdkb 导出的自查表")
    cells = [[_text(v) for v in row] for row in book[SHEET].iter_rows(values_only=True)]
    book.close()
    head = {field: _at(cells, row - 1, 1) for field, (row, _) in HEADER_ROWS.items()}
    header = cells[ITEM_HEADER_ROW - 1] if len(cells) >= ITEM_HEADER_ROW else []
    columns = {title: header.index(title) for title in ITEM_COLUMNS if title in header}
    missing = [title for title in ITEM_COLUMNS if title not in columns]
    if missing:
        raise SheetError(name, f"第{ITEM_HEADER_ROW}行的表头缺少列：{'、'.join(missing)}；请使用 stdkb 导出的自查表")
    rows = []
    for number, row in enumerate(cells[ITEM_HEADER_ROW:], start=ITEM_HEADER_ROW + 1):
        if not any(row):
            continue

        def cell(title: str) -> str:
            return _at([row], 0, columns[title])

        marks = [m for m in MARKS if cell(m) in TICKS]
        bad = [(m, cell(m)) for m in MARKS if cell(m) and cell(m) not in TICKS]
        rows.append(SheetRow(row=number, clause=cell("条款"), requirement=cell("要求"), marks=marks, bad=bad,
                             note=cell("说明")))
    return FilledSheet(document=head["document"], unit=head["unit"], date=head["date"], rows=rows)


def assess(name: str, sheet: FilledSheet, checklist: Checklist, unit: str = "", date: str = "") -> Assessment:
    """The assessment a filled sheet records against `checklist` (the document's checklist now).
    `unit` and `date`, when given, stand for the sheet's blanks. SheetError lists what is wrong."""
    unit, raw_date = (unit or sheet.unit).strip(), (date or sheet.date).strip()
    date = _date(raw_date)
    problems = []
    if not unit:
        problems.append("没有被评价单位（表头“被评价单位”或 --unit）")
    if date is None:
        problems.append(f"评价日期“{raw_date}”不是 YYYY-MM-DD 格式的日期（表头“评价日期”或 --date）")
    if sheet.document != checklist.document:
        problems.append(f"这是《{sheet.document}》的自查表，不是《{checklist.document}》的")
    else:
        problems += list(_row_problems(sheet.rows, checklist))
    if problems:
        shown = "；".join(problems[:MAX_PROBLEMS])
        more = f"；另有 {len(problems) - MAX_PROBLEMS} 处" if len(problems) > MAX_PROBLEMS else ""
        raise SheetError(name, f"自查表未导入：{shown}{more}")
    items = [AssessedItem(clause=i.clause, requirement=i.requirement, kind=i.kind, mark=r.marks[0], note=r.note)
             for i, r in zip(checklist.items, sheet.rows)]
    return Assessment(document=checklist.document, unit=unit, date=date, items=items, file=name,
                      rate=compliance_rate([(i.kind, i.mark) for i in items]),
                      counts={m: sum(1 for i in items if i.mark == m) for m in MARKS})


def _row_problems(rows: list[SheetRow], checklist: Checklist) -> Iterable[str]:
    for row, item in zip(rows, checklist.items):
        if (row.clause, _squash(row.requirement)) != (item.clause, _squash(item.requirement)):
            yield (f"第{row.row}行不是自查表的原条目（应为 {item.clause}“{item.requirement[:30]}”，"
                   f"表中为 {row.clause or '空'}“{row.requirement[:30]}”）")
        for column, value in row.bad:
            yield f"第{row.row}行“{column}”列的值“{value}”不是勾选标记（请填 √）"
        if not row.bad and len(row.marks) != 1:
            yield (f"第{row.row}行没有勾选" if not row.marks else
                   f"第{row.row}行勾选了 {len(row.marks)} 项（{'、'.join(row.marks)}），每行只能选一项")
    if len(rows) != len(checklist.items):
        yield f"自查表应有 {len(checklist.items)} 个条目，表中有 {len(rows)} 行"


def store(kb, assessment: Assessment) -> Assessment:
    kb.annotate(ASSESSMENT, assessment.key, assessment.model_dump())
    return assessment


def stored(kb) -> list[Assessment]:
    """Every assessment kept, by document, then date, then unit."""
    found = [Assessment(**value) for value in kb.annotations(ASSESSMENT).values()]
    return sorted(found, key=lambda a: (a.document, a.date, a.unit))


def _text(value) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value).strip()


def _at(cells: list[list[str]], row: int, col: int) -> str:
    return cells[row][col] if row < len(cells) and col < len(cells[row]) else ""


def _date(text: str) -> str | None:
    text = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _squash(text: str) -> str:
    """A requirement as compared: Excel may have rewrapped it, but not reworded it."""
    return re.sub(r"\s+", "", text)


def import_sheet(kb, name: str, content: bytes, unit: str = "", date: str = "", expected: str = "") -> Assessment:
    """Read a filled sheet, check it against its document's checklist in the knowledge base, keep it.
    `expected` (a title) refuses a sheet of any other document. Nothing is stored on any error."""
    from .documents import checklist_of, document_named

    sheet = read_sheet(name, content)
    if expected:
        title = document_named(kb, expected).title
        if sheet.document != title:
            raise SheetError(name, f"自查表未导入：这是《{sheet.document or '未写明文件'}》的自查表，不是《{title}》的")
    if not sheet.document:
        raise SheetError(name, f"自查表未导入：第{HEADER_ROWS['document'][0]}行没有写明文件")
    page, checklist = checklist_of(kb, sheet.document)
    assessment = assess(name, sheet, checklist, unit=unit, date=date)
    return store(kb, assessment.model_copy(update={"source": page.source}))
