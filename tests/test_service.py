"""The service beyond search: versions, literature review, ask, terms, uploads, metrics — through HTTP."""

from __future__ import annotations

import io

import pytest
from docx import Document as DocxDocument
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings

from .fake_llm import FakeLLM

SECRETS_2010 = "法律/保守国家秘密法(2010-04-29).md"
SECRETS_2024 = "法律/保守国家秘密法(2024-02-27).md"
KEY = "correct horse battery staple"
SMALL_RULE = "某市机关会议室管理办法\n\n第一条 为了规范机关会议室的使用，制定本办法。\n第二条 会议室预约应当提前一个工作日提出。\n"


@pytest.fixture(scope="module")
def client(kb_dir):
    with TestClient(create_app(Settings(data_dir=kb_dir))) as c:
        yield c


@pytest.fixture
def writer(kb_copy):
    """A client on a private copy of the knowledge base, with an API key configured."""
    with TestClient(create_app(Settings(data_dir=kb_copy, api_key=KEY, max_upload_mb=1))) as c:
        yield c


# -------------------------------------------------------------------------------------- versions
def test_document_lists_its_versions_oldest_first(client):
    versions = client.get(f"/api/v1/documents/{SECRETS_2024}").json()["versions"]
    assert [v["source"] for v in versions] == [SECRETS_2010, SECRETS_2024]
    assert [v["status"] for v in versions] == ["已被修订", "现行有效"]


def test_version_diff_pairs_renumbered_articles_by_text(client):
    diff = client.get("/api/v1/diff", params={"old": SECRETS_2010, "new": SECRETS_2024}).json()
    assert diff["added"] > 0 and diff["removed"] > 0 and diff["modified"] > 0
    # 2024 inserted new articles near the start, so old 第三条 (国家秘密受法律保护) became 第五条.
    moved = [c for c in diff["changes"] if c["change"] == "modified" and c["old"]["label"] == "第三条"]
    assert moved and moved[0]["new"]["label"] == "第五条"
    added = [c["new"]["text"] for c in diff["changes"] if c["change"] == "added"]
    assert any("中国共产党" in text for text in added)


def test_version_diff_of_an_unknown_document_is_404(client):
    r = client.get("/api/v1/diff", params={"old": "nope.md", "new": SECRETS_2024})
    assert r.status_code == 404 and "nope.md" in r.json()["error"]


# ---------------------------------------------------------------------------------------- review
def test_review_groups_documents_by_level_in_drafting_order(client):
    body = client.get("/api/v1/review", params={"topic": "公共机构节能"}).json()
    levels = [g["level"] for g in body["groups"]]
    assert levels[:2] == ["法律", "行政法规"]
    titles = [d["title"] for g in body["groups"] for d in g["documents"]]
    assert "公共机构节能条例" in titles and "中华人民共和国节约能源法" in titles
    assert [d["number"] for g in body["groups"] for d in g["documents"]] == list(range(1, len(titles) + 1))


def test_review_cites_in_gbt7714_style(client):
    body = client.get("/api/v1/review", params={"topic": "公共机构节能"}).json()
    doc = next(d for g in body["groups"] for d in g["documents"] if d["title"] == "公共机构节能条例")
    assert doc["reference"].startswith("国务院. 公共机构节能条例") and "[Z]." in doc["reference"]
    assert doc["clauses"] and doc["clauses"][0]["citation"].startswith("《公共机构节能条例》第")


def test_review_downloads_as_markdown(client):
    r = client.get("/api/v1/review", params={"topic": "公共机构节能", "format": "md"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert "attachment" in r.headers["content-disposition"]
    assert r.text.startswith("# 文献综述：公共机构节能") and "## 参考文献" in r.text


def test_review_downloads_as_docx_with_clause_tables(client):
    r = client.get("/api/v1/review", params={"topic": "公共机构节能", "format": "docx"})
    assert r.status_code == 200
    doc = DocxDocument(io.BytesIO(r.content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "参考文献" in headings and any("公共机构节能条例" in h for h in headings)
    assert doc.tables and doc.tables[0].rows[0].cells[0].text == "条款"


# ------------------------------------------------------------------------------------------- ask
def test_ask_quotes_the_answering_sentence_with_its_citation(client):
    body = client.get("/api/v1/ask", params={"q": "单位食堂应当怎样引导用餐人员适量点餐？"}).json()
    assert body["answered"] and "适量点餐" in body["answer"]
    assert body["citation"] == "《中华人民共和国反食品浪费法》第八条"
    start, end = body["highlights"][0]
    assert body["answer"][start:end] in "单位食堂应当怎样引导用餐人员适量点餐"


def test_ask_says_when_the_knowledge_base_has_no_provision(client):
    body = client.get("/api/v1/ask", params={"q": "火星探测器的发射窗口怎么计算？"}).json()
    assert body["answered"] is False and body["answer"] == ""
    assert "知识库中没有关于这个问题的规定" in body["notice"]


def test_llm_answer_keeps_only_citations_that_resolve(kb_dir):
    reply = ("单位食堂应当提示适量点餐（《中华人民共和国反食品浪费法》第八条）。"
             "机关食堂每年必须评比一次（《机关食堂管理法》第三条）。")
    with FakeLLM(reply) as llm, TestClient(create_app(Settings(data_dir=kb_dir, llm_url=llm.url,
                                                                 llm_model="local-test"))) as c:
        body = c.get("/api/v1/ask", params={"q": "单位食堂应当怎样引导用餐人员适量点餐？"}).json()
    assert body["answer"]  # the extractive answer is always there
    assert body["llm"]["citations"] == ["《中华人民共和国反食品浪费法》第八条"]
    assert "机关食堂管理法" not in body["llm"]["text"] and body["llm"]["dropped"] == 1
    assert "反食品浪费法》第八条" in llm.prompts[0]  # the evidence went to the model


def test_unreachable_llm_leaves_the_extractive_answer(kb_dir):
    with TestClient(create_app(Settings(data_dir=kb_dir, llm_url="http://127.0.0.1:9/v1", llm_model="x"))) as c:
        body = c.get("/api/v1/ask", params={"q": "单位食堂应当怎样引导用餐人员适量点餐？"}).json()
    assert body["answered"] and body["llm"] is None and "大模型接口不可用" in body["notice"]


# ----------------------------------------------------------------------------------------- terms
def test_terms_show_each_wording_with_the_documents_using_it(client):
    body = client.get("/api/v1/terms", params={"term": "公共机构"}).json()
    assert body["documents"] >= 2
    sources = {u["source"] for v in body["variants"] for u in v["used_by"]}
    assert {"行政法规/公共机构节能条例(2017-03-01).md", "法律/节约能源法(2018-10-26).md"} <= sources
    assert all("公共机构" in v["text"] for v in body["variants"])


# ---------------------------------------------------------------------------------------- writes
def test_writes_need_the_api_key(writer):
    files = {"file": ("rule.md", SMALL_RULE.encode(), "text/markdown")}
    assert writer.post("/api/v1/documents", files=files).status_code == 401
    assert writer.post("/api/v1/documents", files=files, headers={"X-API-Key": "wrong"}).status_code == 401
    assert writer.delete(f"/api/v1/documents/{SECRETS_2010}").status_code == 401


def test_writes_are_disabled_without_a_configured_key(client):
    r = client.post("/api/v1/documents", files={"file": ("rule.md", SMALL_RULE.encode())})
    assert r.status_code == 403 and "STDKB_API_KEY" in r.json()["error"]


def test_uploaded_document_is_searchable_then_deletable(writer):
    r = writer.post("/api/v1/documents", headers={"X-API-Key": KEY},
                    files={"file": ("会议室办法.md", SMALL_RULE.encode())},
                    data={"level": "部门规章", "publish_date": "2025-01-02", "status": "现行有效"})
    assert r.status_code == 201, r.text
    assert r.json()["source"] == "uploads/会议室办法.md" and r.json()["clauses"] == 2
    hits = writer.get("/api/v1/search", params={"q": "会议室预约应当提前多久", "k": 3}).json()["hits"]
    assert hits[0]["source"] == "uploads/会议室办法.md" and hits[0]["level"] == "部门规章"
    r = writer.delete("/api/v1/documents/uploads/会议室办法.md", headers={"Authorization": f"Bearer {KEY}"})
    assert r.status_code == 200
    hits = writer.get("/api/v1/search", params={"q": "会议室预约应当提前多久", "k": 3}).json()["hits"]
    assert all(h["source"] != "uploads/会议室办法.md" for h in hits)
    assert writer.delete("/api/v1/documents/uploads/会议室办法.md", headers={"X-API-Key": KEY}).status_code == 404


def test_upload_file_names_never_become_paths(writer, kb_copy):
    r = writer.post("/api/v1/documents", headers={"X-API-Key": KEY},
                    files={"file": ("../../../etc/evil.md", SMALL_RULE.encode())})
    assert r.status_code == 201 and r.json()["source"] == "uploads/evil.md"
    assert (kb_copy / "uploads" / "evil.md").is_file()
    assert not (kb_copy.parent / "etc").exists()


def test_bad_uploads_are_refused_naming_the_file(writer):
    r = writer.post("/api/v1/documents", headers={"X-API-Key": KEY}, files={"file": ("x.exe", b"MZ\x00\x00")})
    assert r.status_code == 422 and "x.exe" in r.json()["error"]
    r = writer.post("/api/v1/documents", headers={"X-API-Key": KEY}, files={"file": ("blank.txt", b"   \n")})
    assert r.status_code == 422 and "blank.txt" in r.json()["error"]
    r = writer.post("/api/v1/documents", headers={"X-API-Key": KEY}, data={"level": "神谕"},
                    files={"file": ("ok.md", SMALL_RULE.encode())})
    assert r.status_code == 422 and "神谕" in r.json()["error"]


def test_oversized_uploads_are_refused_before_parsing(writer, kb_copy):
    big = b"x" * (2 * 1024 * 1024)
    r = writer.post("/api/v1/documents", headers={"X-API-Key": KEY}, files={"file": ("big.txt", big)})
    assert r.status_code == 413 and "too large" in r.json()["error"]
    assert not list((kb_copy / "uploads").glob("*")) if (kb_copy / "uploads").exists() else True


# -------------------------------------------------------------------------------------- operations
def test_private_reads_need_the_key(kb_dir):
    with TestClient(create_app(Settings(data_dir=kb_dir, api_key=KEY, private_reads=True))) as c:
        assert c.get("/api/v1/search", params={"q": "保密"}).status_code == 401
        assert c.get("/api/v1/search", params={"q": "保密"}, headers={"X-API-Key": KEY}).status_code == 200
        page = c.get("/?q=保密", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
        c.post("/login", data={"key": KEY}, follow_redirects=False)
        assert c.get("/?q=保密").status_code == 200


def test_metrics_report_store_sizes_and_requests(client):
    client.get("/api/v1/search", params={"q": "保密"})
    body = client.get("/api/v1/metrics").json()
    assert body["documents"] == 8 and body["clauses"] == body["vectors"] > 100
    assert body["documents_by_level"]["法律"] == 4 and body["disk_bytes"]["catalog.sqlite3"] > 0
    assert body["requests"]["GET /api/v1/search"]["requests"] >= 1


def test_ready_once_search_views_are_built(client):
    import time

    deadline = time.time() + 60
    while client.get("/api/v1/ready").status_code != 200 and time.time() < deadline:
        time.sleep(0.2)
    assert client.get("/api/v1/ready").json() == {"ready": True}


def test_pages_carry_a_strict_content_security_policy(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_api_docs_are_served_without_a_cdn(client):
    html = client.get("/docs").text
    assert "/swagger-ui/swagger-ui-bundle.js" in html and "cdn" not in html
    assert client.get("/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_ask_quotes_the_sentence_the_encoder_finds_nearest_when_words_tie():
    from analysis.answer.ask import best_sentences

    text = "机关应当节约用电。会议室空调温度夏季不得低于二十六摄氏度。"
    nearest_second = lambda parts: [0.1, 0.9]  # noqa: E731
    assert best_sentences(text, ["规定"], nearest_second) == "会议室空调温度夏季不得低于二十六摄氏度。"
    assert best_sentences(text, ["规定"]) == "机关应当节约用电。"   # without an encoder: the first of equals


def test_ask_keeps_the_list_a_chosen_sentence_opens():
    from analysis.answer.ask import best_sentences

    text = "有下列情形之一的，应当报告：\n（一）发生火灾；\n（二）燃气泄漏。\n其他事项另行规定。"
    assert best_sentences(text, ["下列情形", "报告"], lambda parts: [0.9, 0.1, 0.1, 0.1]).splitlines() == \
        ["有下列情形之一的，应当报告：", "（一）发生火灾；", "（二）燃气泄漏。"]


# ------------------------------------------------------------------------------ 状态不详
PILOT = "试点文件/003_机关事务运行保障国家级综合标准化试点实施方案.txt"


def test_an_undated_document_is_called_状态不详_everywhere(client):
    info = client.get(f"/api/v1/documents/{PILOT}").json()
    assert info["status"] == "状态不详"
    page = client.get("/ask", params={"q": "试点评估验收阶段要完成哪些工作"}).text
    assert "（状态不详）" in page and ">unknown<" not in page and "（unknown）" not in page


def test_the_status_filter_reads_the_old_word_unknown_as_状态不详(client):
    old = client.get("/api/v1/search", params={"q": "试点评估验收", "status": "unknown"}).json()
    new = client.get("/api/v1/search", params={"q": "试点评估验收", "status": "状态不详"}).json()
    assert old["hits"] and [h["id"] for h in old["hits"]] == [h["id"] for h in new["hits"]]
    assert {h["status"] for h in new["hits"]} == {"状态不详"}


def test_the_search_page_by_default_shows_pilot_documents_but_not_superseded_versions(client):
    page = client.get("/", params={"q": "试点评估验收阶段要完成哪些工作"}).text
    assert "标准化试点实施方案" in page and '<option value="状态不详"' in page
    secrets = client.get("/", params={"q": "保守国家秘密法 国家秘密的密级"}).text
    assert "已被修订</span>" not in secrets
    assert "已被修订</span>" in client.get("/", params={"q": "保守国家秘密法 国家秘密的密级", "status": "all"}).text


def test_a_data_directory_written_before_状态不详_reads_and_migrates_its_unknown_rows(kb_copy):
    import sqlite3

    from index.index import Index

    with sqlite3.connect(kb_copy / "catalog.sqlite3") as conn:
        conn.execute("UPDATE documents SET status='unknown', given_status='unknown' WHERE source=?", (PILOT,))
    index = Index(kb_copy)
    assert index.document_info(PILOT).status == "状态不详"
    with sqlite3.connect(kb_copy / "catalog.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM documents WHERE status='unknown'").fetchone()[0] == 0


def test_the_home_page_says_what_the_knowledge_base_holds_and_lacks(client):
    page = client.get("/").text
    assert "知识库现有 8 件文件" in page
    assert "法律</a> 4 件" in page and "行政法规</a> 2 件" in page
    lacks = page.split("尚无：")[1].split("</p>")[0]
    assert "国家标准" in lacks and "地方标准" in lacks and "其他" not in lacks
    assert "机关事务管理条例第十条" in page and "stdkb ingest" in page


def test_the_level_filter_offers_only_levels_that_hold_documents_with_their_counts(client):
    page = client.get("/", params={"q": "节能"}).text
    assert 'value="法律"' in page and "法律 <small>(4)</small>" in page
    assert 'value="国家标准"' not in page


# ------------------------------------------------------------------------ paging and export
def test_search_pages_continue_the_ranking_without_overlap(client):
    import re

    first = client.get("/", params={"q": "节能", "status": "all"}).text
    second = client.get("/", params={"q": "节能", "status": "all", "p": 2}).text
    ids = lambda page: re.findall(r'data-id="([^"]+)"', page)  # noqa: E731
    assert len(ids(first)) == 10 and not set(ids(first)) & set(ids(second))
    assert "第 1–10 条结果" in first and "第 11–20 条结果" in second
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_the_result_list_exports_as_markdown_csv_and_docx(client):
    import csv
    import io

    from docx import Document as DocxDocument

    params = {"q": "公共机构应当如何实行能源消费计量制度？", "k": 5}
    md = client.get("/export", params={**params, "format": "md"})
    assert md.status_code == 200 and "attachment" in md.headers["content-disposition"]
    assert "《公共机构节能条例》" in md.text and "参考文献：国务院. 公共机构节能条例" in md.text
    raw = client.get("/export", params={**params, "format": "csv"}).content
    assert raw.startswith("\ufeff".encode("utf-8"))   # Excel reads UTF-8 only with a BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:2] == ["序号", "引用"] and len(rows) == 6
    docx = DocxDocument(io.BytesIO(client.get("/export", params={**params, "format": "docx"}).content))
    assert docx.paragraphs[0].text.startswith("检索结果") and len(docx.tables[0].rows) == 6
