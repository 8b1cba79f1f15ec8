"""The JSON API, /api/v1: each endpoint validates its input, makes one call to the core, returns JSON."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from analysis.ask import Answer
from analysis.llm import answer_with_llm
from analysis.gap import GapReport, analyse_upload
from analysis.review import Review, literature_review
from analysis.terms import definition_variants
from analysis.versions import VersionDiff, diff_documents
from ingest.errors import DocumentError
from ingest.uploads import UPLOADS, parse_upload, safe_filename
from index.filters import SearchFilters, allowed_sources
from index.results import ClauseLookup, SearchResult

from web.downloads import DOCX, gap_file, review_file

from .security import rate_limited, require_read_key, require_write_key

MAX_QUERY_CHARS = 1000
MAX_K = 100
MAX_PAGE_SIZE = 200
MAX_REVIEW_DOCUMENTS = 100
LIMIT_RESPONSES = {429: {"description": "This client's share of the expensive endpoints is used up; see Retry-After"}}

FILTERS = dict(
    level=Query([], description="Document level (repeatable): 法律, 行政法规, 地方性法规 …"),
    status=Query([], description="现行有效 / 已被修订 / 已废止 / unknown (repeatable)"),
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


def _index(request: Request):
    return request.app.state.index


def routes() -> APIRouter:
    r = APIRouter(dependencies=[Depends(require_read_key)])

    # ------------------------------------------------------------------------------ search
    @r.get("/search", response_model=SearchResult, summary="Search clauses by question or citation")
    def search(request: Request,
               q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS, description="A question or a citation"),
               k: int = Query(10, ge=1, le=MAX_K), filters: SearchFilters = Depends(search_filters)):
        return _index(request).search(q, k=k, filters=filters)

    @r.get("/clause", response_model=ClauseLookup, summary="Exact lookup of a citation",
           responses={404: {"description": "The citation does not resolve; the body says why"}})
    def clause(request: Request, citation: str = Query(..., min_length=1, max_length=300),
               as_of: str = FILTERS["as_of"]):
        result = _index(request).clause(citation, filters=SearchFilters(as_of=as_of))
        if not result.found:
            return JSONResponse(result.model_dump(), status_code=404)
        return result

    @r.get("/ask", response_model=Answer, summary="A short answer quoted from the best clause, with evidence",
           dependencies=[Depends(rate_limited)], responses=LIMIT_RESPONSES)
    def ask(request: Request, q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS),
            filters: SearchFilters = Depends(search_filters)):
        settings = request.app.state.settings
        return answer_with_llm(_index(request), q, filters, settings.llm_url, settings.llm_model,
                               settings.llm_api_key)

    # --------------------------------------------------------------------------- documents
    @r.get("/documents", summary="List documents, with filters and paging")
    def documents(request: Request, filters: SearchFilters = Depends(search_filters),
                  title: str = Query("", max_length=100, description="Text in the title"),
                  page: int = Query(1, ge=1, le=100_000), page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE)):
        docs = _index(request).documents()
        allowed = allowed_sources(docs, filters)
        rows = [d for d in docs if (allowed is None or d["source"] in allowed) and title in d["title"]]
        start = (page - 1) * page_size
        return {"total": len(rows), "page": page, "page_size": page_size,
                "documents": [document_summary(d) for d in rows[start:start + page_size]]}

    @r.get("/documents/{source:path}", summary="One document: metadata, outline, clauses and versions",
           responses={404: {"description": "No such document"}})
    def document(request: Request, source: str):
        doc = _index(request).document(source)
        if doc is None:
            raise HTTPException(404, detail=f"no document '{source}' in the knowledge base")
        return doc

    @r.get("/diff", response_model=VersionDiff, summary="What changed between two versions, article by article",
           responses={404: {"description": "One of the documents is not in the knowledge base"}})
    def diff(request: Request, old: str = Query(..., max_length=300, description="Source of the older version"),
             new: str = Query(..., max_length=300, description="Source of the newer version")):
        result = diff_documents(_index(request), old, new)
        if result is None:
            raise HTTPException(404, detail=f"'{old}' or '{new}' is not in the knowledge base")
        return result

    @r.post("/documents", status_code=201, dependencies=[Depends(require_write_key)],
            summary="Upload a document (adds it, or replaces the upload of the same name); needs the API key")
    def upload(request: Request, file: UploadFile = File(..., description=".md, .txt, .docx or .pdf"),
               title: str = Form("", max_length=300), level: str = Form("", max_length=20),
               issuer: str = Form("", max_length=200), doc_number: str = Form("", max_length=100),
               publish_date: str = Form("", max_length=20), effective_date: str = Form("", max_length=20),
               status: str = Form("", max_length=20)):
        return store_upload(request, file, dict(title=title, level=level, issuer=issuer, doc_number=doc_number,
                                                publish_date=publish_date, effective_date=effective_date,
                                                status=status))

    @r.delete("/documents/{source:path}", dependencies=[Depends(require_write_key)],
              summary="Delete a document from every store; needs the API key")
    def delete(request: Request, source: str):
        index = _index(request)
        if not index.remove(source):
            raise HTTPException(404, detail=f"no document '{source}' in the knowledge base")
        index.refresh_views()
        if source.startswith(f"{UPLOADS}/"):
            kept = _uploads_dir(request) / source.removeprefix(f"{UPLOADS}/")
            if kept.resolve().parent == _uploads_dir(request).resolve():
                kept.unlink(missing_ok=True)
        return {"deleted": source}

    @r.post("/gap", response_model=GapReport, summary="Gap analysis (协调性分析) of an uploaded draft standard",
            dependencies=[Depends(rate_limited)],
            responses={200: {"content": {"text/markdown": {}, DOCX: {}}}, **LIMIT_RESPONSES})
    def gap(request: Request, file: UploadFile = File(..., description="the draft: .md, .txt, .docx or .pdf"),
            level: list[str] = Form([], description="compare with these levels only"),
            region: list[str] = Form([], description="jurisdictions binding the draft (default: from its cover)"),
            format: str = Form("json", pattern="^(json|md|docx)$")):
        report = analyse_upload(_index(request), file.filename or "", file.file, levels=[x for x in level if x] or None,
                                regions=[x for x in region if x] or None)
        return report if format == "json" else gap_file(report, format)

    # ----------------------------------------------------------------------- terms, review
    @r.get("/terms", summary="Where a term is defined: every defining clause, and the wordings side by side")
    def terms(request: Request, term: str = Query(..., min_length=1, max_length=50, description="e.g. 公共机构"),
              partial: bool = Query(False, description="Also terms containing it or contained in it")):
        definitions = _index(request).definitions(term, partial=partial)
        return {"term": term, "documents": len({d["source"] for d in definitions}),
                "variants": definition_variants(definitions), "definitions": definitions}

    @r.get("/review", response_model=Review, summary="Literature review of a drafting topic, grouped by level",
           dependencies=[Depends(rate_limited)],
           responses={200: {"content": {"text/markdown": {}, DOCX: {}}}, **LIMIT_RESPONSES})
    def review(request: Request, topic: str = Query(..., min_length=1, max_length=100, description="e.g. 公务用车"),
               filters: SearchFilters = Depends(search_filters),
               max_documents: int = Query(20, ge=1, le=MAX_REVIEW_DOCUMENTS),
               format: str = Query("json", pattern="^(json|md|docx)$", description="json, md or docx")):
        result = literature_review(_index(request), topic, filters=filters, max_documents=max_documents)
        if format == "json":
            return result
        return review_file(result, format)

    # ------------------------------------------------------------------------------ health
    @r.get("/health", summary="Liveness and what the knowledge base holds")
    def health(request: Request):
        index = _index(request)
        counts = index.catalog.counts()
        docs = index.documents()
        return {"status": "ok", "documents": counts["documents"], "clauses": counts["clauses"],
                "pending_documents": counts["pending"], "embedder": index.embedder_description(),
                "last_ingest": max((d["ingested_at"] for d in docs), default=None),
                "writable": not index.read_only, "write_problem": index.write_problem,
                "uptime_s": round(_uptime(request), 1)}

    @r.get("/ready", summary="200 once the search views are built, 503 before",
           responses={503: {"description": "Still warming up"}})
    def ready(request: Request):
        if not request.app.state.ready.is_set():
            return JSONResponse({"ready": False}, status_code=503)
        return {"ready": True}

    @r.get("/metrics", summary="Sizes of the stores, last ingest, requests and latency per route")
    def metrics(request: Request):
        index = _index(request)
        docs = index.documents()
        by_level: dict[str, int] = {}
        by_status: dict[str, int] = {}
        for d in docs:
            by_level[d["level"]] = by_level.get(d["level"], 0) + 1
            by_status[d["status"]] = by_status.get(d["status"], 0) + 1
        counts = index.catalog.counts()
        return {"documents": counts["documents"], "clauses": counts["clauses"], "vectors": index.vectors.count(),
                "documents_by_level": by_level, "documents_by_status": by_status,
                "disk_bytes": {name: _size(index.data_dir / name) for name in ("catalog.sqlite3", "chroma", "models",
                                                                                 UPLOADS)},
                "last_ingest": max((d["ingested_at"] for d in docs), default=None),
                "uptime_s": round(_uptime(request), 1), "requests": request.app.state.metrics.snapshot()}

    return r


def store_upload(request: Request, file: UploadFile, fields: dict[str, str]) -> dict:
    """Save the upload under a safe name, parse it, index it; the file is kept only if indexing succeeded."""
    name = safe_filename(file.filename or "")
    index = _index(request)
    uploads = _uploads_dir(request)
    incoming = uploads / f".incoming-{uuid.uuid4().hex}{Path(name).suffix}"
    try:
        with index.writing():
            uploads.mkdir(parents=True, exist_ok=True)
            with incoming.open("wb") as out:
                shutil.copyfileobj(file.file, out, length=1 << 20)
            try:
                doc = parse_upload(incoming, name, fields)
            except DocumentError as exc:
                raise DocumentError(file.filename or name, exc.problem) from None
            report = index.ingest_documents([doc])
            os.replace(incoming, uploads / name)
        index.refresh_views()
    finally:
        incoming.unlink(missing_ok=True)
    return {"source": doc.source, "title": doc.title, "level": doc.level, "clauses": len(doc.clauses),
            "replaced": report.documents_replaced == 1, "unchanged": report.documents_unchanged == 1}


def document_summary(d: dict) -> dict:
    keys = ("source", "title", "level", "issuer", "doc_number", "publish_date", "effective_date", "status",
            "clause_count")
    return {k: d[k] for k in keys}


def _uploads_dir(request: Request) -> Path:
    return _index(request).data_dir / UPLOADS


def _uptime(request: Request) -> float:
    return time.time() - request.app.state.started


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0
