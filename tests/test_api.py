"""The JSON API through FastAPI's TestClient, on a real index of the corpus subset."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings

SECRETS_2024 = "法律/保守国家秘密法(2024-02-27).md"


@pytest.fixture(scope="module")
def client(kb_dir):
    with TestClient(create_app(Settings(data_dir=kb_dir))) as c:
        yield c


def test_search_returns_the_cli_hit_objects(client):
    r = client.get("/api/v1/search", params={"q": "机关事务管理条例第十条", "k": 3})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"query", "low_confidence", "hits"}
    hit = body["hits"][0]
    assert (hit["title"], hit["article"], hit["heading_path"], hit["rank"]) == \
        ("机关事务管理条例", "第十条", ["第二章 经费管理"], 1)
    assert hit["source"] == "行政法规/机关事务管理条例(2012-06-28).md"


def test_search_filters_are_query_parameters(client):
    r = client.get("/api/v1/search", params={"q": "国家秘密", "status": "已被修订", "k": 5})
    assert r.status_code == 200 and {h["status"] for h in r.json()["hits"]} == {"已被修订"}


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "x" * 1001}, {"q": "保密", "k": 0}, {"q": "保密", "k": 101},
                                    {"q": "保密", "as_of": "2020-02-30"}, {"q": "保密", "status": "过期"}])
def test_input_limits_are_enforced_with_a_clear_error(client, params):
    r = client.get("/api/v1/search", params=params)
    assert r.status_code == 422 and r.json()


def test_clause_lookup_and_a_citation_that_does_not_resolve(client):
    r = client.get("/api/v1/clause", params={"citation": "保密法第二十条"})
    assert r.status_code == 200 and r.json()["hits"][0]["source"] == SECRETS_2024
    assert r.json()["hits"][0]["previous"]["article"] == "第十九条"
    r = client.get("/api/v1/clause", params={"citation": "机关事务管理条例第九十九条"})
    assert r.status_code == 404 and "第九十九条" in r.json()["notice"]


def test_documents_list_filters_and_pages(client):
    r = client.get("/api/v1/documents", params={"level": "法律", "page_size": 2})
    body = r.json()
    assert r.status_code == 200 and body["total"] >= 3 and len(body["documents"]) == 2
    assert {d["level"] for d in body["documents"]} == {"法律"}
    assert client.get("/api/v1/documents", params={"page_size": 1000}).status_code == 422


def test_one_document_has_outline_clauses_and_versions(client):
    r = client.get(f"/api/v1/documents/{SECRETS_2024}")
    body = r.json()
    assert r.status_code == 200 and body["title"] == "中华人民共和国保守国家秘密法"
    assert [v["publish_date"] for v in body["versions"]] == ["2010-04-29", "2024-02-27"]
    assert body["outline"] and body["clauses"][0]["label"] == "第一条"
    assert client.get("/api/v1/documents/法律/没有这个.md").status_code == 404


def test_health_reports_the_knowledge_base(client):
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["documents"] >= 8 and body["clauses"] > 100
    assert body["vectors"] == body["clauses"] and body["vectors_pending"] == 0


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    assert "/api/v1/search" in client.get("/openapi.json").json()["paths"]


def test_terms_lists_every_defining_clause(client):
    body = client.get("/api/v1/terms", params={"term": "节约能源"}).json()
    assert body["definitions"][0]["title"] == "中华人民共和国节约能源法"
    assert body["definitions"][0]["article"] == "第三条" and "是指" in body["definitions"][0]["text"]
    assert client.get("/api/v1/terms", params={"term": "不存在的术语"}).json()["definitions"] == []


def test_limit_is_another_name_for_k(client):
    r = client.get("/api/v1/search", params={"q": "公共机构节能", "limit": 3})
    assert r.status_code == 200 and len(r.json()["hits"]) == 3


def test_a_parameter_the_endpoint_does_not_take_is_refused_naming_those_it_does(client):
    r = client.get("/api/v1/search", params={"q": "公共机构节能", "size": 3})
    assert r.status_code == 422 and "unknown parameter size" in r.json()["error"]
    assert "limit" in r.json()["error"] and "status" in r.json()["error"]


def test_all_statuses_is_a_status_filter_and_a_wrong_one_is_named_without_python_text(client):
    every = client.get("/api/v1/search", params={"q": "保守国家秘密法第二十条", "status": "all", "k": 10})
    assert every.status_code == 200
    assert {h["publish_date"] for h in every.json()["hits"] if "保守国家秘密法" in h["title"]} >= {"2010-04-29", "2024-02-27"}
    wrong = client.get("/api/v1/search", params={"q": "节能", "status": "bogus"})
    assert wrong.status_code == 422 and "<Status" not in wrong.text and "现行有效、已被修订" in wrong.json()["error"]


def test_the_openapi_docs_declare_the_key_so_docs_offer_authorize(client):
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("type") == "apiKey" and s.get("name") == "X-API-Key" and s.get("in") == "header"
               for s in schemes.values())
    upload = spec["paths"]["/api/v1/documents"]["post"]
    assert upload.get("security"), "uploads should say they need the key"
    assert not spec["paths"]["/api/v1/search"]["get"].get("security"), "searching needs no key"
