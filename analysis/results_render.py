"""A search's result list as files a drafter files away or pastes: Markdown, DOCX and CSV.

Each row carries both citation forms: 《题名》第X条 for the text of a standard, GB/T 7714 for its
reference list. CSV is written with a byte-order mark, because Excel on a Chinese Windows desktop
reads a CSV without one as GBK and shows mojibake.
"""

from __future__ import annotations

import csv
import io

from index.results import SearchResult

from .cite import hit_reference, short_citation
from .docx import add_table, new_document, to_bytes

COLUMNS = ("序号", "引用", "效力层级", "时效性", "发布日期", "条文", "参考文献")


def rows(result: SearchResult) -> list[tuple[str, ...]]:
    return [(str(h.rank), short_citation(h.title, h.article), h.level, h.status, h.publish_date or "日期不详",
             h.text, hit_reference(h)) for h in result.hits]


def results_markdown(result: SearchResult) -> str:
    lines = [f"# 检索结果：{result.query}", ""]
    if result.notice:
        lines += [f"> {result.notice}", ""]
    if result.low_confidence:
        lines += ["> 知识库中可能没有直接回答这个问题的规定，以下结果仅供参考。", ""]
    for rank, cite, level, status, date, text, reference in rows(result):
        lines += [f"## {rank}. {cite}", "", f"{level} · {status} · {date}", ""]
        lines += [f"> {line}" for line in text.splitlines() if line.strip()]
        lines += ["", f"参考文献：{reference}", ""]
    return "\n".join(lines).rstrip() + "\n"


def results_csv(result: SearchResult) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows(result))
    return out.getvalue().encode("utf-8-sig")


def results_docx(result: SearchResult) -> bytes:
    document = new_document()
    document.add_heading(f"检索结果：{result.query}", level=0)
    if result.notice:
        document.add_paragraph(result.notice)
    add_table(document, ("序号", "引用", "条文"), [(r[0], f"{r[1]}（{r[3]}）", r[5]) for r in rows(result)])
    document.add_heading("参考文献", level=1)
    for r in rows(result):
        document.add_paragraph(f"[{r[0]}] {r[6]}")
    return to_bytes(document)
