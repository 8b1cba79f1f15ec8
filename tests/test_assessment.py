"""标准实施: a filled 自查表 comes back whole to the 达标率 the rule gives, or is refused whole."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from analysis.implement.assessment import ASSESSMENT, SheetError, import_sheet
from analysis.implement.documents import checklist_of
from analysis.implement.render import ITEM_HEADER_ROW, checklist_xlsx
from api.cli.main import main
from index.index import Index

DOC = "公共机构节能条例"
MARK_COLUMN = {"符合": 6, "基本符合": 7, "不符合": 8, "不适用": 9}


@pytest.fixture
def kb(kb_copy):
    index = Index(kb_copy)
    yield index
    index.close()


def _sheet(checklist, marks: dict[int, list[str]], default="符合", unit="市机关事务管理局", date="2025-03-01",
           edit=None) -> bytes:
    """The exported sheet filled in: item i (0-based) gets marks[i], every other item `default`."""
    book = load_workbook(io.BytesIO(checklist_xlsx(checklist)))
    sheet = book["自查表"]
    sheet["B3"], sheet["B4"] = unit, date
    for i in range(len(checklist.items)):
        for mark in marks.get(i, [default]):
            sheet.cell(ITEM_HEADER_ROW + 1 + i, MARK_COLUMN.get(mark, 6), "√" if mark in MARK_COLUMN else mark)
    if edit:
        edit(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _counted(checklist) -> list[int]:
    return [i for i, item in enumerate(checklist.items) if item.kind in ("要求", "禁止")]


def test_a_filled_xlsx_round_trips_to_the_expected_compliance_rate(kb):
    _, checklist = checklist_of(kb, DOC)
    counted = _counted(checklist)
    other = [i for i in range(len(checklist.items)) if i not in counted]
    assert len(counted) >= 4
    # one 基本符合, one 不符合, one 不适用 among the counted items; the rest 符合; 宜/可 items 不符合 (not counted)
    marks = {counted[0]: ["基本符合"], counted[1]: ["不符合"], counted[2]: ["不适用"], **{i: ["不符合"] for i in other}}
    result = import_sheet(kb, "自查表.xlsx", _sheet(checklist, marks))
    n = len(counted)
    assert result.rate == pytest.approx(((n - 3) + 0.5) / (n - 1))
    assert result.unit == "市机关事务管理局" and result.date == "2025-03-01" and result.source.endswith(".md")
    assert list(kb.annotations(ASSESSMENT).values())[0]["rate"] == pytest.approx(result.rate)


def test_the_cli_imports_a_filled_sheet_with_unit_and_date_from_its_options(kb_copy, tmp_path, capsys):
    index = Index(kb_copy)
    _, checklist = checklist_of(index, DOC)
    index.close()
    path = tmp_path / "filled.xlsx"
    path.write_bytes(_sheet(checklist, {}, unit="", date=""))
    assert main(["checklist", "import", str(path), "--unit", "某局", "--date", "2025-04-02", "--json",
                 "--data-dir", str(kb_copy)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["unit"], data["date"], data["rate"]) == ("某局", "2025-04-02", 1.0)


def _refused(kb, content: bytes, *words: str, expected: str = ""):
    with pytest.raises(SheetError) as info:
        import_sheet(kb, "填好的自查表.xlsx", content, expected=expected)
    message = str(info.value)
    assert "填好的自查表.xlsx" in message and all(w in message for w in words), message
    assert kb.annotations(ASSESSMENT) == {}


def test_a_mark_that_is_not_a_tick_is_refused_naming_the_row_and_value(kb):
    _, checklist = checklist_of(kb, DOC)
    _refused(kb, _sheet(checklist, {2: ["部分"]}), f"第{ITEM_HEADER_ROW + 3}行", "部分")


def test_a_row_with_two_marks_is_refused_whole(kb):
    _, checklist = checklist_of(kb, DOC)
    _refused(kb, _sheet(checklist, {0: ["符合", "不符合"]}), f"第{ITEM_HEADER_ROW + 1}行", "2 项")


def test_a_row_without_a_mark_is_refused_whole(kb):
    _, checklist = checklist_of(kb, DOC)
    _refused(kb, _sheet(checklist, {1: []}), f"第{ITEM_HEADER_ROW + 2}行没有勾选")


def test_an_edited_requirement_is_refused(kb):
    _, checklist = checklist_of(kb, DOC)
    _refused(kb, _sheet(checklist, {}, edit=lambda s: s.cell(ITEM_HEADER_ROW + 1, 3, "改写过的要求。")),
             f"第{ITEM_HEADER_ROW + 1}行不是自查表的原条目")


def test_a_sheet_of_another_document_is_refused(kb):
    _, checklist = checklist_of(kb, "机关事务管理条例")
    _refused(kb, _sheet(checklist, {}), "机关事务管理条例", DOC, expected=DOC)


def test_a_sheet_missing_a_mark_column_is_refused(kb):
    _, checklist = checklist_of(kb, DOC)
    _refused(kb, _sheet(checklist, {}, edit=lambda s: s.cell(ITEM_HEADER_ROW, 7, "")), "缺少列", "基本符合")


def test_a_bad_date_is_refused(kb):
    _, checklist = checklist_of(kb, DOC)
    _refused(kb, _sheet(checklist, {}, date="2025年3月"), "2025年3月")
