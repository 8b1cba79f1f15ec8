"""Each supported format with real content, and the bad files each format can bring."""

from __future__ import annotations

import zipfile

import pytest

from ingest.collect import collect
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


def test_a_page_with_no_text_and_no_words_in_its_image_gives_a_clear_error(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 200, 200, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(DocumentError, match="no text found"):
        parse_file(path)


def test_a_scanned_pdf_read_by_tesseract_without_it_names_the_packages_to_install(tmp_path, monkeypatch):
    import ingest.readers.ocr as ocr

    monkeypatch.setattr(ocr, "missing_packages", lambda: ("tesseract-ocr", "tesseract-ocr-chi-sim"))
    ocr.set_engine("tesseract")
    scan = _scan(tmp_path, _regulation_pdf(tmp_path))
    try:
        with pytest.raises(DocumentError, match="apt-get install tesseract-ocr tesseract-ocr-chi-sim"):
            parse_file(scan)
    finally:
        ocr.set_engine(ocr.DEFAULT_ENGINE)


def test_truncated_pdf_is_refused(tmp_path):
    good = tmp_path / "good.pdf"
    _pdf(good, ["第一条 测试条文。", "第二条 另一条。"])
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(good.read_bytes()[:200])
    with pytest.raises(DocumentError) as err:
        parse_file(bad)
    assert "truncated.pdf" in str(err.value)


# ------------------------------------------------------------------------------------ scans (OCR)
SCANNED_LINES = ["公共机构节能条例", "第一章 总则",
              "第一条 为了推动公共机构节能，提高公共机构能源利用效率，发挥公共机构在全社会节能中的表率作用，",
              "根据《中华人民共和国节约能源法》，制定本条例。",
              "第二条 本条例所称公共机构，是指全部或者部分使用财政性资金的国家机关、事业单位和团体组织。",
              "第三条 公共机构应当加强用能管理，采取技术上可行、经济上合理的措施，降低能源消耗，",
              "减少、制止能源浪费，有效、合理地利用能源。",
              "第四条 国务院管理节能工作的部门主管全国的公共机构节能监督管理工作。"]


def _regulation_pdf(tmp_path):
    path = tmp_path / "text.pdf"
    _pdf(path, SCANNED_LINES)
    return path


def _scan(tmp_path, pdf, turn: int = 0, name: str = "scan.pdf"):
    """The PDF as a scanner makes it: each page an image at 150 dpi in greyscale, no text layer;
    `turn` degrees anticlockwise for a page fed sideways."""
    import subprocess

    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page*.png"))]
    images = [im.rotate(turn, expand=True) if turn else im for im in images]
    out = tmp_path / name
    images[0].save(out, save_all=True, append_images=images[1:], resolution=150)
    return out


def _scanned_corpus(tmp_path, name: str):
    """A corpus folder holding one scanned regulation named `name`."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _scan(tmp_path, _regulation_pdf(tmp_path), name=f"corpus/{name}")
    return corpus


def _accuracy(a, b) -> float:
    import difflib
    import re

    clean = lambda doc: re.sub(r"\s", "", "".join(c.text for c in doc.clauses))  # noqa: E731
    return difflib.SequenceMatcher(None, clean(a), clean(b), autojunk=False).ratio()


@pytest.mark.slow
def test_a_scanned_regulation_parses_into_the_same_articles_as_its_text_pdf(tmp_path):
    text = parse_file(_regulation_pdf(tmp_path))
    scan = parse_file(_scan(tmp_path, tmp_path / "text.pdf"))
    assert [c.label for c in scan.clauses] == [c.label for c in text.clauses]
    assert _accuracy(text, scan) >= 0.97
    assert scan.reader == "ocr" and scan.ocr_confidence > 70 and scan.ocr_low_pages == []


@pytest.mark.slow
def test_a_page_fed_sideways_is_turned_before_it_is_read(tmp_path):
    text = parse_file(_regulation_pdf(tmp_path))
    scan = parse_file(_scan(tmp_path, tmp_path / "text.pdf", turn=90, name="sideways.pdf"))
    assert [c.label for c in scan.clauses if c.kind == "article"] == ["第一条", "第二条", "第三条", "第四条"]
    assert _accuracy(text, scan) >= 0.97


@pytest.mark.slow
def test_a_mixed_pdf_reads_only_its_scanned_pages_by_ocr(tmp_path):
    from pypdf import PdfReader, PdfWriter

    typed = tmp_path / "typed.pdf"
    _pdf(typed, ["第五条 公共机构应当建立健全能源消费统计制度。"])
    scan = _scan(tmp_path, _regulation_pdf(tmp_path))
    writer = PdfWriter()
    for source in (scan, typed):
        for page in PdfReader(str(source)).pages:
            writer.add_page(page)
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as out:
        writer.write(out)
    doc = parse_file(mixed)
    assert doc.reader == "text+ocr"
    assert [c.label for c in doc.clauses if c.kind == "article"] == ["第一条", "第二条", "第三条", "第四条", "第五条"]


@pytest.mark.slow
def test_stdkb_parse_says_a_file_was_read_by_ocr_with_its_confidence(tmp_path, capsys):
    import json

    from api.cli.main import main

    scan = _scan(tmp_path, _regulation_pdf(tmp_path))
    assert main(["parse", str(scan), "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["reader"] == "ocr" and 70 < body["confidence"] <= 100 and body["low_confidence_pages"] == []


@pytest.mark.slow
def test_a_scanned_image_file_is_read(tmp_path):
    _scan(tmp_path, _regulation_pdf(tmp_path))
    image = tmp_path / "条例.png"
    (tmp_path / "page-1.png").rename(image)
    doc = parse_file(image)
    assert doc.reader == "ocr" and [c.label for c in doc.clauses if c.kind == "article"][:2] == ["第一条", "第二条"]


def test_an_image_bomb_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from PIL import Image

    import ingest.readers.ocr as ocr

    monkeypatch.setattr(ocr, "MAX_IMAGE_PIXELS", 10_000)
    big = tmp_path / "big.png"
    Image.new("L", (200, 200), 255).save(big)
    with pytest.raises(DocumentError, match="pixels"):
        parse_file(big)


@pytest.mark.slow
def test_a_scan_is_stored_as_read_by_ocr_and_its_page_says_to_check_the_original(tmp_path):
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.settings import Settings
    from index.index import Index

    corpus = _scanned_corpus(tmp_path, "公共机构节能条例.pdf")
    index = Index(tmp_path / "kb")
    index.upsert(*collect([corpus]))
    info = index.document_info("公共机构节能条例.pdf")
    assert info.reader == "ocr" and info.ocr_confidence > 70
    assert index.clause("公共机构节能条例第二条").hits[0].text.startswith("本条例所称公共机构")
    index.close()
    with TestClient(create_app(Settings(data_dir=tmp_path / "kb"))) as client:
        page = client.get("/doc/公共机构节能条例.pdf").text
        assert "此文件由扫描件识别" in page and "请核对原件" in page


def test_a_docx_table_stays_a_table_inside_the_clause_it_belongs_to(tmp_path):
    from docx import Document

    from analysis.gap.quantities import requirements

    d = Document()
    for line in ["1 范围", "本文件规定了办公用房的要求。", "2 规范性引用文件", "本文件没有规范性引用文件。",
                 "3 术语和定义", "本文件没有需要界定的术语和定义。", "4 配置标准", "4.1 办公室面积应符合表1的规定。"]:
        d.add_paragraph(line)
    table = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("级别", "使用面积"), ("正部级", "不超过54平方米"), ("副部级", "不超过42平方米")]):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    d.add_paragraph("4.2 办公用房应当定期维护。")
    path = tmp_path / "办公用房.docx"
    d.save(path)
    clause = next(c for c in parse_file(path).clauses if c.label == "4.1")
    assert clause.text.splitlines()[1:] == ["| 级别 | 使用面积 |", "| --- | --- |", "| 正部级 | 不超过54平方米 |",
                                            "| 副部级 | 不超过42平方米 |"]
    limits = requirements(clause.text)
    assert [(r.value, r.bound) for r in limits] == [(54.0, "max"), (42.0, "max")] and "正部级" in limits[0].segment


def test_a_merged_cell_appears_once_in_its_row(tmp_path):
    from docx import Document

    d = Document()
    d.add_paragraph("第一条 配置标准见下表。")
    table = d.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "类别"
    table.cell(0, 2).text = "标准"
    table.cell(1, 0).text, table.cell(1, 1).text, table.cell(1, 2).text = "一般", "公务用车", "18万元"
    path = tmp_path / "配置.docx"
    d.save(path)
    text = parse_file(path).clauses[0].text
    assert "| 类别 |  | 标准 |" not in text and "| 类别 | 标准 |" in text


# --------------------------------------------------------------------------------- saved web pages
WEB_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>某市机关事务管理办法_某市人民政府门户网站</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/jgsz">机构设置</a> 当前位置：首页 &gt; 政务公开 &gt; 规章</div>
<div class="article"><h1>某市机关事务管理办法</h1><p>发文字号：某政发〔2023〕5号　发布日期：2023-05-06</p>
<p>第一条 为了规范机关事务工作，保障机关正常运行，制定本办法。</p>
<p>第二条 本办法适用于本市各级机关的机关事务工作。</p>
<p>第三条 机关事务管理部门应当建立健全公务用车管理制度，严格执行公务用车编制和配备标准。</p>
<table><tr><td>车型</td><td>价格上限</td></tr><tr><td>一般公务用车</td><td>18万元</td></tr></table>
</div><div class="footer">版权所有：某市人民政府办公室　地址：某路1号　联系电话：12345　网站标识码：1234567890</div></body></html>"""


def test_a_saved_web_page_gives_its_article_without_menus_and_footer(tmp_path):
    path = tmp_path / "某市机关事务管理办法.html"
    path.write_text(WEB_PAGE, encoding="utf-8")
    doc = parse_file(path)
    assert doc.title == "某市机关事务管理办法" and doc.reader == "web"
    assert doc.doc_number == "某政发〔2023〕5号" and doc.publish_date == "2023-05-06"
    assert [c.label for c in doc.clauses if c.kind == "article"] == ["第一条", "第二条", "第三条"]
    text = "\n".join(c.text for c in doc.clauses)
    assert "政务公开" not in text and "版权所有" not in text and "网站标识码" not in text
    assert "| 一般公务用车 | 18万元 |" in next(c.text for c in doc.clauses if c.label == "第三条")


def test_a_page_saved_as_mhtml_is_read_like_html(tmp_path):
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "某市机关事务管理办法"
    message.set_content(WEB_PAGE, subtype="html", charset="utf-8")
    path = tmp_path / "办法.mhtml"
    path.write_bytes(message.as_bytes())
    assert [c.label for c in parse_file(path).clauses if c.kind == "article"] == ["第一条", "第二条", "第三条"]


# --------------------------------------------------------------------------------------------- OFD
def _ofd(path, title: str, lines: list[str], shuffle: bool = True):
    """An OFD package as GB/T 33190 lays it out, its text objects stored out of reading order."""
    import random

    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    objects = [f'<ofd:TextObject ID="{i + 10}" Boundary="20 {30 + 6 * i} 170 6" Size="4.2">'
               f'<ofd:TextCode X="0" Y="4.2">{line}</ofd:TextCode></ofd:TextObject>' for i, line in enumerate(lines)]
    if shuffle:
        random.Random(1).shuffle(objects)
    files = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody>'
                   f'<ofd:DocInfo><ofd:Title>{title}</ofd:Title><ofd:CreationDate>2023-05-06</ofd:CreationDate>'
                   '</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:Pages>'
                              '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
        "Doc_0/Pages/Page_0/Content.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content>'
                                          f'<ofd:Layer ID="2">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>',
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text.encode("utf-8"))
    return path


def test_an_ofd_file_is_read_in_reading_order_with_its_title(tmp_path):
    path = _ofd(tmp_path / "办法.ofd", "某市公务用车管理办法",
                ["第一条 为了加强公务用车管理，制定本办法。", "第二条 公务用车实行编制管理。",
                 "第三条 公务用车按照规定年限更新。"])
    doc = parse_file(path)
    assert doc.title == "某市公务用车管理办法"
    assert [c.label for c in doc.clauses if c.kind == "article"] == ["第一条", "第二条", "第三条"]


def test_a_corrupt_ofd_is_refused_naming_the_part(tmp_path):
    path = tmp_path / "坏.ofd"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml")
    with pytest.raises(DocumentError, match="OFD.xml is not well-formed"):
        parse_file(path)


@pytest.mark.slow
def test_ingest_reports_progress_per_scanned_page(tmp_path):
    from index.index import Index

    corpus = _scanned_corpus(tmp_path, "条例.pdf")
    heard = []
    def hear(stage, done, total):
        heard.append((stage, done, total))

    Index(tmp_path / "kb").upsert(*collect([corpus], progress=hear), progress=hear)
    assert ("OCR: 条例.pdf", 1, 1) in heard


# ------------------------------------------------------------------------------- old Word and WPS
def _old_word(tmp_path, name: str):
    """A .doc written by LibreOffice from a .docx made here (the only writer of the format offline)."""
    import shutil
    import subprocess

    from docx import Document

    d = Document()
    for line in ["某市公务用车管理办法", "第一条 为了加强公务用车管理，降低行政成本，制定本办法。",
                 "第二条 公务用车实行编制管理，车辆配备不得超过编制。", "第三条 公务用车按照规定年限更新。"]:
        d.add_paragraph(line)
    d.save(tmp_path / "src.docx")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp_path), str(tmp_path / "src.docx")], check=True, capture_output=True, timeout=120)
    target = tmp_path / name
    shutil.move(tmp_path / "src.doc", target)
    return target


@pytest.mark.slow
@pytest.mark.parametrize("name", ["办法.doc", "办法.wps"])
def test_an_old_word_or_wps_file_is_read_through_libreoffice(tmp_path, name):
    doc = parse_file(_old_word(tmp_path, name))
    assert [c.label for c in doc.clauses if c.kind == "article"] == ["第一条", "第二条", "第三条"]
    assert "不得超过编制" in next(c.text for c in doc.clauses if c.label == "第二条")


def test_an_old_word_file_without_libreoffice_names_the_package(tmp_path, monkeypatch):
    import shutil

    path = tmp_path / "办法.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda cmd: None if cmd in ("soffice", "libreoffice") else real_which(cmd))
    with pytest.raises(DocumentError, match="apt-get install libreoffice-writer-nogui"):
        parse_file(path)


def test_a_doc_that_is_really_a_zip_is_refused(tmp_path):
    path = tmp_path / "办法.doc"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<x/>")
    with pytest.raises(DocumentError, match="named .doc but the content is a ZIP"):
        parse_file(path)


@pytest.mark.slow
def test_a_corrupt_doc_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "坏.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 4000)
    with pytest.raises(DocumentError) as err:
        parse_file(path)
    assert "坏.doc" in str(err.value)


def test_a_poster_sized_page_is_rendered_at_a_bounded_size():
    import io

    from pypdf import PdfWriter

    from ingest.readers.ocr import MAX_PAGE_PIXELS_SIDE, page_dpis

    writer = PdfWriter()
    writer.add_blank_page(width=72 * 100, height=72 * 50)   # 100 × 50 inches
    writer.add_blank_page(width=595, height=842)            # A4
    buffer = io.BytesIO()
    writer.write(buffer)
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "poster.pdf"
    path.write_bytes(buffer.getvalue())
    dpis = page_dpis(path, [1, 2])
    assert dpis[1] * 100 <= MAX_PAGE_PIXELS_SIDE and dpis[2] == 200


def test_a_ruled_table_in_a_pdf_text_layer_stays_a_table_in_its_clause(tmp_path):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16)
    story = [Paragraph(t, style) for t in ["1 范围", "本文件规定了办公用房的要求。", "2 规范性引用文件", "本文件没有规范性引用文件。",
                                             "3 术语和定义", "本文件没有需要界定的术语和定义。", "4 配置标准",
                                             "4.1 办公室面积应符合表1的规定，各级别的使用面积上限如下表所示。"]]
    table = Table([["级别", "使用面积（不含卫生间和走廊等公共部分）"], ["正部级", "不超过54平方米"], ["副部级", "不超过42平方米"]])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story += [table, Paragraph("4.2 办公用房应当定期维护。", style)]
    path = tmp_path / "办公用房.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    clause = next(c for c in parse_file(path).clauses if c.label == "4.1")
    assert clause.text.splitlines()[1:] == ["| 级别 | 使用面积（不含卫生间和走廊等公共部分） |", "| --- | --- |",
                                            "| 正部级 | 不超过54平方米 |", "| 副部级 | 不超过42平方米 |"]
