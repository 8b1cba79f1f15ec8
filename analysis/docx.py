"""DOCX helpers shared by the reports (python-docx), laid out as a Chinese government office expects.

GB/T 9704—2012 (党政机关公文格式) sets the page: A4; 天头 (top) 37 mm, 订口 (left) 28 mm, the text
block 156 × 225 mm, hence right 26 mm and bottom 35 mm; title in 2号小标宋, first-level headings in
3号黑体, second-level in 3号楷体, body in 3号仿宋, page numbers in 4号 at the foot. The fonts are
named as Word on an office PC knows them; where one is missing (a Linux desktop), the viewer
substitutes its own CJK serif or sans (Noto Serif / Sans CJK), which is what the names ask for.
Tables use 小四 so that a 4-column table fits the 156 mm text block.
"""

from __future__ import annotations

import io

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
BODY = ("仿宋", 16)           # 3号
TITLE = ("方正小标宋简体", 22)  # 2号
HEADINGS = {1: ("黑体", 16), 2: ("楷体", 16), 3: ("仿宋", 16)}
TABLE_PT = 12                # 小四
FOOTER_PT = 14               # 4号
LATIN = "Times New Roman"


def new_document():
    """An empty A4 document with the GB/T 9704 margins, fonts, black headings and page numbers."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))

    normal = document.styles["Normal"]
    _font(normal, *BODY)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)     # 22 lines on the 225 mm text block
    for name, (font, size) in [("Title", TITLE), *((f"Heading {n}", spec) for n, spec in HEADINGS.items())]:
        style = document.styles[name]
        _font(style, font, size)
        style.font.bold = name == "Heading 3"
        style.font.color.rgb = RGBColor(0, 0, 0)     # not the blue of python-docx's default theme
        _no_theme_border(style)
    document.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in ("— ", None, " —"):
        run = footer.add_run(text) if text else _page_field(footer)
        run.font.size = Pt(FOOTER_PT)
    return document


def add_table(document, header: tuple[str, ...], rows: list[tuple]) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"     # single borders on every cell
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text or ""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.line_spacing = 1.0
                for run in paragraph.runs:
                    run.font.size = Pt(TABLE_PT)


def to_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _font(style, east_asian: str, size_pt: float) -> None:
    """Set a style's font for Chinese and Latin text; theme fonts would override the names."""
    from docx.shared import Pt

    style.font.name = LATIN
    style.font.size = Pt(size_pt)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:eastAsia"), east_asian)


def _no_theme_border(style) -> None:
    """python-docx's Title style draws a blue rule under the title; a 公文 title has none."""
    ppr = style.element.pPr
    if ppr is not None:
        border = ppr.find(qn("w:pBdr"))
        if border is not None:
            ppr.remove(border)


def _page_field(paragraph):
    """A run holding Word's PAGE field (the current page number)."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    return run
