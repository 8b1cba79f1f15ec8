"""`stdkb mcp`: a real server process over stdio, asked by the MCP SDK's own client, as an
assistant would ask it. One process for the module; each test makes a call or two."""

from __future__ import annotations

import json
import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from anyio.from_thread import start_blocking_portal
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from analysis.gap.gap import GapReport
from analysis.review.review import Review
from analysis.system.system import SystemReport
from index.results import ClauseLookup, DocumentList, DocumentPage, SearchResult

ROOT = Path(__file__).resolve().parent.parent
DRAFT = ROOT.parent / "shared" / "drafts" / "dev_draft.md"
QUESTION = "公共机构应当如何实行能源消费计量制度？"


@asynccontextmanager
async def _session(data_dir: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STDKB_EMBED_MODEL": os.environ["STDKB_EMBED_MODEL"]}
    params = StdioServerParameters(command=sys.executable, args=["-m", "api.cli", "mcp", "--data-dir", str(data_dir)],
                                   env=env, cwd=str(ROOT))
    with open(os.devnull, "w") as quiet:
        async with stdio_client(params, errlog=quiet) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            yield session


@pytest.fixture(scope="module")
def client(kb_dir):
    """(portal, session): call `portal.call(session.method, …)` from the test's own thread."""
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(_session(kb_dir)) as session:
        yield portal, session


def call(client, tool: str, **arguments):
    portal, session = client
    return portal.call(session.call_tool, tool, arguments)


def _error(result) -> dict:
    assert result.is_error, result
    return json.loads(result.content[0].text)


def test_the_server_lists_its_tools_with_input_and_output_schemas(client):
    portal, session = client
    tools = {t.name: t for t in portal.call(session.list_tools).tools}
    assert set(tools) == {"search", "clause", "gap", "review", "system"}
    search = tools["search"].input_schema
    assert search["required"] == ["query"] and {"k", "level", "status", "as_of"} <= set(search["properties"])
    assert search["properties"]["k"]["minimum"] == 1 and tools["clause"].input_schema["required"] == ["citation"]
    assert "hits" in tools["search"].output_schema["properties"]


def test_search_answers_with_the_search_result_as_text_and_as_structured_content(client):
    result = call(client, "search", query=QUESTION, k=3, level=["行政法规"])
    found = SearchResult.model_validate_json(result.content[0].text)
    assert not result.is_error and 0 < len(found.hits) <= 3 and {h.level for h in found.hits} == {"行政法规"}
    assert result.structured_content == found.model_dump(mode="json")


def test_clause_looks_a_citation_up_exactly(client):
    found = ClauseLookup.model_validate_json(call(client, "clause", citation="机关事务管理条例第十条").content[0].text)
    assert found.found and found.hits[0].article == "第十条" and found.hits[0].next is not None


def test_clause_takes_the_filters_of_search(client):
    result = call(client, "clause", citation="保守国家秘密法第十条", as_of="2015-01-01")
    assert ClauseLookup.model_validate_json(result.content[0].text).hits[0].publish_date == "2010-04-29"


def test_a_citation_not_held_is_an_error_saying_which_article_is_missing(client):
    error = _error(call(client, "clause", citation="机关事务管理条例第九十九条"))
    assert error["type"] == "CitationNotFound" and error["title"] == "知识库中没有这条引用" and error["status"] == 404
    assert "第九十九条" in error["error"]


def test_gap_analyses_a_draft_sent_as_text(client):
    result = call(client, "gap", draft=DRAFT.read_text(encoding="utf-8"), name="dev_draft.md")
    report = GapReport.model_validate_json(result.content[0].text)
    assert report.draft == "dev_draft.md" and report.clauses
    assert {f.label for f in report.clauses} <= {"basis", "duplicate", "conflict", "no_basis"}


def test_review_groups_the_documents_on_a_topic_by_level(client):
    review = Review.model_validate_json(call(client, "review", topic="公共机构节能", max_documents=5).content[0].text)
    assert review.groups and any("节能" in d.title for g in review.groups for d in g.documents)


def test_system_places_the_documents_in_the_framework(client):
    report = SystemReport.model_validate(call(client, "system").structured_content)
    assert report.framework


def test_a_document_is_a_resource_by_its_source(client, kb):
    portal, session = client
    listed = DocumentList.model_validate_json(portal.call(session.read_resource, "stdkb://documents").contents[0].text)
    source = next(d.source for d in listed.documents if "机关事务管理条例" in d.title)
    page = DocumentPage.model_validate_json(portal.call(session.read_resource, f"stdkb://doc/{source}").contents[0].text)
    assert page.source == source and page.clauses and page == kb.document(source)


def test_a_document_not_held_is_a_resource_error_naming_it(client):
    portal, session = client
    with pytest.raises(MCPError, match="no document '法律/不存在.md'"):
        portal.call(session.read_resource, "stdkb://doc/法律/不存在.md")


@pytest.mark.parametrize("arguments, named", [
    ({"query": "节能", "k": 0}, "k"),
    ({"query": "节能", "status": ["有效期内"]}, "unknown status '有效期内'"),
    ({"query": "节能", "as_of": "2020-13-40"}, "is not a date"),
])
def test_a_bad_search_input_gets_the_error_tables_answer_not_a_traceback(client, arguments, named):
    error = _error(call(client, "search", **arguments))
    assert error["type"] == "InvalidRequest" and error["title"] == "查询条件有误" and error["status"] == 422
    assert named in error["error"] and "Traceback" not in error["error"]


def test_an_empty_draft_is_refused_saying_so(client):
    error = _error(call(client, "gap", draft="  \n"))
    assert error["type"] == "InvalidRequest" and "empty" in error["error"]


def test_the_http_and_mcp_faces_import_no_other_face():
    """They share only what sits in api/ itself (settings, errors, filters, remote). The command line
    imports them, and only to start them (`stdkb serve`, `stdkb mcp`)."""
    import ast

    faces = ("api.cli", "api.http", "api.mcp")
    crossing = []
    for face in ("api.http", "api.mcp"):
        for path in (ROOT / face.replace(".", "/")).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                crossing += [f"{path.relative_to(ROOT)} imports {n}" for n in names
                             if any(n == other or n.startswith(other + ".") for other in faces if other != face)]
    assert crossing == []
