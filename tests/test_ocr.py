"""The OCR reader (issue 32): pages turned upright, lines in reading order, furniture left out,
clause numbers kept as headings, the engine chosen by a setting and never fetched from the network.
Images are small and drawn here, so each test reads a page or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers import ocr, ocr_rapid
from ingest.readers.ocr_layout import OcrLine, restore_heading_spacing

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LINES = ["第一条 为了推动公共机构节能，提高能源利用效率，制定本条例。",
         "第二条 本条例所称公共机构，是指使用财政性资金的国家机关。",
         "第三条 公共机构应当加强用能管理，降低能源消耗。",
         "第四条 国务院管理节能工作的部门主管全国的公共机构节能工作。"]


def _page(lines: list[str], width: int = 1100, size: int = 30):
    """A white page with `lines` printed on it in black, as a 150-dpi scan would show them."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (width, 80 + len(lines) * size * 2), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(FONT, size)
    for i, line in enumerate(lines):
        draw.text((40, 40 + i * size * 2), line, fill=0, font=font)
    return image


def _line(text: str, y: float, x0: float = 100, x1: float = 900) -> OcrLine:
    return OcrLine(text, x0, y, x1, y + 30, 99.0)


@pytest.fixture
def default_engine():
    yield ocr.DEFAULT_ENGINE
    ocr.set_engine(ocr.DEFAULT_ENGINE)


def test_a_page_fed_sideways_comes_out_upright(default_engine):
    # PIL turns anticlockwise: the page lies on its left side and must be turned 90° clockwise.
    page = ocr.read_image(_page(LINES).rotate(90, expand=True))
    assert page.rotated == 90
    assert page.text.splitlines()[0].startswith("第一条 为了推动公共机构节能")


def test_a_clause_number_glued_to_its_text_becomes_a_standard_heading():
    from ingest.models import DocumentMeta, Level
    from ingest.parse import parse_text

    lines = [_line("1范围", 100), _line("1.1供餐服务", 140), _line("1.1.1食堂应按公布的时间准时开餐。", 180),
             _line("1.1.2窗口长度不小于", 220), _line("0.5 m。", 260)]
    text = ocr.page_texts([ocr._ReadPage(1, lines, 1000, 1400)])[0].text
    assert text.splitlines()[:3] == ["1 范围", "1.1 供餐服务", "1.1.1 食堂应按公布的时间准时开餐。"]
    assert restore_heading_spacing("0.5 m以上") == "0.5 m以上"        # a decimal in the text stays as it is
    doc = parse_text(text, "draft.md", meta=DocumentMeta(title="", level=Level.LOCAL_STANDARD))
    assert [c.label for c in doc.clauses if c.label[0].isdigit()] == ["1", "1.1", "1.1.1", "1.1.2"]


def test_an_annex_clause_read_by_ocr_starts_a_clause_of_its_annex():
    from ingest.models import DocumentMeta, Level
    from ingest.parse import parse_text
    from ingest.readers.pdf import _unwrap_pdf_lines

    lines = [_line("1范围", 100), _line("本文件规定了机关食堂餐饮服务的基本要求和管理要求以及评价", 140),
             _line("附录A", 180), _line("（资料性）", 220), _line("评价指标与评价方法的说明及其适用的对象和范围以及", 260),
             _line("A.1评价指标", 300)]
    text = _unwrap_pdf_lines(ocr.page_texts([ocr._ReadPage(1, lines, 1000, 1400)])[0].text)
    doc = parse_text(text, "draft.md", meta=DocumentMeta(title="", level=Level.LOCAL_STANDARD))
    assert [c.label for c in doc.clauses if c.kind != "preamble"][-2:] == ["附录A", "A.1"]


def test_running_header_footer_and_page_number_are_left_out():
    pages = [ocr._ReadPage(n, [_line("DB3301/T XXXX—202X", 20), _line(f"{n}.1 第{n}章的条文。", 300),
                               _line(f"第 {n} 页", 1370, 450, 550)], 1000, 1414) for n in (1, 2, 3)]
    texts = [p.text for p in ocr.page_texts(pages)]
    assert texts == ["1.1 第1章的条文。", "2.1 第2章的条文。", "3.1 第3章的条文。"]


def test_a_bare_page_number_at_the_foot_is_left_out_even_on_a_single_page():
    page = ocr._ReadPage(1, [_line("第一条 正文。", 300), _line("— 3 —", 1380, 450, 550)], 1000, 1414)
    assert ocr.page_texts([page])[0].text == "第一条 正文。"


def test_a_two_column_page_is_read_column_by_column():
    left = [_line(f"左栏第{i}行", 200 + 40 * i, 60, 460) for i in range(5)]
    right = [_line(f"右栏第{i}行", 200 + 40 * i, 540, 940) for i in range(5)]
    title = _line("标题跨两栏", 100, 60, 940)
    text = ocr.page_texts([ocr._ReadPage(1, [title, *right, *left], 1000, 1414)])[0].text
    assert text.splitlines() == ["标题跨两栏", *(f"左栏第{i}行" for i in range(5)), *(f"右栏第{i}行" for i in range(5))]


def test_the_ocr_engine_setting_reaches_the_reader(monkeypatch, default_engine):
    from api.settings import SettingsError, load_settings

    monkeypatch.setenv("STDKB_OCR_ENGINE", "tesseract")
    assert load_settings().ocr_engine == "tesseract" and ocr.engine() == "tesseract"
    monkeypatch.setenv("STDKB_OCR_ENGINE", "abbyy")
    with pytest.raises(SettingsError, match="STDKB_OCR_ENGINE"):
        load_settings()


def test_rapidocr_reads_only_the_models_inside_its_wheel_and_never_downloads(monkeypatch, default_engine):
    import rapidocr
    from rapidocr.utils import download_file

    package = Path(rapidocr.__file__).parent
    for path in ocr_rapid.model_paths().values():
        assert path.is_file() and package in path.parents
    assert all(ocr_rapid.params()[f"{stage}.model_path"] == str(path) for stage, path in ocr_rapid.model_paths().items())

    def no_network(*args, **kwargs):
        raise AssertionError("RapidOCR tried to download a model")

    monkeypatch.setattr(download_file.DownloadFile, "run", classmethod(no_network))
    ocr_rapid._engine.cache_clear()       # build the engines again, under the guard
    ocr.set_engine("rapidocr")
    assert ocr.read_image(_page(LINES[:1])).text.startswith("第一条 为了推动公共机构节能")


def test_a_scanned_regulation_page_recovers_its_article_labels_with_the_default_engine(tmp_path, default_engine):
    from ingest.parse import parse_file

    scan = tmp_path / "条例.pdf"
    _page(LINES).save(scan, resolution=150)
    doc = parse_file(scan)
    assert doc.reader == "ocr"
    assert [c.label for c in doc.clauses if c.kind == "article"] == ["第一条", "第二条", "第三条", "第四条"]
