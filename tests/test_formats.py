"""Each supported format with real content, and the bad files each format can bring."""

from __future__ import annotations

import zipfile

import pytest

from ingest.errors import DocumentError
from ingest.parse import parse_file

from .conftest import CORPUS

REGULATION = CORPUS / "行政法规" / "机关事务管理条例(2012-06-28).md"


def _law_text() -> str:
    return REGULATION.read_text(encoding="utf-8")


def test_gbk_text_file_is_detected_and_parsed(tmp_path):
    path = tmp_path / "机关事务管理条例.txt"
    path.write_bytes(_law_text().encode("gbk"))
    doc = parse_file(path)
    assert doc.title == "机关事务管理条例"
    assert next(c for c in doc.clauses if c.label == "第十条").text.startswith("县级以上人民政府机关事务主管部门")


def test_utf8_with_bom_is_read(tmp_path):
    path = tmp_path / "条例.md"
    path.write_bytes(b"\xef\xbb\xbf" + _law_text().encode("utf-8"))
    assert parse_file(path).title == "机关事务管理条例"


def test_metadata_is_read_off_the_header_without_a_manifest(tmp_path):
    path = tmp_path / "机关事务管理条例(2012-06-28).md"
    path.write_text(_law_text(), encoding="utf-8")
    doc = parse_file(path)
    assert (doc.issuer, doc.publish_date, doc.effective_date) == ("国务院", "2012-06-28", "2012-10-01")
    assert doc.doc_number == "中华人民共和国国务院令第621号"
    assert doc.status == "状态不详"


def test_binary_junk_is_refused_with_the_file_name(tmp_path):
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(DocumentError) as err:
        parse_file(path)
    assert "junk.txt" in str(err.value) and "binary" in str(err.value)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    with pytest.raises(DocumentError, match="empty"):
        parse_file(path)


def test_unsupported_suffix_is_refused(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(DocumentError, match="unsupported file type"):
        parse_file(path)


def _docx(path, paragraphs):
    import docx

    document = docx.Document()
    for style, text in paragraphs:
        document.add_paragraph(text, style=style)
    document.save(str(path))


def test_docx_keeps_heading_styles_and_numbering_text(tmp_path):
    path = tmp_path / "会议服务规范.docx"
    _docx(path, [("Title", "机关事务管理 会议服务规范"), ("Heading 1", "1 范围"),
                 ("Normal", "本文件规定了机关会议服务的要求。"), ("Heading 1", "2 规范性引用文件"),
                 ("Normal", "GB/T 30520—2014 会议分类和术语"), ("Heading 1", "3 术语和定义"),
                 ("Heading 2", "3.1 会议服务 meeting service"), ("Normal", "为会议提供的各项服务。"),
                 ("Heading 1", "4 基本要求"), ("Normal", "4.1 会议服务应厉行节约。")])
    doc = parse_file(path)
    assert doc.family == "standard"
    term = next(c for c in doc.clauses if c.label == "3.1")
    assert term.kind == "term" and term.text == "为会议提供的各项服务。"
    assert next(c for c in doc.clauses if c.label == "4.1").text == "会议服务应厉行节约。"


def test_corrupt_docx_is_refused(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(DocumentError, match="corrupt .docx"):
        parse_file(path)


def test_macro_enabled_docx_is_refused(tmp_path):
    path = tmp_path / "macro.docx"
    _docx(path, [("Normal", "第一条 测试。")])
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("word/vbaProject.bin", b"\x00" * 10)
    with pytest.raises(DocumentError, match="macro-enabled"):
        parse_file(path)


def _pdf(path, lines):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 11)
    y = 800
    for line in lines:
        c.drawString(40, y, line)
        y -= 18
    c.save()


def test_pdf_with_chinese_text_layer_is_parsed(tmp_path):
    path = tmp_path / "公共机构节能条例.pdf"
    _pdf(path, ["公共机构节能条例", "第一章 总则", "第一条 为了推动公共机构节能，提高公共机构能源利用效率，",
                "发挥公共机构在全社会节能中的表率作用，根据《中华人民共和国节约能源法》，制定本条例。",
                "第二条 本条例所称公共机构，是指全部或者部分使用财政性资金的国家机关、事业单位和团体组织。"])
    doc = parse_file(path)
    first = next(c for c in doc.clauses if c.label == "第一条")
    assert first.heading_path == ["第一章 总则"]
    assert first.text.endswith("制定本条例。") and "\n" not in first.text  # the wrapped line is rejoined
    assert [c.label for c in doc.clauses if c.kind == "article"] == ["第一条", "第二条"]


def test_pdf_without_text_layer_is_reported_as_scanned(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 200, 200, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(DocumentError, match="scanned, needs OCR"):
        parse_file(path)


def test_truncated_pdf_is_refused(tmp_path):
    good = tmp_path / "good.pdf"
    _pdf(good, ["第一条 测试条文。", "第二条 另一条。"])
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(good.read_bytes()[:200])
    with pytest.raises(DocumentError) as err:
        parse_file(bad)
    assert "truncated.pdf" in str(err.value)
