"""The 自查表 and the 宣贯试题 as files: XLSX to fill in (or a question bank), DOCX after GB/T 9704
(analysis/docx.py, like every other report), Markdown. Pure: a model in, bytes or text out.

The XLSX 自查表 is also what comes back filled in: its layout (SHEET_LAYOUT) is read again by
assessment.py, so the two stay in this one place.
"""

from __future__ import annotations

import io

from ..docx import add_table, new_document, to_bytes
from .checklist import Checklist
from .rate import MARKS, RULE
from .training import TrainingSet

SHEET = "自查表"
# The header block: (row, label); the value goes in column B. The items' header is row ITEM_HEADER_ROW.
HEADER_ROWS = {"document": (2, "文件"), "unit": (3, "被评价单位"), "date": (4, "评价日期"), "rule": (5, "达标率计算规则")}
ITEM_HEADER_ROW = 7
ITEM_COLUMNS = ("序号", "条款", "要求", "类别", "证据", *MARKS, "说明")
HOW_TO_MARK = "在“符合、基本符合、不符合、不适用”四列中选一列打“√”，每行只打一个；说明列写依据或差距。"
TICK = "√"


def checklist_xlsx(checklist: Checklist) -> bytes:
    """The sheet to fill in: the header block (document, unit and date blanks, the 达标率 rule), then
    one row per item with the four mark columns (a drop-down of √) and 说明."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet["A1"] = f"《{checklist.document}》自查表"
    sheet["A1"].font = Font(bold=True, size=14)
    values = {"document": checklist.document, "unit": "", "date": "", "rule": RULE}
    for field, (row, label) in HEADER_ROWS.items():
        sheet.cell(row, 1, label).font = Font(bold=True)
        sheet.cell(row, 2, values[field])
    sheet.cell(6, 1, "填写说明").font = Font(bold=True)
    sheet.cell(6, 2, HOW_TO_MARK + "日期写作 YYYY-MM-DD。")
    for col, name in enumerate(ITEM_COLUMNS, start=1):
        sheet.cell(ITEM_HEADER_ROW, col, name).font = Font(bold=True)
    for n, item in enumerate(checklist.items, start=1):
        sheet.append([n, item.clause, item.requirement, item.kind, "、".join(item.evidence), "", "", "", "", ""])
        sheet.cell(ITEM_HEADER_ROW + n, 3).alignment = Alignment(wrap_text=True, vertical="top")
    last = ITEM_HEADER_ROW + len(checklist.items)
    if checklist.items:
        ticks = DataValidation(type="list", formula1=f'"{TICK}"', allow_blank=True)
        sheet.add_data_validation(ticks)
        ticks.add(f"F{ITEM_HEADER_ROW + 1}:I{last}")
    sheet.freeze_panes = f"A{ITEM_HEADER_ROW + 1}"
    for letter, width in zip("ABCDEFGHIJ", (8, 12, 60, 8, 12, 7, 9, 7, 7, 30)):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def checklist_docx(checklist: Checklist) -> bytes:
    """The 自查表 to print (A4, GB/T 9704): the header blanks and rule, then the item table."""
    document = new_document()
    document.add_heading(f"《{checklist.document}》自查表", level=0)
    document.add_paragraph("被评价单位：＿＿＿＿＿＿＿＿　　评价日期：＿＿＿＿＿＿")
    document.add_paragraph(RULE)
    document.add_paragraph(HOW_TO_MARK)
    add_table(document, ("序号", "条款", "要求", "符合", "基本符合", "不符合", "不适用", "说明"),
              [(str(n), i.clause, f"{i.requirement}（{i.kind}）", "", "", "", "", "")
               for n, i in enumerate(checklist.items, start=1)])
    return to_bytes(document)


def checklist_markdown(checklist: Checklist) -> str:
    lines = [f"# 《{checklist.document}》自查表", "", "被评价单位：　　　　评价日期：", "", RULE, "", HOW_TO_MARK, "",
             "| " + " | ".join(ITEM_COLUMNS) + " |", "|" + " --- |" * len(ITEM_COLUMNS)]
    for n, i in enumerate(checklist.items, start=1):
        lines.append(f"| {n} | {i.clause} | {_cell(i.requirement)} | {i.kind} | {'、'.join(i.evidence)} |  |  |  |  |  |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------- training sets
KIND_ORDER = ("判断题", "单选题", "填空题", "文件题")
CHINESE_NUMBERS = "一二三四"


def _sections(paper: TrainingSet):
    """(section heading, [(number, question)]) by kind, numbered through the paper."""
    n, out = 0, []
    for kind in KIND_ORDER:
        qs = [q for q in paper.questions if q.kind == kind]
        if qs:
            out.append((f"{CHINESE_NUMBERS[len(out)]}、{kind}", [(n + k, q) for k, q in enumerate(qs, start=1)]))
            n += len(qs)
    return out


def _options(q) -> str:
    return "　".join(f"{chr(65 + k)}. {o}" for k, o in enumerate(q.options)) if q.kind != "判断题" else "（正确 / 错误）"


def _answer(q) -> str:
    if q.kind in ("单选题", "文件题"):
        return f"{chr(65 + q.options.index(q.answer))}. {q.answer}"
    return q.answer


def training_docx(paper: TrainingSet) -> bytes:
    """One file, two parts: the 试卷 (questions only), a page break, then the 答案与解析 (each answer
    with its clause and the sentence that proves it), so a trainer prints the first pages to hand out."""
    from docx.enum.text import WD_BREAK

    document = new_document()
    document.add_heading(f"《{paper.document}》宣贯试题", level=0)
    document.add_paragraph(f"共 {len(paper.questions)} 题。姓名：＿＿＿＿＿＿　单位：＿＿＿＿＿＿　得分：＿＿＿＿")
    for heading, questions in _sections(paper):
        document.add_heading(heading, level=1)
        for n, q in questions:
            document.add_paragraph(f"{n}. {q.stem}")
            document.add_paragraph(_options(q))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("答案与解析", level=1)
    for heading, questions in _sections(paper):
        document.add_heading(heading, level=2)
        for n, q in questions:
            document.add_paragraph(f"{n}. 答案：{_answer(q)}。依据：《{q.citation.title}》{q.citation.article}："
                                   f"“{q.proof}”")
    return to_bytes(document)


BANK_COLUMNS = ("序号", "题型", "难度", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "文件", "条款", "依据原文")


def training_xlsx(paper: TrainingSet) -> bytes:
    """The question bank (题库): one row a question, for an exam system or a trainer to pick from."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(list(BANK_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, q in enumerate(paper.questions, start=1):
        options = (q.options + [""] * 4)[:4] if q.kind != "判断题" else ["正确", "错误", "", ""]
        sheet.append([n, q.kind, q.difficulty, q.stem, *options, q.answer, q.citation.title, q.citation.article, q.proof])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFGHIJKL", (6, 8, 6, 60, 14, 14, 14, 14, 14, 24, 10, 60)):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def training_markdown(paper: TrainingSet) -> str:
    lines = [f"# 《{paper.document}》宣贯试题", ""]
    for heading, questions in _sections(paper):
        lines += [f"## {heading}", ""]
        lines += [f"{n}. {q.stem}  \n   {_options(q)}" for n, q in questions]
        lines.append("")
    lines += ["## 答案与解析", ""]
    for _, questions in _sections(paper):
        lines += [f"{n}. {_answer(q)}——《{q.citation.title}》{q.citation.article}：“{q.proof}”" for n, q in questions]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")
