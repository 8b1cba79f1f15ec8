"""`stdkb mcp`: the knowledge base as Model Context Protocol tools and resources, so that an LLM
assistant looks clauses up and cites them exactly instead of paraphrasing from memory.

Tools `search`, `clause`, `gap`, `review` and `system` each make one call to the knowledge base or
to an analysis entry point, as the HTTP routes do, and answer with the typed result: its
`model_dump_json()` as text and the same object as structured content (the tool's output schema
is the model's). Resources: `stdkb://documents` (what the knowledge base holds) and
`stdkb://doc/{+source}` (one document whole; `+` because a source has folders in it).

A stdkb error becomes an `is_error` result holding the error table's answer (`api/errors.py`) in
the JSON API's error shape plus the page heading, so the assistant reads why and can correct itself.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError, UnexpectedToolError
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel, Field, ValidationError

from analysis.gap.gap import GapReport, analyse_draft
from analysis.review.review import Review, literature_review
from analysis.system.system import SystemReport, build_system
from api.errors import classify
from api.filters import search_filters
from index.errors import CitationNotFound, DocumentNotFound, InvalidRequest
from index.kb import KnowledgeBase
from index.results import ClauseLookup, SearchResult
from ingest.errors import StdkbError
from ingest.uploads import parse_received

MAX_K = 100                  # as the JSON API allows
MAX_REVIEW_DOCUMENTS = 100
MAX_DRAFT_CHARS = 500_000    # a long standard is ~100,000 characters; beyond this it is not a draft
DRAFT_SUFFIXES = (".md", ".txt")

INSTRUCTIONS = ("stdkb holds Chinese laws, regulations, standards and policy documents on 机关事务, split into "
                "clauses. Quote and cite clauses from these tools (each hit has title, article, status); "
                "when a result says low_confidence, say the knowledge base has no reliable answer.")

# The filters of search, as tool parameters (the same fields as SearchFilters and /api/v1/search).
Level = Annotated[list[str], Field(description="Document levels: 法律, 行政法规, 地方性法规, 国家标准 …")]
StatusF = Annotated[list[str], Field(description="现行有效 / 已被修订 / 已废止 / 状态不详, or all for every version")]
Region = Annotated[str, Field(description="Text in the issuer or at the start of the title: 杭州, 浙江省")]
DocumentF = Annotated[str, Field(description="A document's source path, or text in its title")]
AsOf = Annotated[str, Field(description="YYYY-MM-DD: only the versions in force on that day")]
DateFrom = Annotated[str, Field(description="Published on or after YYYY-MM-DD")]
DateTo = Annotated[str, Field(description="Published on or before YYYY-MM-DD")]


class _Server(MCPServer):
    """MCPServer whose tool failures are answered from the error table."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context=None):
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(cause, StdkbError):
                return error_result(cause)
            # The arguments against the tool's input schema (a ValidationError inside a tool is a crash).
            if isinstance(cause, ValidationError) and not isinstance(exc, UnexpectedToolError):
                return error_result(InvalidRequest("; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in cause.errors())))
            raise


def error_result(exc: StdkbError, message: str = "") -> CallToolResult:
    """The error table's answer to `exc` as a tool result the assistant reads."""
    outcome = classify(exc)
    body = {"error": message or str(exc), "type": type(exc).__name__, "title": outcome.page_title,
            "status": outcome.status}
    return CallToolResult(content=[TextContent(text=json.dumps(body, ensure_ascii=False))], is_error=True)


def typed_result(result: BaseModel) -> CallToolResult:
    """A typed result as text (its JSON, compact) and as structured content."""
    return CallToolResult(content=[TextContent(text=result.model_dump_json())],
                          structured_content=result.model_dump(mode="json"))


def build_server(kb: KnowledgeBase, system_file: Path | None = None) -> MCPServer:
    """The MCP server over `kb` (opened and closed by the caller); `system_file` is STDKB_SYSTEM_FILE."""
    server = _Server("stdkb", instructions=INSTRUCTIONS, log_level="WARNING")

    @server.tool(structured_output=True)
    def search(query: Annotated[str, Field(min_length=1, max_length=1000, description="A question or a citation")],
               k: Annotated[int, Field(ge=1, le=MAX_K, description="How many clauses")] = 10,
               level: Level = [], status: StatusF = [], region: Region = "", document: DocumentF = "",
               as_of: AsOf = "", date_from: DateFrom = "", date_to: DateTo = "") -> SearchResult:
        """Search the clauses by question or citation (hybrid: keyword, dense, citations, definitions).
        Hits carry the clause text, title, article, level, status and publish date, best first;
        low_confidence means the knowledge base holds no reliable answer."""
        filters = search_filters(level=level, status=status, region=region, document=document, as_of=as_of,
                                 date_from=date_from, date_to=date_to)
        return typed_result(kb.search(query, k=k, filters=filters))

    @server.tool(structured_output=True)
    def clause(citation: Annotated[str, Field(min_length=1, max_length=300, description=(
            "e.g. 机关事务管理条例第十条, 《标准化法》第2条第二款, GB/T 30520—2014 3.1"))],
               level: Level = [], status: StatusF = [], region: Region = "", document: DocumentF = "",
               as_of: AsOf = "", date_from: DateFrom = "", date_to: DateTo = "") -> ClauseLookup:
        """Look a citation up exactly: the clause's text, the articles before and after it and the
        document's outline. A citation the knowledge base does not hold is an error saying why."""
        filters = search_filters(level=level, status=status, region=region, document=document, as_of=as_of,
                                 date_from=date_from, date_to=date_to)
        result = kb.clause(citation, filters=filters)
        if not result.found:
            return error_result(CitationNotFound(citation), result.notice or f"no clause '{citation}' is held")
        return typed_result(result)

    @server.tool(structured_output=True)
    def gap(draft: Annotated[str, Field(max_length=MAX_DRAFT_CHARS, description=(
            "The draft standard's text (Markdown or plain text, chapters numbered 1, 2, 3 …, clauses 5.1, 5.2 …)"))],
            name: Annotated[str, Field(max_length=200, description="What the report calls the draft: .md or .txt")]
            = "草案.md",
            levels: Annotated[list[str], Field(description="Compare with these levels only")] = [],
            regions: Annotated[list[str], Field(description=(
                "Jurisdictions whose local rules bind the draft; empty: read off its cover and 范围"))] = []
            ) -> GapReport:
        """Gap analysis (协调性分析) of a draft standard: each clause labelled basis, duplicate,
        conflict or no_basis with the provisions behind the label, the duties the draft omits, its
        references, structure and the GB/T 1.1—2020 drafting rules."""
        if not draft.strip():
            raise InvalidRequest("the draft is empty: send its text")
        if Path(name).suffix.lower() not in DRAFT_SUFFIXES:
            raise InvalidRequest(f"name '{name}': a draft sent as text is .md or .txt")
        parsed = parse_received(name, io.BytesIO(draft.encode("utf-8")))
        return typed_result(analyse_draft(kb, parsed, levels=levels or None, regions=regions or None, name=name))

    @server.tool(structured_output=True)
    def review(topic: Annotated[str, Field(min_length=1, max_length=100, description="e.g. 公务用车")],
               max_documents: Annotated[int, Field(ge=1, le=MAX_REVIEW_DOCUMENTS)] = 20,
               level: Level = [], status: StatusF = [], region: Region = "", document: DocumentF = "",
               as_of: AsOf = "", date_from: DateFrom = "", date_to: DateTo = "") -> Review:
        """The 文献综述 of a drafting topic: the documents on it grouped by level (法律 → … → 试点文件),
        each with its best clauses and GB/T 7714 reference."""
        filters = search_filters(level=level, status=status, region=region, document=document, as_of=as_of,
                                 date_from=date_from, date_to=date_to)
        return typed_result(literature_review(kb, topic, filters=filters, max_documents=max_documents))

    @server.tool(structured_output=True)
    def system() -> SystemReport:
        """The 标准体系: every document placed in the framework's areas, the coverage of each area by
        level, the 标准明细表, areas where laws bind but no standard exists (待制定) and the targets."""
        return typed_result(build_system(kb, system_file))

    @server.resource("stdkb://documents", name="documents", mime_type="application/json",
                     description="Every document held: source, title, level, status, dates (a DocumentList)")
    def documents() -> str:
        return kb.documents().model_dump_json()

    @server.resource("stdkb://doc/{+source}", name="document", mime_type="application/json",
                     description="One document whole: metadata, outline, every clause and its versions (a DocumentPage)")
    def document(source: str) -> str:
        page = kb.document(source)
        if page is None:
            raise ResourceError(str(DocumentNotFound(source)))
        return page.model_dump_json()

    return server


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run(settings, http: bool = False, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve over stdio (an assistant starts `stdkb mcp` itself) or streamable HTTP at /mcp.

    The HTTP transport checks no key: a knowledge base whose reads are private
    (STDKB_PRIVATE_READS) is served on this machine's loopback only."""
    if http and settings.private_reads and host not in LOOPBACK:
        raise InvalidRequest(f"stdkb mcp --http --host {host}: this knowledge base's reads need the key "
                             "(STDKB_PRIVATE_READS), which MCP over HTTP does not check; serve it on 127.0.0.1")
    kb = settings.open_index()
    try:
        server = build_server(kb, settings.system_file)
        if http:
            server.run("streamable-http", host=host, port=port)
        else:
            server.run("stdio")
    finally:
        kb.close()
