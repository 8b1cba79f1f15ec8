"""What a drafter met in her first afternoon (issue 33), each in a real browser against a real server."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from docx import Document as DocxDocument

from evaluation.screenshots import DRAFT

from .conftest import WRITE_KEY

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow
KEY = WRITE_KEY
REGULATION = "行政法规/机关事务管理条例(2012-06-28).md"


def _log_in(page, url, then="/upload"):
    page.goto(url + "/login?next=" + quote(then))
    page.get_by_label("访问密钥").fill(KEY)
    page.get_by_role("button", name="进入").click()
    page.wait_for_url("**" + then.split("?")[0] + "*")


# ------------------------------------------------------------------------------------ versions
def test_a_version_named_in_the_query_is_shown_despite_the_default_filter(page, kb_url):
    page.goto(kb_url + "/")
    page.get_by_role("searchbox", name="检索").fill("2010年保守国家秘密法第二十条")
    page.keyboard.press("Enter")
    first = page.locator("article.hit").first
    assert first.locator(".date").inner_text() == "2010-04-29" and "第二十条" in first.locator(".article").inner_text()
    assert "查询指明了版本" in page.locator("p.notice").first.inner_text()


def test_a_chosen_status_shows_which_version_stands_in_for_the_one_asked(page, kb_url):
    page.goto(kb_url + "/?q=" + quote("2010年保守国家秘密法第二十条") + "&status=" + quote("现行有效"))
    assert page.locator("article.hit .date").first.inner_text() == "2024-02-27"
    assert "2010-04-29的版本不符合筛选条件" in page.locator("p.notice").first.inner_text()


# ------------------------------------------------------------------------------------ /ask
def test_the_empty_ask_page_says_what_to_ask_and_its_examples_are_answered(page, kb_url):
    page.goto(kb_url + "/ask")
    guide = page.get_by_role("region", name="怎样提问")
    assert "回答从哪里来" in guide.inner_text()
    examples = guide.locator("ul.examples a")
    assert examples.count() >= 3
    examples.first.click()
    page.wait_for_url("**/ask?q=*")
    assert page.get_by_role("region", name="回答").locator("h2").inner_text() == "回答"


# ------------------------------------------------------------------------------------ copying
def test_copying_without_the_clipboard_api_falls_back_to_a_selection(browser, kb_url):
    context = browser.new_context()
    # A plain-http intranet host: the browser gives the page no navigator.clipboard.
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});"
                            "document.addEventListener('copy', () => { window.copied = String(document.getSelection()); });")
    page = context.new_page()
    page.goto(kb_url + "/?q=" + quote("机关事务管理条例第十条"))
    button = page.locator("article.hit button.copy").first
    button.click()
    playwright.expect(button).to_have_text("已复制")
    assert page.evaluate("window.copied") == "《机关事务管理条例》第十条"
    context.close()


def test_when_copying_fails_the_citation_is_left_selected_and_the_button_says_so(browser, kb_url):
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});"
                            "document.execCommand = () => false;")
    page = context.new_page()
    page.goto(kb_url + "/?q=" + quote("机关事务管理条例第十条"))
    button = page.locator("article.hit button.copy").first
    button.click()
    playwright.expect(button).to_contain_text("复制失败")
    assert page.evaluate("String(document.getSelection())") == "《机关事务管理条例》第十条"
    context.close()


# ------------------------------------------------------------------------------------ the document page
def test_a_clause_of_the_document_page_has_its_link_neighbours_and_copy_buttons(browser, kb_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(kb_url + "/doc/" + quote(REGULATION) + "#" + quote("第十条"))
    block = page.locator("div.clause-block[id='第十条']")
    tools = block.locator(".clause-tools")
    assert tools.locator("a.prev").inner_text() == "← 第九条" and tools.locator("a.next").inner_text() == "第十一条 →"
    assert tools.locator("a.permalink").get_attribute("href").endswith("#" + quote("第十条"))
    tools.locator("button.copy").first.click()
    playwright.expect(tools.locator("button.copy").first).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == "《机关事务管理条例》第十条"
    tools.locator("a.next").click()
    page.wait_for_url("**#" + quote("第十一条"))
    context.close()


def test_on_a_phone_the_title_stays_in_sight_after_a_jump_to_a_clause(phone, kb_url):
    phone.goto(kb_url + "/doc/" + quote(REGULATION) + "#" + quote("第三十条"))
    title = phone.locator(".doc-head h1")
    box = title.bounding_box()
    assert title.inner_text() == "机关事务管理条例"
    assert box is not None and 0 <= box["y"] < 100, box
    clause = phone.locator("div.clause-block[id='第三十条']").bounding_box()
    assert clause["y"] >= box["y"] + box["height"], "the clause jumped to is hidden under the title"


# ------------------------------------------------------------------------------------ keys, uploads, removal
def test_the_login_page_says_only_uploads_and_deletes_need_the_key(page, writable_url):
    page.goto(writable_url + "/login?next=/upload")
    assert page.locator("h1").inner_text() == "添加或删除文件需要访问密钥"
    assert "检索、问答" in page.locator("main").inner_text()


def test_the_upload_page_shows_no_browser_english_for_its_file_controls(page, writable_url):
    _log_in(page, writable_url)
    for control in page.locator("input[type=file]").all():
        box = control.bounding_box()
        assert box is None or (box["width"] <= 1 and box["height"] <= 1)
    assert page.locator("#chosen").inner_text() == "未选择文件"
    page.get_by_label("选择文件", exact=True).set_input_files(
        [{"name": "会议室.md", "mimeType": "text/markdown", "buffer": "第一条 会议室应当按预约顺序使用。".encode()}])
    playwright.expect(page.locator("#chosen")).to_contain_text("已选 1 个文件：会议室.md")


def test_a_document_is_removed_from_its_page_after_a_confirmation(page, writable_url):
    _log_in(page, writable_url, then="/doc/" + quote(REGULATION))
    page.get_by_role("link", name="删除此文件").click()
    page.wait_for_load_state()
    assert "/remove?source=" in page.url, page.url
    assert "确定要把《机关事务管理条例》从知识库中删除吗" in page.locator("main").inner_text()
    page.get_by_role("button", name="确认删除").click()
    assert page.locator("h1").inner_text() == "已删除"
    page.goto(writable_url + "/doc/" + quote(REGULATION))
    assert "知识库中没有文件" in page.locator("main").inner_text()


def test_the_remove_page_sends_a_browser_without_the_key_to_log_in(page, writable_url):
    page.goto(writable_url + "/remove?source=" + quote(REGULATION))
    assert "/login?next=" in page.url and page.locator("h1").inner_text() == "添加或删除文件需要访问密钥"


def test_an_uploaded_notice_keeps_its_issuing_line_as_metadata_not_as_a_clause(page, writable_url):
    notice = ("会议室使用管理办法\n（2023年5月8日国管局印发　国管办发〔2023〕12号）\n"
              "第一条 会议室应当按预约顺序使用。\n第二条 会议结束后应当关闭空调和照明。\n")
    _log_in(page, writable_url)
    page.get_by_label("选择文件", exact=True).set_input_files(
        [{"name": "会议室使用管理办法.txt", "mimeType": "text/plain", "buffer": notice.encode()}])
    page.get_by_role("button", name="上传并入库").click()
    playwright.expect(page.locator("#results tbody tr .tag")).to_have_text("已新增")
    page.locator("#results tbody tr a").click()
    labels = page.locator(".fulltext .clause-block .label").all_inner_texts()
    assert labels == ["第一条", "第二条"]
    assert "国管办发〔2023〕12号" in page.locator("p.meta").first.inner_text()


# ------------------------------------------------------------------------------------ reports and the system page
def test_the_gap_page_and_its_docx_give_the_same_counts(page, kb_url, tmp_path):
    draft = tmp_path / "能源管理规范（草案）.md"
    draft.write_text(DRAFT, encoding="utf-8")
    page.goto(kb_url + "/gap")
    page.set_input_files("input[name=file]", str(draft))
    page.get_by_role("button", name="分析").click()
    page.wait_for_selector("section.gap")
    shown = page.locator("p.meta").first.inner_text()
    counts = shown[shown.index("草案 "):]
    page.go_back()
    page.set_input_files("input[name=file]", str(draft))
    page.locator("select[name=format]").select_option("docx")
    with page.expect_download() as info:
        page.get_by_role("button", name="分析").click()
    docx = DocxDocument(io.BytesIO(open(info.value.path(), "rb").read()))
    assert counts in [p.text for p in docx.paragraphs]


def test_the_system_page_explains_each_badge(page, kb_url):
    page.goto(kb_url + "/system")
    legend = page.get_by_label("标记说明")
    for badge in ("有标准", "已知未入库", "待修订", "待制定"):
        assert badge in legend.inner_text()


def test_the_heat_map_fits_a_phone_whole(phone, kb_url):
    phone.goto(kb_url + "/system")
    heat = phone.get_by_role("img", name="领域与层级的覆盖热力图").bounding_box()
    assert heat["x"] + heat["width"] <= 390


def test_status_badges_never_break_mid_word_on_a_phone(phone, kb_url):
    phone.goto(kb_url + "/?q=" + quote("公共机构节能") + "&status=all")
    heights = phone.eval_on_selector_all(".badge", "els => els.map(e => e.getClientRects().length)")
    assert heights and set(heights) == {1}
