"""The JSON API, /api/v1: each endpoint validates its input, makes one call to the core, returns JSON."""

from __future__ import annotations

import time
from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from analysis.answer.ask import Answer
from analysis.answer.llm import answer_with_llm
from analysis.exports import (CSL_JSON, DOCX, FORMATS, REFERENCE_FORMATS, RESULT_FORMATS, RIS, Export, check_format,
                              explanation_export, gap_export, results_export, review_export)
from analysis.gap.draft import read_draft
from analysis.gap.gap import GapReport, analyse_draft
from analysis.review.review import Review, literature_review
from analysis.review.terms import TermDefinitions, term_definitions
from api.errors import classify
from api.http.security import rate_limited, require_read_key, require_write_key
from index.diff import VersionDiff
from index.errors import CitationNotFound, DocumentNotFound, InvalidRequest
from index.kb import KnowledgeBase
from index.results import ClauseLookup, DocumentList, DocumentPage, SearchResult, Stats, StoredUpload
from index.search.filters import SearchFilters
from ingest.uploads import parse_received, received_upload, safe_filename

MAX_QUERY_CHARS = 1000
MAX_K = 100
MAX_PAGE_SIZE = 200
MAX_REVIEW_DOCUMENTS = 100
LIMIT_RESPONSES = {429: {"description": "This client's share of the expensive endpoints is used up; see Retry-After"}}

FILTERS = dict(
    level=Query([], description="Document level (repeatable): 法律, 行政法规, 地方性法规 …"),
    status=Query([], description="现行有效 / 已被修订 / 已废止 / 状态不详 (repeatable; \"unknown\" is read as 状态不详)"),
    region=Query("", max_length=50, description="Text in the issuer or at the start of the title: 杭州"),
    document=Query("", max_length=300, description="A document's source path or text in its title"),
    as_of=Query("", max_length=20, description="YYYY-MM-DD: only the versions in force on that day"),
    date_from=Query("", max_length=20, description="Published on or after YYYY-MM-DD"),
    date_to=Query("", max_length=20, description="Published on or before YYYY-MM-DD"),
)


def search_filters(level: list[str] = FILTERS["level"], status: list[str] = FILTERS["status"],
                   region: str = FILTERS["region"], document: str = FILTERS["document"],
                   as_of: str = FILTERS["as_of"], date_from: str = FILTERS["date_from"],
                   date_to: str = FILTERS["date_to"]) -> SearchFilters:
    return SearchFilters(level=level, status=status, region=region, document=document, as_of=as_of,
                         date_from=date_from, date_to=date_to)


def known_parameters(request: Request) -> None:
    """A query parameter the endpoint does not take is refused naming the ones it does: silently
    ignoring `limit=5` or a misspelt filter answers a question the client did not ask."""
    route = request.scope.get("route")
    if route is None or request.method != "GET":   # writes answer to their key first (401), then to their body
        return
    allowed = set(_query_names(route.dependant))
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise InvalidRequest(f"unknown parameter {', '.join(unknown)}; {request.url.path} takes "
                             f"{', '.join(sorted(allowed)) or 'no query parameters'}")


def _query_names(dependant):
    yield from (p.alias for p in dependant.query_params)
    for sub in dependant.dependencies:
        yield from _query_names(sub)


def _kb(request: Request) -> KnowledgeBase:
    return request.app.state.kb


def download(export: Export) -> Response:
    return Response(export.content, media_type=export.media_type, headers=export.headers())


def base_url(request: Request) -> str:
    """Where this server is, as the client reached it: exported references link to its clause pages."""
    return str(request.base_url).rstrip("/")


SEARCH_FORMATS = ("json", *RESULT_FORMATS, *REFERENCE_FORMATS)
REVIEW_FORMATS = ("json", *FORMATS, *REFERENCE_FORMATS)
EXPLAIN_FORMATS = (*FORMATS, *REFERENCE_FORMATS)
REFERENCE_RESPONSES = {RIS: {}, CSL_JSON: {}}
# `format` is checked by check_format, not by FastAPI, so that an unknown one is refused through the
# error table (422, naming the formats) like every other bad request; the schema still lists them.


class Health(BaseModel):
    """/api/v1/health: "ok", or "degraded" while the vector store cannot be read."""

    status: Literal["ok", "degraded"]
    documents: int
    clauses: int
    pending_documents: int
    vectors: int
    vectors_pending: int
    embedder: str
    last_ingest: str | None
    writable: bool
    write_problem: str | None
    vector_store: str
    vector_store_problem: str | None
    uptime_s: float

    @classmethod
    def of(cls, stats: Stats, uptime_s: float) -> "Health":
        return cls(status="degraded" if stats.vector_store_problem else "ok", uptime_s=round(uptime_s, 1),
                   **stats.model_dump(include=set(cls.model_fields) - {"status", "uptime_s"}))


def routes() -> APIRouter:
    r = APIRouter(dependencies=[Depends(require_read_key), Depends(known_parameters)])

    # ------------------------------------------------------------------------------ search
    @r.get("/search", response_model=SearchResult, summary="Search clauses by question or citation",
           responses={200: {"content": {"text/markdown": {}, DOCX: {}, "text/csv": {}, **REFERENCE_RESPONSES}}})
    def search(request: Request,
               q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS, description="A question or a citation"),
               k: int = Query(10, ge=1, le=MAX_K),
               limit: int | None = Query(None, ge=1, le=MAX_K, description="The same as k, as other search APIs call it"),
               filters: SearchFilters = Depends(search_filters),
               format: str = Query("json", max_length=10, json_schema_extra={"enum": list(SEARCH_FORMATS)},
                                   description="json, or a file: md, docx, csv, ris (RIS) or csl (CSL-JSON), "
                                   "one reference a document")):
        check_format(format, SEARCH_FORMATS)
        kb = _kb(request)
        result = kb.search(q, k=limit or k, filters=filters)
        return result if format == "json" else \
            download(results_export(result, format, base_url(request), kb.document_info))

    @r.get("/clause", response_model=ClauseLookup, summary="Exact lookup of a citation",
           responses={404: {"description": "The citation does not resolve; the body says why"}})
    def clause(request: Request, citation: str = Query(..., min_length=1, max_length=300),
               filters: SearchFilters = Depends(search_filters)):
        result = _kb(request).clause(citation, filters=filters)
        if not result.found:
            return JSONResponse(result.model_dump(), status_code=classify(CitationNotFound(citation)).status)
        return result

    @r.get("/ask", response_model=Answer, summary="A short answer quoted from the best clause, with evidence",
           dependencies=[Depends(rate_limited)], responses=LIMIT_RESPONSES)
    def ask(request: Request, q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS),
            filters: SearchFilters = Depends(search_filters)):
        settings = request.app.state.settings
        return answer_with_llm(_kb(request), q, filters, settings.llm_url, settings.llm_model,
                               settings.llm_api_key, home=settings.home)

    # --------------------------------------------------------------------------- documents
    @r.get("/documents", response_model=DocumentList, summary="List documents, with filters and paging")
    def documents(request: Request, filters: SearchFilters = Depends(search_filters),
                  title: str = Query("", max_length=100, description="Text in the title"),
                  page: int = Query(1, ge=1, le=100_000), page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE)):
        return _kb(request).documents(filters, title=title, page=page, page_size=page_size)

    @r.get("/documents/{source:path}", response_model=DocumentPage,
           summary="One document: metadata, outline, clauses and versions",
           responses={404: {"description": "No such document"}})
    def document(request: Request, source: str):
        doc = _kb(request).document(source)
        if doc is None:
            raise DocumentNotFound(source)
        return doc

    @r.get("/diff", response_model=VersionDiff, summary="What changed between two versions, article by article",
           responses={404: {"description": "One of the documents is not in the knowledge base"}})
    def diff(request: Request, old: str = Query(..., max_length=300, description="Source of the older version"),
             new: str = Query(..., max_length=300, description="Source of the newer version")):
        return _kb(request).diff(old, new)

    @r.post("/documents", status_code=201, response_model=StoredUpload, dependencies=[Depends(require_write_key)],
            summary="Upload a document (adds it, or replaces the upload of the same name); needs the API key")
    def upload(request: Request, file: UploadFile = File(..., description=".md, .txt, .docx, .pdf or a scanned image (.png, .jpg, .tif)"),
               title: str = Form("", max_length=300), level: str = Form("", max_length=20),
               issuer: str = Form("", max_length=200), doc_number: str = Form("", max_length=100),
               publish_date: str = Form("", max_length=20), effective_date: str = Form("", max_length=20),
               status: str = Form("", max_length=20)):
        fields = dict(title=title, level=level, issuer=issuer, doc_number=doc_number, publish_date=publish_date,
                      effective_date=effective_date, status=status)
        with received_upload(file.filename or "", file.file, fields) as (doc, path):
            report = _kb(request).upsert([doc], originals={doc.source: path})
        return StoredUpload.of(doc, report)

    @r.delete("/documents/{source:path}", dependencies=[Depends(require_write_key)],
              summary="Delete a document from every store; needs the API key")
    def delete(request: Request, source: str):
        if not _kb(request).remove(source):
            raise DocumentNotFound(source)
        return {"deleted": source}

    @r.post("/gap", response_model=GapReport, summary="Gap analysis (协调性分析) of an uploaded draft standard",
            dependencies=[Depends(rate_limited)],
            responses={200: {"content": {"text/markdown": {}, DOCX: {}}}, **LIMIT_RESPONSES})
    def gap(request: Request, file: UploadFile = File(..., description="the draft: .md, .txt, .docx or .pdf"),
            level: list[str] = Form([], description="compare with these levels only"),
            region: list[str] = Form([], description="jurisdictions binding the draft (default: from its cover)"),
            format: str = Form("json", pattern="^(json|md|docx)$")):
        draft = parse_received(file.filename or "", file.file)
        report = analyse_draft(_kb(request), draft, levels=[x for x in level if x] or None,
                               regions=[x for x in region if x] or None, name=safe_filename(file.filename or ""))
        return report if format == "json" else download(gap_export(report, format))

    @r.post("/explain", summary="The 编制说明 of an uploaded draft, written from its gap analysis (md or docx)",
            dependencies=[Depends(rate_limited)],
            responses={200: {"content": {"text/markdown": {}, DOCX: {}, **REFERENCE_RESPONSES}}, **LIMIT_RESPONSES})
    def explain(request: Request, file: UploadFile = File(..., description="the draft: .md, .txt, .docx or .pdf"),
                region: list[str] = Form([], description="jurisdictions binding the draft (default: from its cover)"),
                format: str = Form("docx", max_length=10, json_schema_extra={"enum": list(EXPLAIN_FORMATS)},
                                   description="md, docx, or its 参考文献 as ris or csl")):
        check_format(format, EXPLAIN_FORMATS)
        kb = _kb(request)
        draft = parse_received(file.filename or "", file.file)
        report = analyse_draft(kb, draft, regions=[x for x in region if x] or None,
                               name=safe_filename(file.filename or ""))
        return download(explanation_export(report, read_draft(draft), format, base_url(request), kb.document_info))

    # ----------------------------------------------------------------------- terms, review
    @r.get("/terms", response_model=TermDefinitions,
           summary="Where a term is defined: every defining clause, and the wordings side by side")
    def terms(request: Request, term: str = Query(..., min_length=1, max_length=50, description="e.g. 公共机构"),
              partial: bool = Query(False, description="Also terms containing it or contained in it")):
        return term_definitions(_kb(request), term, partial=partial)

    @r.get("/review", response_model=Review, summary="Literature review of a drafting topic, grouped by level",
           dependencies=[Depends(rate_limited)],
           responses={200: {"content": {"text/markdown": {}, DOCX: {}, **REFERENCE_RESPONSES}}, **LIMIT_RESPONSES})
    def review(request: Request, topic: str = Query(..., min_length=1, max_length=100, description="e.g. 公务用车"),
               filters: SearchFilters = Depends(search_filters),
               max_documents: int = Query(20, ge=1, le=MAX_REVIEW_DOCUMENTS),
               format: str = Query("json", max_length=10, json_schema_extra={"enum": list(REVIEW_FORMATS)},
                                   description="json, md, docx, or its 参考文献 as ris or csl")):
        check_format(format, REVIEW_FORMATS)
        kb = _kb(request)
        result = literature_review(kb, topic, filters=filters, max_documents=max_documents)
        return result if format == "json" else \
            download(review_export(result, format, base_url(request), kb.document_info))

    # ------------------------------------------------------------------------------ health
    @r.get("/health", response_model=Health, summary="Liveness and what the knowledge base holds")
    def health(request: Request):
        return Health.of(_kb(request).stats(), uptime_s=_uptime(request))

    @r.get("/ready", summary="200 once the search views are built, 503 before",
           responses={503: {"description": "Still warming up"}})
    def ready(request: Request):
        if not request.app.state.ready.is_set():
            return JSONResponse({"ready": False}, status_code=503)
        return {"ready": True}

    @r.get("/metrics", summary="Sizes of the stores, last ingest, requests and latency per route")
    def metrics(request: Request):
        stats: Stats = _kb(request).stats()
        return {**stats.model_dump(exclude={"embedder", "writable", "write_problem", "pending_documents"}),
                "uptime_s": round(_uptime(request), 1), "requests": request.app.state.metrics.snapshot()}

    return r


def _uptime(request: Request) -> float:
    return time.time() - request.app.state.started
