"""DOCX helpers shared by the reports (python-docx)."""

from __future__ import annotations

import io


def new_document():
    """An empty document whose body text is 宋体 for East Asian characters, so Word does not fall
    back to a Latin font."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return document


def add_table(document, header: tuple[str, ...], rows: list[tuple]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text or ""


def to_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
