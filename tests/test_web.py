"""The pages in a real browser: Playwright driving Debian's chromium against a real server on loopback."""

from __future__ import annotations

import io

import pytest
from docx import Document as DocxDocument

from api.settings import Settings
from ingest.collect import collect

from .conftest import WRITE_KEY
from .servers import serve_in_thread

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(kb_url):
    return kb_url


def test_typing_a_question_shows_the_right_clause_highlighted(page, base_url):
    page.goto(base_url + "/")
    page.get_by_role("searchbox", name="检索").fill("公共机构夏季室内空调温度设置")
    page.get_by_role("button", name="检索").click()
    first = page.locator("article.hit").first
    assert first.locator(".title").inner_text() == "公共机构节能条例"
    assert "空调" in first.locator("mark").all_inner_texts()
    assert "现行有效" in first.locator(".badge").inner_text()


def test_a_citation_opens_its_clause_in_the_document(page, base_url):
    page.goto(base_url + "/")
    page.get_by_role("searchbox", name="检索").fill("保密法第二十条")
    page.keyboard.press("Enter")
    first = page.locator("article.hit").first
    assert first.locator(".article").inner_text().startswith("第二十条")
    first.locator(".article").click()
    page.wait_for_url("**/doc/**#*")
    target = page.locator(".clause-block:target")
    assert target.get_attribute("id") == "第二十条"
    assert page.locator("h1").inner_text() == "中华人民共和国保守国家秘密法"


def test_switching_version_and_seeing_what_changed(page, base_url):
    page.goto(base_url + "/doc/法律/保守国家秘密法(2024-02-27).md")
    page.get_by_role("link", name="2010-04-29 版").click()
    assert "已被修订" in page.locator(".meta .badge").inner_text()
    page.get_by_role("link", name="与本版比较").click()
    diff = page.locator("section.diff")
    assert "2010-04-29 版 → 2024-02-27 版" in diff.locator("h2").inner_text()
    assert diff.locator(".change.added").count() > 0 and diff.locator(".change.modified ins").count() > 0


def test_downloading_a_literature_review(page, base_url, tmp_path):
    page.goto(base_url + "/review")
    page.get_by_role("searchbox", name="主题").fill("公共机构节能")
    page.get_by_role("button", name="生成综述").click()
    assert page.locator(".level-group h2").first.inner_text() == "法律"
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Word（DOCX）").click()
    path = tmp_path / "review.docx"
    info.value.save_as(path)
    doc = DocxDocument(io.BytesIO(path.read_bytes()))
    assert doc.paragraphs[0].text == "文献综述：公共机构节能"


def test_ask_page_answers_and_admits_ignorance(page, base_url):
    page.goto(base_url + "/ask?q=" + "单位食堂应当怎样引导用餐人员适量点餐？")
    assert "适量点餐" in page.locator("blockquote.quote").inner_text()
    assert "反食品浪费法》第八条" in page.locator(".cite").inner_text()
    page.goto(base_url + "/ask?q=" + "火星探测器的发射窗口怎么计算？")
    assert page.locator(".no-answer").inner_text() == "知识库中没有关于这个问题的规定。"


def test_the_whole_article_behind_an_answer_opens_on_demand(page, base_url):
    page.goto(base_url + "/ask?q=" + "单位食堂应当怎样引导用餐人员适量点餐？")
    whole = page.locator("details.whole")
    assert not whole.locator(".clause").is_visible()
    whole.locator("summary").click()
    assert len(whole.locator(".clause").inner_text()) > len(page.locator("blockquote.quote").inner_text())
    whole.locator("a").click()
    assert "/doc/" in page.url and "#" in page.url


def test_document_text_is_shown_as_text_never_run(browser, tmp_path):
    from index.index import Index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "恶意.md").write_text(
        "# 某某管理办法<script>alert('title')</script>\n\n"
        "第一条 <img src=x onerror=\"alert('img')\"> 本办法适用于会议室。\n"
        "第二条 <script>alert('body')</script> 会议室应当保持整洁。\n", encoding="utf-8")
    data = tmp_path / "kb"
    Index(data).upsert(*collect([corpus]))
    server, thread, url = serve_in_thread(Settings(data_dir=data, corpus=corpus))
    try:
        context = browser.new_context()
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + "/?q=会议室应当保持整洁&status=all")
        assert "<script>alert('body')</script>" in page.locator("article.hit").first.inner_text()
        page.locator("article.hit .title").first.click()
        page.wait_for_load_state()
        assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
        assert dialogs == []
        context.close()
    finally:
        server.should_exit = True
        thread.join(10)


def test_gap_page_uploads_a_draft_and_shows_the_findings(page, base_url, tmp_path):
    from .test_gap import SMALL_DRAFT

    draft = tmp_path / "能源管理规范.md"
    draft.write_text(SMALL_DRAFT, encoding="utf-8")
    page.goto(base_url + "/gap")
    page.set_input_files("input[name=file]", str(draft))
    page.get_by_role("button", name="分析").click()
    conflict = page.locator("tr.label-conflict").first
    assert conflict.locator("td").first.inner_text().startswith("4.1")
    assert "公共机构节能条例" in conflict.inner_text()
    assert page.locator("tr.ref-superseded").count() == 1
    page.select_option("select[name=format]", "docx")
    page.set_input_files("input[name=file]", str(draft))
    with page.expect_download() as info:
        page.get_by_role("button", name="分析").click()
    path = tmp_path / "gap.docx"
    info.value.save_as(path)
    assert DocxDocument(str(path)).tables


def test_swagger_ui_reads_the_openapi_31_schema_offline(page, base_url):
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(base_url + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/search" in p for p in paths)
    assert "does not specify a valid version field" not in page.content()
    assert not [u for u in failed if not u.startswith(base_url)], "the docs page reached outside the server"


def test_redoc_renders_the_api_reference(page, base_url):
    page.goto(base_url + "/redoc")
    page.wait_for_selector("h2:has-text('Search clauses by question or citation')", timeout=30_000)
    assert "stdkb API" in page.title() and "Download OpenAPI specification" in page.inner_text("body")


def test_a_hit_copies_its_citation_in_both_forms(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url + "/?q=" + "机关事务管理条例第十条")
    hit = page.locator("article.hit").first
    forms = hit.locator(".cite-form").all_inner_texts()
    assert forms[0] == "《机关事务管理条例》第十条"
    assert forms[1].startswith("国务院. 机关事务管理条例") and "[Z]. 2012-06-28." in forms[1]
    hit.locator("button.copy").first.click()
    # A locator assertion, not wait_for_function: the page's CSP forbids the eval that one polls with.
    playwright.expect(hit.locator("button.copy").first).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == "《机关事务管理条例》第十条"
    context.close()


UPLOAD_KEY = WRITE_KEY
RULE = "# 会议室使用管理办法\n\n第一条 会议室应当按预约顺序使用。\n第二条 会议结束后应当关闭空调和照明。\n"


def _log_in(page, url):
    page.goto(url + "/upload")
    page.wait_for_url("**/login?next=/upload")
    page.get_by_label("访问密钥").fill(UPLOAD_KEY)
    page.get_by_role("button", name="进入").click()
    page.wait_for_url("**/upload")


def test_upload_page_stores_chosen_files_and_refuses_a_bad_one_with_its_reason(page, writable_url, tmp_path):
    good, bad = tmp_path / "会议室使用管理办法.md", tmp_path / "照片.exe"
    good.write_text(RULE, encoding="utf-8")
    bad.write_bytes(b"MZ\x90\x00")
    _log_in(page, writable_url)
    page.get_by_label("选择文件", exact=True).set_input_files([str(good), str(bad)])
    page.get_by_role("button", name="上传并入库").click()
    rows = page.locator("#results tbody tr")
    playwright.expect(rows).to_have_count(2)
    assert rows.nth(0).locator(".tag").inner_text() == "已新增"
    assert "会议室使用管理办法" in rows.nth(0).locator("a").inner_text()
    assert rows.nth(1).locator(".tag").inner_text() == "未接收" and "unsupported file type" in rows.nth(1).inner_text()
    # the stored document is searchable at once
    page.goto(writable_url + "/?q=会议结束后关闭空调和照明&status=all")
    assert page.locator("article.hit .title").first.inner_text() == "会议室使用管理办法"


def test_upload_page_takes_dropped_files_and_says_when_one_replaces_an_earlier_upload(page, writable_url):
    _log_in(page, writable_url)
    for text, outcome in ((RULE, "已新增"), (RULE.replace("预约顺序", "登记顺序"), "已替换旧版")):
        dropped = page.evaluate_handle(
            "(text) => { const dt = new DataTransfer(); "
            "dt.items.add(new File([text], '会议室.md', {type: 'text/markdown'})); return dt; }", text)
        page.dispatch_event("#drop", "drop", {"dataTransfer": dropped})
        playwright.expect(page.locator("#chosen")).to_contain_text("会议室.md")
        page.get_by_role("button", name="上传并入库").click()
        playwright.expect(page.locator("#results tbody tr .tag").last).to_have_text(outcome)


def test_no_page_scrolls_sideways_on_a_phone(browser, base_url):
    from evaluation.screenshots import TOUR, overflow

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    too_wide = []
    for name, visit in TOUR.items():
        visit(page, base_url)
        page.wait_for_load_state("networkidle")
        if extra := overflow(page):
            too_wide.append(f"{name}: {extra} px")
    context.close()
    assert too_wide == []


def test_the_system_page_shows_the_tree_the_heat_map_and_filters_the_table(page, base_url):
    page.goto(base_url + "/system")
    tree = page.get_by_role("navigation", name="体系结构")
    assert "公共机构节能降碳" in tree.inner_text() and "302 节能管理" in tree.inner_text()
    heat = page.get_by_role("img", name="领域与层级的覆盖热力图")
    cells = heat.locator("rect.cell")
    assert cells.count() >= 27 and "公共机构节能降碳 / 节能管理" in heat.inner_html()
    # an area's row label is a link to the 明细表 filtered to it
    heat.locator("a", has_text="后勤服务 / 会议服务").click()
    page.wait_for_url("**/system?area=401*")
    assert page.get_by_label("领域", exact=True).input_value() == "401"
    with page.expect_download() as info:
        page.get_by_role("link", name="标准明细表（Excel）").click()
    assert info.value.suggested_filename == "标准明细表.xlsx"
