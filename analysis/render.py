"""Reports as files a drafter can paste into a 编制说明: Markdown and DOCX (python-docx)."""

from __future__ import annotations

import io

from .review import Review

_CN_ORDINALS = "一二三四五六七八九十"


def _ordinal(n: int) -> str:
    return _CN_ORDINALS[n - 1] if n <= len(_CN_ORDINALS) else str(n)


def review_markdown(review: Review) -> str:
    lines = [f"# 文献综述：{review.topic}", "",
             f"生成日期：{review.generated}。共 {review.documents} 份文件，按效力层级排列，现行有效的版本在前。", ""]
    if review.low_confidence:
        lines += ["> 注意：知识库中与该主题直接相关的规定很少，以下结果仅供参考。", ""]
    for g, group in enumerate(review.groups, start=1):
        lines += [f"## {_ordinal(g)}、{group.level}", ""]
        for doc in group.documents:
            facts = "，".join(x for x in (doc.issuer, doc.doc_number, doc.publish_date, doc.status) if x)
            lines += [f"### [{doc.number}] {doc.title}", "", f"{facts}", ""]
            for c in doc.clauses:
                where = " / ".join(c.heading_path)
                lines.append(f"- **{c.article or '（正文）'}**{f'（{where}）' if where else ''}")
                lines += ["", *[f"  > {line}" for line in c.text.splitlines() if line.strip()], ""]
    lines += ["## 参考文献", ""]
    lines += [f"[{doc.number}] {doc.reference}  " for group in review.groups for doc in group.documents]
    return "\n".join(lines).rstrip() + "\n"


def review_docx(review: Review) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    _chinese_font(document)
    document.add_heading(f"文献综述：{review.topic}", level=0)
    document.add_paragraph(f"生成日期：{review.generated}。共 {review.documents} 份文件，按效力层级排列，现行有效的版本在前。")
    if review.low_confidence:
        document.add_paragraph("注意：知识库中与该主题直接相关的规定很少，以下结果仅供参考。")
    for g, group in enumerate(review.groups, start=1):
        document.add_heading(f"{_ordinal(g)}、{group.level}", level=1)
        for doc in group.documents:
            document.add_heading(f"[{doc.number}] {doc.title}", level=2)
            document.add_paragraph("，".join(x for x in (doc.issuer, doc.doc_number, doc.publish_date, doc.status) if x))
            table = document.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            table.rows[0].cells[0].text, table.rows[0].cells[1].text = "条款", "内容"
            for c in doc.clauses:
                row = table.add_row().cells
                row[0].text = c.article or "（正文）"
                row[1].text = c.text
    document.add_heading("参考文献", level=1)
    for group in review.groups:
        for doc in group.documents:
            document.add_paragraph(f"[{doc.number}] {doc.reference}").paragraph_format.space_after = Pt(2)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _chinese_font(document) -> None:
    """Body text in 宋体 for East Asian characters, so Word does not fall back to a Latin font."""
    from docx.oxml.ns import qn

    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


# ------------------------------------------------------------------------------------ gap report
GAP_LABELS = {"conflict": "与上位规定冲突", "duplicate": "照抄上位规定", "basis": "有上位依据", "no_basis": "未找到依据"}
REFERENCE_STATUS = {"current": "现行有效", "superseded": "已被代替", "repealed": "已废止", "not_in_kb": "知识库中没有"}
# The two 协调性 sections of a 编制说明, by the level of the evidence.
STANDARD_LEVELS = {"国家标准", "行业标准", "地方标准", "团体标准", "标准"}


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
             f"草案：{report.draft}。适用地区：{'、'.join(report.regions) or '全国'}。", ""]
    for section, heading in (("laws", "与法律法规、政策文件的协调性"), ("standards", "与国家标准、行业标准、地方标准的协调性")):
        lines += [f"## {heading}", ""]
        rows = gap_rows(report, section)
        if not any(rows.values()):
            lines += ["知识库中没有相关文件。", ""]
        for label, title in GAP_LABELS.items():
            if not rows[label]:
                continue
            lines += [f"### {title}（{len(rows[label])}）", "", "| 草案条款 | 条文 | 原文 | 说明 |", "| --- | --- | --- | --- |"]
            lines += [f"| {' | '.join(_cell(x) for x in row)} |" for row in rows[label]]
            lines.append("")
    lines += ["## 草案未体现的适用规定", ""]
    if report.missing:
        lines += ["| 条文 | 原文 | 为什么适用 |", "| --- | --- | --- |"]
        lines += [f"| {_cell(m.citation + '（' + m.status + '）')} | {_cell(m.text)} | {_cell(m.reason)} |" for m in report.missing]
    else:
        lines.append("未发现。")
    lines += ["", "## 规范性引用文件", "", "| 引用 | 状态 | 说明 |", "| --- | --- | --- |"]
    lines += [f"| {_cell(r.cited)} | {REFERENCE_STATUS[r.status]} | {_cell(r.note)} |" for r in report.references]
    lines += ["", "## 结构", ""]
    lines += ["符合 GB/T 1.1—2020 的要素要求。"] if report.structure.ok else [f"- {p}" for p in report.structure.problems]
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return (text or "").replace("|", "｜").replace("\n", "<br>")


def gap_docx(report) -> bytes:
    from docx import Document

    document = Document()
    _chinese_font(document)
    document.add_heading(f"协调性分析：{report.title}", level=0)
    document.add_paragraph(f"草案：{report.draft}。适用地区：{'、'.join(report.regions) or '全国'}。")
    for section, heading in (("laws", "与法律法规、政策文件的协调性"), ("standards", "与国家标准、行业标准、地方标准的协调性")):
        document.add_heading(heading, level=1)
        rows = gap_rows(report, section)
        if not any(rows.values()):
            document.add_paragraph("知识库中没有相关文件。")
        for label, title in GAP_LABELS.items():
            if rows[label]:
                document.add_heading(f"{title}（{len(rows[label])}）", level=2)
                _table(document, ("草案条款", "条文", "原文", "说明"), rows[label])
    document.add_heading("草案未体现的适用规定", level=1)
    if report.missing:
        _table(document, ("条文", "原文", "为什么适用"),
               [(f"{m.citation}（{m.status}）", m.text, m.reason) for m in report.missing])
    else:
        document.add_paragraph("未发现。")
    document.add_heading("规范性引用文件", level=1)
    _table(document, ("引用", "状态", "说明"), [(r.cited, REFERENCE_STATUS[r.status], r.note) for r in report.references])
    document.add_heading("结构", level=1)
    for problem in report.structure.problems or ["符合 GB/T 1.1—2020 的要素要求。"]:
        document.add_paragraph(problem)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document, header: tuple[str, ...], rows: list[tuple]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text or ""
