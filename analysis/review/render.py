"""The literature review as files a drafter can paste into a 编制说明: Markdown and DOCX."""

from __future__ import annotations

from ..docx import add_table, new_document, to_bytes
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
    from docx.shared import Pt

    document = new_document()
    document.add_heading(f"文献综述：{review.topic}", level=0)
    document.add_paragraph(f"生成日期：{review.generated}。共 {review.documents} 份文件，按效力层级排列，现行有效的版本在前。")
    if review.low_confidence:
        document.add_paragraph("注意：知识库中与该主题直接相关的规定很少，以下结果仅供参考。")
    for g, group in enumerate(review.groups, start=1):
        document.add_heading(f"{_ordinal(g)}、{group.level}", level=1)
        for doc in group.documents:
            document.add_heading(f"[{doc.number}] {doc.title}", level=2)
            document.add_paragraph("，".join(x for x in (doc.issuer, doc.doc_number, doc.publish_date, doc.status) if x))
            add_table(document, ("条款", "内容"), [(c.article or "（正文）", c.text) for c in doc.clauses])
    document.add_heading("参考文献", level=1)
    for group in review.groups:
        for doc in group.documents:
            document.add_paragraph(f"[{doc.number}] {doc.reference}").paragraph_format.space_after = Pt(2)
    return to_bytes(document)
