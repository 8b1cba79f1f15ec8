"""The 标准体系表 as files: a DOCX after GB/T 13016-2018 (结构图 as an indented tree, 明细表,
统计表, 编制说明) and the 明细表 as an XLSX a drafter keeps working in; Markdown for the terminal."""

from __future__ import annotations

import io

from ingest.models import LEVELS_IN_ORDER

from ..docx import add_table, new_document, to_bytes
from .system import SystemReport

TABLE_HEADER = ("体系编号", "标准号", "标准名称", "级别", "状态", "代替", "牵头单位", "计划年份", "来源", "说明")


def _table_rows(report: SystemReport) -> list[tuple]:
    return [(r.number, r.code, r.title, r.level, r.status, r.replaces, r.lead_unit, r.plan_year, r.origin, r.note)
            for r in report.standards]


def _tree(report: SystemReport) -> list[tuple[int, str]]:
    """(depth, line) for the 结构图: each area with how many documents and standards it holds."""
    counts = {c.id: c for c in report.coverage}
    lines = []

    def walk(parent: str, depth: int) -> None:
        for area in (a for a in report.framework if a.parent == parent):
            c = counts.get(area.id)
            extra = (f"（文件 {c.documents}，标准 {c.standards}{f'，已知未入库 {c.known}' if c.known else ''}"
                     f"{'，待制定' if c.no_standard else ''}）") if c else ""
            lines.append((depth, f"{area.id} {area.name}{extra}"))
            walk(area.id, depth + 1)

    walk("", 0)
    return lines


def _levels_used(report: SystemReport) -> list[str]:
    used = {lv for c in report.coverage for lv in c.by_level}
    return [lv for lv in LEVELS_IN_ORDER if lv in used]


def system_markdown(report: SystemReport) -> str:
    out = ["# 机关事务标准体系表", "", "## 一、标准体系结构图", ""]
    out += [f"{'  ' * depth}- {line}" for depth, line in _tree(report)]
    out += ["", "## 二、标准明细表", "", "| " + " | ".join(TABLE_HEADER) + " |", "|" + " --- |" * len(TABLE_HEADER)]
    out += ["| " + " | ".join(str(x or "") for x in row) + " |" for row in _table_rows(report)] or ["（暂无）"]
    levels = _levels_used(report)
    out += ["", "## 三、统计表（各领域的文件数 / 相关条文数，按层级）", "", "| 领域 | " + " | ".join(levels) + " | 标准 |",
            "|" + " --- |" * (len(levels) + 2)]
    out += [f"| {' / '.join(c.area)} | " + " | ".join(f"{c.by_level.get(lv, 0)} / {c.provisions_by_level.get(lv, 0)}"
                                                     for lv in levels) + f" | {c.standards} |"
            for c in report.coverage]
    out += ["", "## 四、待制定：有法规要求而既无标准、也无引用标准的领域", ""]
    for c in report.coverage:
        if c.no_standard:
            out.append(f"- {' / '.join(c.area)}：" + "；".join(d.citation for d in c.duties))
    out += ["", "## 五、被引用而知识库中没有的文件", ""]
    out += [f"- {m.cited}（{m.count} 份文件引用：{'、'.join(m.cited_by[:3])}）" for m in report.missing_cited[:50]]
    out += ["", "## 六、试点目标进度", ""]
    out += [f"- {t.target}：{t.have} / {t.count}{'（已达到）' if t.met else ''}" for t in report.targets]
    return "\n".join(out) + "\n"


def system_docx(report: SystemReport) -> bytes:
    document = new_document()
    document.add_heading("机关事务标准体系表", level=0)
    document.add_heading("一、标准体系结构图", level=1)
    for depth, line in _tree(report):
        paragraph = document.add_paragraph(line)
        paragraph.paragraph_format.left_indent = _indent(depth)
    document.add_heading("二、标准明细表", level=1)
    add_table(document, TABLE_HEADER, _table_rows(report))
    document.add_heading("三、标准统计表", level=1)
    levels = _levels_used(report)
    add_table(document, ("领域", *levels, "标准"),
              [(" / ".join(c.area), *(str(c.by_level.get(lv, 0)) for lv in levels), str(c.standards))
               for c in report.coverage])
    document.add_heading("四、编制说明", level=1)
    placed = sum(1 for d in report.documents if d.areas)
    document.add_paragraph(
        f"本体系表按 GB/T 13016—2018《标准体系构建原则和要求》编制，一级领域依据试点实施方案确定。知识库中 "
        f"{len(report.documents)} 份文件有 {placed} 份归入体系（依据文件标题和条文内容检索判定，起草人可调整），"
        f"其余与机关事务无关。明细表列出知识库中的标准和登记的标准共 {len(report.standards)} 项。")
    todo = [c for c in report.coverage if c.no_standard]
    if todo:
        document.add_paragraph("以下领域有法律法规规定的职责，但尚无标准，建议列入标准制修订清单：")
        add_table(document, ("领域", "依据条文"), [(" / ".join(c.area), "；".join(d.citation for d in c.duties))
                                                 for c in todo])
    document.add_paragraph("试点目标进度：" + "；".join(f"{t.target} {t.have}/{t.count}" for t in report.targets) + "。")
    if report.missing_cited:
        document.add_paragraph("被知识库中文件引用、但知识库尚未收录的文件（宜优先补充）：")
        add_table(document, ("被引用文件", "引用次数", "引用它的文件"),
                  [(m.cited, str(m.count), "、".join(m.cited_by[:3])) for m in report.missing_cited[:40]])
    return to_bytes(document)


def _indent(depth: int):
    from docx.shared import Mm

    return Mm(8 * depth)


def system_xlsx(report: SystemReport) -> bytes:
    """The 明细表 (with filters and frozen header), the 统计表 and the framework, one sheet each."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheets = [("标准明细表", TABLE_HEADER, _table_rows(report))]
    levels = _levels_used(report)
    sheets.append(("统计表", ("编号", "一级领域", "二级领域", *levels, "标准", "已知未入库", "待制定"),
                   [(c.id, *(c.area + [""])[:2], *(c.by_level.get(lv, 0) for lv in levels), c.standards, c.known,
                     "是" if c.no_standard else "") for c in report.coverage]))
    sheets.append(("体系框架", ("编号", "上级编号", "名称", "说明"),
                   [(a.id, a.parent, a.name, a.description) for a in report.framework]))
    for n, (name, header, rows) in enumerate(sheets):
        sheet = book.active if n == 0 else book.create_sheet()
        sheet.title = name
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, width * 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
