"""Reports come out as a Chinese government office expects them (GB/T 9704—2012 page and fonts)."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from analysis.docx import add_table, new_document, to_bytes


@pytest.fixture(scope="module")
def report():
    document = new_document()
    document.add_heading("文献综述：公共机构节能", level=0)
    document.add_heading("一、法律", level=1)
    document.add_heading("（一）节约能源法", level=2)
    document.add_paragraph("公共机构应当厉行节约。")
    add_table(document, ("条款", "依据", "说明"), [("5.1", "《公共机构节能条例》第十三条", "")])
    return Document(io.BytesIO(to_bytes(document)))


def _east_asian(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_the_page_is_a4_with_the_gbt_9704_margins(report):
    section = report.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_body_title_and_headings_use_the_official_fonts_in_black(report):
    styles = report.styles
    assert _east_asian(styles["Normal"]) == "仿宋" and styles["Normal"].font.size == Pt(16)
    assert _east_asian(styles["Title"]) == "方正小标宋简体" and styles["Title"].font.size == Pt(22)
    assert _east_asian(styles["Heading 1"]) == "黑体" and _east_asian(styles["Heading 2"]) == "楷体"
    for name in ("Title", "Heading 1", "Heading 2"):
        assert str(styles[name].font.color.rgb) == "000000"
        assert styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is None


def test_every_page_is_numbered_at_the_foot(report):
    footer = report.sections[0].footer.paragraphs[0]
    assert "PAGE" in footer._p.xml and footer.text.startswith("— ")


def test_tables_have_borders_and_a_smaller_size(report):
    table = report.tables[0]
    assert table.style.name == "Table Grid"
    assert table.rows[1].cells[1].paragraphs[0].runs[0].font.size == Pt(12)
