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
