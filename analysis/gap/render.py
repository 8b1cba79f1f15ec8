"""The gap report as files for sections 4.1 and 4.2 of a 编制说明: Markdown and DOCX."""

from __future__ import annotations

from ingest.models import STANDARD_LEVELS

from ..docx import add_table, new_document, to_bytes
from .draft import problem_in_chinese

GAP_LABELS = {"conflict": "与上位规定冲突", "duplicate": "照抄上位规定", "basis": "有上位依据", "no_basis": "未找到依据"}
REFERENCE_STATUS = {"current": "现行有效", "superseded": "已被代替", "repealed": "已废止", "not_in_kb": "知识库中没有"}
DRAFTING_RULES = {"element_order": "要素顺序", "lead_in": "引导语", "self_reference": "自称", "modal_verb": "助动词",
                  "numbering": "编号", "term_conflict": "术语冲突", "term_duplicate": "术语重复定义",
                  "reference_form": "引用形式"}


TO_CHECK = "依据文件中草案未涉及的义务（供核对）"
TO_CHECK_NOTE = "草案多条条款所依据的文件中，还有以下义务没有哪一条条款体现；是否应写入标准，由起草人判断。"
SUMMARY_LABELS = {"conflict": "冲突", "duplicate": "照抄", "basis": "有依据", "no_basis": "未找到依据"}


def summary(report) -> str:
    """The counts of a report in one sentence, the same on the page, in the Markdown and in the DOCX:
    draft clauses by finding, and the applicable provisions the draft does not reflect."""
    counts = "，".join(f"{name} {sum(f.label == label for f in report.clauses)} 条"
                      for label, name in SUMMARY_LABELS.items())
    return f"草案 {len(report.clauses)} 条：{counts}；草案未体现的规定 {len(report.missing)} 条。"


def _heading(title: str, rows: list[tuple]) -> str:
    """A finding's heading counts draft clauses (as the summary does), not the rows of evidence under it."""
    return f"{title}（{len({row[0] for row in rows})} 条草案条款）"


def _section_of(level: str) -> str:
    return "standards" if level in STANDARD_LEVELS else "laws"


def gap_rows(report, section: str) -> dict[str, list[tuple[str, str, str, str]]]:
    """label → rows (草案条款, 条文, 原文, 说明) whose evidence belongs to `section` ('laws' or 'standards')."""
    rows: dict[str, list] = {label: [] for label in GAP_LABELS}
    for f in report.clauses:
        evidence = [e for e in f.evidence if e.relation != "related" and _section_of(e.level) == section]
        if f.label == "no_basis":
            if section == "laws":
                rows["no_basis"].append((f"{f.number} {f.text}", "—", "—", "知识库中没有相关规定（操作性要求可不需上位依据）"))
            continue
        for e in evidence[:1 if f.label != "basis" else 2]:
            rows[f.label].append((f"{f.number} {f.text}", f"{e.citation}（{e.status}）", e.text, e.note))
    return rows


def gap_markdown(report) -> str:
    lines = [f"# 协调性分析：{report.title}", "",
             f"草案：{report.draft}。适用地区：{'、'.join(report.regions) or '全国'}。", "", summary(report), ""]
    for section, heading in (("laws", "与法律法规、政策文件的协调性"), ("standards", "与国家标准、行业标准、地方标准的协调性")):
        lines += [f"## {heading}", ""]
        rows = gap_rows(report, section)
        if not any(rows.values()):
            lines += ["知识库中没有相关文件。", ""]
        for label, title in GAP_LABELS.items():
            if not rows[label]:
                continue
            lines += [f"### {_heading(title, rows[label])}", "", "| 草案条款 | 条文 | 原文 | 说明 |", "| --- | --- | --- | --- |"]
            lines += [f"| {' | '.join(_cell(x) for x in row)} |" for row in rows[label]]
            lines.append("")
    lines += ["## 草案未体现的适用规定", ""]
    if report.missing:
        lines += ["| 条文 | 原文 | 为什么适用 |", "| --- | --- | --- |"]
        lines += [f"| {_cell(m.citation + '（' + m.status + '）')} | {_cell(m.text)} | {_cell(m.reason)} |" for m in report.missing]
    else:
        lines.append("未发现。")
    if report.to_check:
        lines += ["", f"## {TO_CHECK}", "", TO_CHECK_NOTE, "", "| 条文 | 原文 | 说明 |", "| --- | --- | --- |"]
        lines += [f"| {_cell(m.citation + '（' + m.status + '）')} | {_cell(m.text)} | {_cell(m.reason)} |"
                  for m in report.to_check]
    lines += ["", "## 规范性引用文件", "", "| 引用 | 状态 | 说明 |", "| --- | --- | --- |"]
    lines += [f"| {_cell(r.cited)} | {REFERENCE_STATUS[r.status]} | {_cell(r.note)} |" for r in report.references]
    lines += ["", "## 结构", ""]
    lines += ["符合 GB/T 1.1—2020 的要素要求。"] if report.structure.ok else [f"- {problem_in_chinese(p)}"
                                                                      for p in report.structure.problems]
    lines += ["", "## 编写规则（GB/T 1.1—2020）", ""]
    if report.drafting:
        lines += ["| 条款 | 规则 | 问题 | 建议 |", "| --- | --- | --- | --- |"]
        lines += [f"| {f.clause} | {DRAFTING_RULES.get(f.rule, f.rule)} | {_cell(f.message)} | {_cell(f.suggestion)} |"
                  for f in report.drafting]
    else:
        lines.append("未发现问题。")
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return (text or "").replace("|", "｜").replace("\n", "<br>")


def gap_docx(report) -> bytes:
    document = new_document()
    document.add_heading(f"协调性分析：{report.title}", level=0)
    document.add_paragraph(f"草案：{report.draft}。适用地区：{'、'.join(report.regions) or '全国'}。")
    document.add_paragraph(summary(report))
    for section, heading in (("laws", "与法律法规、政策文件的协调性"), ("standards", "与国家标准、行业标准、地方标准的协调性")):
        document.add_heading(heading, level=1)
        rows = gap_rows(report, section)
        if not any(rows.values()):
            document.add_paragraph("知识库中没有相关文件。")
        for label, title in GAP_LABELS.items():
            if rows[label]:
                document.add_heading(_heading(title, rows[label]), level=2)
                add_table(document, ("草案条款", "条文", "原文", "说明"), rows[label])
    document.add_heading("草案未体现的适用规定", level=1)
    if report.missing:
        add_table(document, ("条文", "原文", "为什么适用"),
               [(f"{m.citation}（{m.status}）", m.text, m.reason) for m in report.missing])
    else:
        document.add_paragraph("未发现。")
    if report.to_check:
        document.add_heading(TO_CHECK, level=1)
        document.add_paragraph(TO_CHECK_NOTE)
        add_table(document, ("条文", "原文", "说明"),
                  [(f"{m.citation}（{m.status}）", m.text, m.reason) for m in report.to_check])
    document.add_heading("规范性引用文件", level=1)
    add_table(document, ("引用", "状态", "说明"), [(r.cited, REFERENCE_STATUS[r.status], r.note) for r in report.references])
    document.add_heading("结构", level=1)
    for problem in [problem_in_chinese(p) for p in report.structure.problems] or ["符合 GB/T 1.1—2020 的要素要求。"]:
        document.add_paragraph(problem)
    document.add_heading("编写规则（GB/T 1.1—2020）", level=1)
    if report.drafting:
        add_table(document, ("条款", "规则", "问题", "建议"),
                  [(f.clause, DRAFTING_RULES.get(f.rule, f.rule), f.message, f.suggestion) for f in report.drafting])
    else:
        document.add_paragraph("未发现问题。")
    return to_bytes(document)
