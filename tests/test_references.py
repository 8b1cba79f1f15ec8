"""Reference lists for reference managers (issue 32): search results, the 文献综述 and the 编制说明's
参考文献 as RIS and CSL-JSON, through the real app and the real command line."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
import rispy
from fastapi.testclient import TestClient

from analysis.bibliography import GBT7714_STYLE
from analysis.cite import gbt7714
from api.cli.main import main
from api.http.app import create_app
from api.settings import Settings
from index.index import Index
from index.results import DocumentInfo
from ingest.uploads import received_upload
from web.pages import anchor, doc_url

from .conftest import SHARED

REGULATION = "行政法规/机关事务管理条例(2012-06-28).md"
STANDARD_TEXT = """# 机关事务管理 会议服务规范

1 范围

本文件规定了机关会议服务的基本要求、会前准备、会中服务和会后工作。

2 规范性引用文件

本文件没有规范性引用文件。

3 基本要求

3.1 会议服务应遵循节俭、安全、保密的原则。

3.2 会议室应保持整洁，会议服务人员应经过培训。
"""
STANDARD = {"level": "地方标准", "issuer": "杭州市市场监督管理局", "doc_number": "DB3301/T 0298—2019",
            "publish_date": "2019-12-30", "effective_date": "2020-01-30"}


@pytest.fixture(scope="module")
def client(kb_dir):
    with TestClient(create_app(Settings(data_dir=kb_dir))) as c:
        yield c


@pytest.fixture(scope="module")
def standard_kb(kb_dir, tmp_path_factory):
    """The subset with a 地方标准 added (the subset has laws and regulations but no standard)."""
    data = tmp_path_factory.mktemp("refs") / "kb"
    shutil.copytree(kb_dir, data, symlinks=True)
    index = Index(data)
    with received_upload("会议服务规范.md", io.BytesIO(STANDARD_TEXT.encode()), STANDARD) as (doc, path):
        index.upsert([doc], originals={doc.source: path})
    index.close()
    return data


def _cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _ris(client, path, **params) -> list[dict]:
    r = client.get(path, params={**params, "format": "ris"})
    assert r.status_code == 200, r.text
    return rispy.loads(r.text)


# ------------------------------------------------------------------------------------------ RIS
def test_a_search_exported_as_ris_parses_back_with_every_title_and_date(client):
    result = client.get("/api/v1/search", params={"q": "公共机构节能", "k": 10}).json()
    entries = _ris(client, "/api/v1/search", q="公共机构节能", k=10)
    firsts = list(dict.fromkeys(h["source"] for h in result["hits"]))
    by_source = {h["source"]: h for h in reversed(result["hits"])}
    assert [e["title"] for e in entries] == [by_source[s]["title"] for s in firsts]
    assert [e["date"] for e in entries] == [by_source[s]["publish_date"].replace("-", "/") + "/" for s in firsts]


def test_a_regulation_is_a_legal_rule_and_a_law_a_statute_in_ris(client):
    entries = [*_ris(client, "/api/v1/search", q="机关事务管理条例第十条", k=1),
               *_ris(client, "/api/v1/search", q="节约能源法第一条", k=1)]
    kinds = {e["title"]: e["type_of_reference"] for e in entries}
    assert kinds["机关事务管理条例"] == "LEGAL" and kinds["中华人民共和国节约能源法"] == "STAT"


def test_a_standard_is_a_standard_in_ris(standard_kb, capsys):
    code, out, _ = _cli(capsys, "search", "会议服务规范 会议室", "--format", "ris", "--data-dir", str(standard_kb))
    standard = next(e for e in rispy.loads(out) if e["title"] == "机关事务管理 会议服务规范")
    assert code == 0 and standard["type_of_reference"] == "STAND"
    assert standard["number"] == "DB3301/T 0298—2019" and standard["authors"] == ["杭州市市场监督管理局"]


def test_several_hits_of_one_document_make_one_reference_with_their_articles_in_the_note(client):
    result = client.get("/api/v1/search", params={"q": "机关事务管理条例 经费", "k": 10}).json()
    articles = [h["article"] for h in result["hits"] if h["source"] == REGULATION]
    entries = [e for e in _ris(client, "/api/v1/search", q="机关事务管理条例 经费", k=10) if e["title"] == "机关事务管理条例"]
    assert len(articles) > 1 and len(entries) == 1
    assert f"条款：{'、'.join(dict.fromkeys(articles))}" in entries[0]["notes"]


def test_a_reference_carries_the_effective_date_the_catalogue_has(client):
    entry = next(e for e in _ris(client, "/api/v1/search", q="机关事务管理条例第十条", k=1))
    assert "施行日期：2012-10-01" in entry["notes"] and entry["number"] == "中华人民共和国国务院令第621号"


def test_over_http_a_reference_links_to_its_clause_page_on_the_server(client):
    hit = client.get("/api/v1/search", params={"q": "机关事务管理条例第十条", "k": 1}).json()["hits"][0]
    entry = _ris(client, "/api/v1/search", q="机关事务管理条例第十条", k=1)[0]
    assert entry["urls"] == ["http://testserver" + doc_url(hit["source"], anchor(hit["id"]))]
    assert client.get(entry["urls"][0].removeprefix("http://testserver").split("#")[0]).status_code == 200


def test_on_the_cli_a_reference_links_to_stdkb_url_or_else_to_a_relative_path(kb_dir, capsys, monkeypatch):
    monkeypatch.delenv("STDKB_URL", raising=False)
    _, out, _ = _cli(capsys, "search", "机关事务管理条例第十条", "-k", "1", "--format", "csl", "--data-dir", str(kb_dir))
    item = json.loads(out)[0]
    assert item["URL"] == doc_url(REGULATION, anchor(f"{REGULATION}#第十条"))


def test_asking_a_server_the_cli_links_the_references_to_its_clause_pages(kb_url, capsys, monkeypatch):
    monkeypatch.setenv("STDKB_URL", kb_url)
    code, out, _ = _cli(capsys, "search", "机关事务管理条例第十条", "-k", "1", "--format", "ris")
    assert code == 0 and rispy.loads(out)[0]["urls"] == [kb_url.rstrip("/") + doc_url(REGULATION, anchor(f"{REGULATION}#第十条"))]


def test_a_review_exported_as_ris_imports_with_every_title_and_date(client):
    review = client.get("/api/v1/review", params={"topic": "公共机构节能"}).json()
    docs = sorted((d for g in review["groups"] for d in g["documents"]), key=lambda d: d["number"])
    entries = _ris(client, "/api/v1/review", topic="公共机构节能")
    assert docs and [e["title"] for e in entries] == [d["title"] for d in docs]
    assert [e["year"] for e in entries] == [d["publish_date"][:4] for d in docs]
    assert all(e["date"] == d["publish_date"].replace("-", "/") + "/" for e, d in zip(entries, docs))


# ------------------------------------------------------------------------------------- CSL-JSON
def _rendered(items: list[dict]) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    bibliography = CitationStylesBibliography(CitationStylesStyle(str(GBT7714_STYLE), validate=True),
                                              CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def _fields(entry: str) -> tuple[str, ...]:
    """责任者, 题名, 其他题名信息, 类型标识, 出版年 of a GB/T 7714 entry, whatever the spacing and stops."""
    found = re.fullmatch(r"(?:\[\d+\]\s*)?(?:(.+?)\.\s*)?(.+?)(?::\s*(.+?))?\[([A-Z])\]\.\s*(.+?)\.", entry.strip())
    assert found, entry
    return tuple((x or "").strip() for x in found.groups())


def test_csl_json_renders_in_a_gbt7714_style_as_stdkb_cites_a_law_and_a_standard(standard_kb, capsys,
                                                                                    monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("机关事务管理条例第十条\n会议服务规范 会议室\n"))
    code, out, _ = _cli(capsys, "search", "-", "-k", "3", "--format", "csl", "--data-dir", str(standard_kb))
    items = [i for i in json.loads(out) if i["type"] in ("regulation", "standard")]
    assert code == 0 and {i["type"] for i in items} == {"regulation", "standard"}
    index = Index(standard_kb)
    own = [gbt7714(index.document_info(i["id"])) for i in items]
    index.close()
    for rendered, entry in zip(_rendered(items), own):
        assert _fields(rendered) == _fields(entry)


def test_csl_json_gives_the_issuer_as_an_institution_and_the_date_as_date_parts(client):
    r = client.get("/api/v1/search", params={"q": "机关事务管理条例第十条", "k": 1, "format": "csl"})
    item = r.json()[0]
    assert (item["type"], item["title"], item["author"], item["number"], item["issued"]) == \
        ("regulation", "机关事务管理条例", [{"literal": "国务院"}], "中华人民共和国国务院令第621号",
         {"date-parts": [[2012, 6, 28]]})
    assert "第十条" in item["note"] and item["URL"].startswith("http://testserver/doc/")


def test_the_exports_download_with_the_reference_managers_media_types(client):
    ris = client.get("/api/v1/search", params={"q": "节约能源", "format": "ris"})
    csl = client.get("/api/v1/review", params={"topic": "公共机构节能", "format": "csl"})
    assert ris.headers["content-type"].startswith("application/x-research-info-systems")
    assert csl.headers["content-type"].startswith("application/vnd.citationstyles.csl+json")
    assert 'filename="search-results.ris"' in ris.headers["content-disposition"]
    assert 'filename="review-references.json"' in csl.headers["content-disposition"]


def test_the_explanation_references_export_as_csl_in_the_order_of_its_reference_list(kb_dir, tmp_path, capsys):
    draft = str(SHARED / "drafts" / "dev_draft.md")
    assert main(["explain", draft, "--out", str(tmp_path / "编制说明.md"), "--data-dir", str(kb_dir)]) == 0
    assert main(["explain", draft, "--references", "csl", "--out", str(tmp_path / "参考文献.json"),
                 "--data-dir", str(kb_dir)]) == 0
    listed = re.findall(r"^\[\d+\] (.+)$", (tmp_path / "编制说明.md").read_text(encoding="utf-8"), re.M)
    items = json.loads((tmp_path / "参考文献.json").read_text(encoding="utf-8"))
    assert listed and len(items) == len(listed)
    assert all(_fields(entry)[1] == item["title"] for entry, item in zip(listed, items))


# ------------------------------------------------------------------------------- unknown formats
def test_an_unknown_format_is_refused_over_http_naming_the_formats(client):
    r = client.get("/api/v1/search", params={"q": "节约能源", "format": "bib"})
    assert r.status_code == 422 and "ris" in r.json()["error"] and "csl" in r.json()["error"]
    r = client.get("/api/v1/review", params={"topic": "节约能源", "format": "bib"})
    assert r.status_code == 422 and "ris, csl" in r.json()["error"]


def test_an_unknown_format_is_refused_on_the_cli_naming_the_formats(kb_dir, capsys):
    code, _, err = _cli(capsys, "search", "节约能源", "--format", "bib", "--data-dir", str(kb_dir))
    assert code == 2 and "ris, csl" in err
    code, _, err = _cli(capsys, "explain", str(SHARED / "drafts" / "dev_draft.md"), "--references", "bib",
                        "--out", "参考文献.bib", "--data-dir", str(kb_dir))
    assert code == 2 and "ris, csl" in err


def test_gbt7714_of_a_document_is_what_the_style_renders_for_its_fields():
    doc = DocumentInfo(source="x.md", title="中华人民共和国节约能源法", level="法律", status="现行有效",
                       issuer="全国人民代表大会常务委员会", publish_date="2018-10-26")
    item = {"id": "x.md", "type": "legislation", "title": doc.title, "author": [{"literal": doc.issuer}],
            "issued": {"date-parts": [[2018, 10, 26]]}}
    assert _fields(_rendered([item])[0]) == _fields(gbt7714(doc))


# ---------------------------------------------------------------------------------------- pages
def test_the_review_page_links_its_references_as_ris_and_csl(client):
    page = client.get("/review", params={"topic": "公共机构节能"}).text
    links = dict(re.findall(r'href="(/api/v1/review\?[^"]*format=(ris|csl))"', page.replace("&amp;", "&")))
    assert set(links.values()) == {"ris", "csl"}
    ris_link = next(link for link, fmt in links.items() if fmt == "ris")
    assert rispy.loads(client.get(ris_link).text)


def test_the_search_page_exports_its_results_as_ris(client):
    r = client.get("/export", params={"q": "公共机构节能", "k": 5, "format": "ris"})
    assert r.status_code == 200 and all(e["urls"][0].startswith("http://testserver/doc/") for e in rispy.loads(r.text))


def test_the_gap_page_gives_the_explanations_references_as_ris(client):
    draft = (SHARED / "drafts" / "dev_draft.md").read_bytes()
    r = client.post("/gap", files={"file": ("dev_draft.md", draft)}, data={"format": "explain-ris"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-research-info-systems")
    assert all(e["title"] and e["year"] for e in rispy.loads(r.text))


def test_the_explain_endpoint_gives_its_references_as_csl_json(client):
    draft = (SHARED / "drafts" / "dev_draft.md").read_bytes()
    r = client.post("/api/v1/explain", files={"file": ("dev_draft.md", draft)}, data={"format": "csl"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.citationstyles.csl+json")
    items = r.json()
    assert items and len({i["id"] for i in items}) == len(items) and all(i["URL"].startswith("http://testserver/")
                                                                         for i in items)
