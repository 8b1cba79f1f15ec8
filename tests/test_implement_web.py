"""The 标准实施 pages in a real browser (as tests/test_web.py), at a desktop and a phone width; each
test leaves a screenshot (in $STDKB_SCREENSHOTS, e.g. docs/screenshots, or the test's temp dir)."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest


from .conftest import WRITE_KEY
from .test_assessment import DOC, _sheet

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow
KEY = WRITE_KEY
WIDTHS = (1280, 390)


def _page(browser, width: int):
    context = browser.new_context(accept_downloads=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda d: pytest.fail(f"a script ran on the page: {d.message}"))
    return context, page


def _shot(page, name: str, tmp_path: Path) -> Path:
    out = Path(os.environ.get("STDKB_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def _overflow(page) -> int:
    return max(0, page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"])


@pytest.mark.parametrize("width", WIDTHS)
def test_a_trainee_builds_a_paper_answers_it_and_sees_the_clause_behind_each_wrong_answer(browser, kb_url, width,
                                                                                           tmp_path):
    context, page = _page(browser, width)
    page.goto(kb_url + "/train")
    page.get_by_label("文件").fill("《公共机构节能条例》")
    page.get_by_label("题数").fill("6")
    page.get_by_role("button", name="出题").click()
    questions = page.locator("form.paper fieldset")
    playwright.expect(questions).to_have_count(6)
    assert _overflow(page) == 0
    _shot(page, f"train-{width}", tmp_path)
    for i in range(6):   # the first choice everywhere, and a number no blank holds
        field = questions.nth(i)
        if field.locator("input[type=radio]").count():
            field.locator("input[type=radio]").first.check()
        else:
            field.locator("input[type=text]").fill("999")
    page.get_by_role("button", name="交卷评分").click()
    heading = page.get_by_role("region", name="成绩").locator("h2")
    playwright.expect(heading).to_contain_text("/ 6")
    wrong = page.locator("li.wrong")
    assert wrong.count() >= 1 and wrong.count() == 6 - int(heading.inner_text().split("：")[1].split("/")[0])
    assert wrong.first.locator("blockquote.clause").inner_text() and "公共机构节能条例" in wrong.first.locator("a").inner_text()
    assert _overflow(page) == 0
    _shot(page, f"train-score-{width}", tmp_path)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_filled_checklist_uploaded_on_the_page_shows_its_rate_against_the_target(browser, writable_url, width,
                                                                                    tmp_path):
    from analysis.implement.checklist import Checklist

    context, page = _page(browser, width)
    page.goto(writable_url + "/login?next=/checklist")
    page.get_by_label("访问密钥").fill(KEY)
    page.get_by_role("button", name="进入").click()
    page.wait_for_url("**/checklist")
    page.get_by_label("文件").fill(DOC)
    page.get_by_role("button", name="生成自查表").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="自查表（Excel，填写后上传）").click()
    assert info.value.suggested_filename == f"自查表-{DOC}.xlsx"
    with urllib.request.urlopen(writable_url + "/api/v1/checklist?doc=" + quote(DOC)) as r:
        checklist = Checklist(**json.load(r))
    filled = tmp_path / "填好的自查表.xlsx"
    filled.write_bytes(_sheet(checklist, {}, unit="市机关事务管理局", date="2025-05-20"))
    page.get_by_label("填好的自查表").set_input_files(str(filled))
    page.get_by_role("button", name="上传并计算达标率").click()
    playwright.expect(page.get_by_role("status")).to_contain_text("达标率 100.0%")
    table = page.get_by_role("region", name="评价记录")
    assert "2025-05-20 市机关事务管理局：100.0%" in table.inner_text()
    assert "标准达标率：100.0%（目标 90% 以上）" in table.inner_text()
    assert _overflow(page) == 0
    _shot(page, f"checklist-{width}", tmp_path)
    # a malformed sheet is refused on the page, naming the row and value, and nothing is added
    bad = tmp_path / "坏表.xlsx"
    bad.write_bytes(_sheet(checklist, {0: ["×"]}, unit="另一局", date="2025-05-21"))
    page.get_by_label("填好的自查表").set_input_files(str(bad))
    page.get_by_role("button", name="上传并计算达标率").click()
    alert = page.get_by_role("alert")
    playwright.expect(alert).to_contain_text("坏表.xlsx")
    assert "×" in alert.inner_text() and "另一局" not in page.get_by_role("region", name="评价记录").inner_text()
    context.close()
