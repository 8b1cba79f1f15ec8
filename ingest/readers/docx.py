""".docx files: paragraphs, heading styles as '#' lines, tables as Markdown tables."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ingest.errors import DocumentError

MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024  # a zip bomb unpacks far beyond any real document


def read_docx(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            unpacked = sum(info.file_size for info in zf.infolist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise DocumentError(path, "macro-enabled Word file (contains vbaProject.bin); save it as a plain .docx")
            if unpacked > MAX_DOCX_UNPACKED_BYTES:
                raise DocumentError(path, f"unpacks to {unpacked // (1024 * 1024)} MB (limit {MAX_DOCX_UNPACKED_BYTES // (1024 * 1024)} MB): refused as a possible zip bomb")
            if "word/document.xml" not in names:
                raise DocumentError(path, "not a Word document (no word/document.xml in the package)")
    except zipfile.BadZipFile as exc:
        raise DocumentError(path, f"corrupt .docx (not a valid zip archive): {exc}") from exc
    import docx  # python-docx; imported here so plain-text ingestion does not pay for it

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for broken packages
        raise DocumentError(path, f"corrupt .docx: {exc}") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_docx_paragraph_line(docx.text.paragraph.Paragraph(child, document)))
        elif tag == "tbl":
            lines.append(markdown_table([[c.text for c in _distinct_cells(row)]
                                         for row in docx.table.Table(child, document).rows]))
    return "\n\n".join(line for line in lines if line.strip())


def _distinct_cells(row):
    """A row's cells, a merged cell once (python-docx repeats it for every grid column it spans)."""
    seen, out = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def markdown_table(rows: list[list[str]]) -> str:
    """Rows of cell texts as one Markdown table block: the first row is the header. Standards put
    limits in tables (面积, 温度, 配置标准); kept as a table inside the clause, search and the
    numeric checks of gap analysis read them with their column names."""
    rows = [[" ".join(cell.split()).replace("|", "｜") for cell in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]])


def _docx_paragraph_line(paragraph) -> str:
    text = paragraph.text.strip()
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    m = re.match(r"^(?:Heading|标题)\s*(\d)$", style.strip(), re.IGNORECASE)
    if m and text:
        return "#" * min(6, int(m.group(1)) + 1) + " " + text
    if style.strip().lower() in ("title", "标题") and text:
        return "# " + text
    return text
