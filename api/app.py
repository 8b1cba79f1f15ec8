"""The HTTP service: one FastAPI app over one Index, JSON under /api/v1 (OpenAPI docs at /docs).

The app is built by `create_app(settings)` so tests can run it on a temp data directory through
TestClient. Every stdkb error becomes JSON with the status from `errors.ERROR_TABLE`; input
limits are declared on the parameters, so they are enforced and documented in one place.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from ingest.errors import StdkbError
from index.filters import SearchFilters
from index.results import ClauseLookup, SearchResult

from .errors import classify
from .settings import Settings

MAX_QUERY_CHARS = 1000
MAX_K = 100
MAX_PAGE_SIZE = 200


def create_app(settings: Settings | None = None) -> FastAPI:
    from index.index import Index

    settings = settings or Settings()
    index = Index(settings.data_dir, embed_model=settings.embed_model, vector_mode=settings.chroma_mode,
                  vector_url=settings.chroma_url, domain_tune_steps=settings.domain_tune_steps,
                  background_refresh=True)
    app = FastAPI(title="stdkb", version="1", description="Clause search over laws, regulations, standards and "
                  "pilot documents for drafters of 机关事务 standards.")
    app.state.index = index
    app.state.started = time.time()

    @app.exception_handler(StdkbError)
    async def _stdkb_error(_request: Request, exc: StdkbError) -> JSONResponse:
        status, _code = classify(exc)
        return JSONResponse({"error": str(exc), "type": type(exc).__name__}, status_code=status)

    @app.exception_handler(ValidationError)
    async def _bad_value(_request: Request, exc: ValidationError) -> JSONResponse:
        # Filters are validated by the SearchFilters model: a bad date or status is the client's error.
        return JSONResponse({"error": str(exc), "type": "ValidationError"}, status_code=422)

    app.include_router(_routes(index), prefix="/api/v1")
    return app


def _filters(level: list[str], status: list[str], region: str, document: str, as_of: str, date_from: str,
             date_to: str) -> SearchFilters:
    return SearchFilters(level=level, status=status, region=region, document=document, as_of=as_of,
                         date_from=date_from, date_to=date_to)


def _routes(index) -> APIRouter:
    r = APIRouter()
    filter_params = dict(
        level=Query([], description="Document level (repeatable): 法律, 行政法规, 地方性法规 …"),
        status=Query([], description="现行有效 / 已被修订 / 已废止 / unknown (repeatable)"),
        region=Query("", max_length=50, description="Text in the issuer or at the start of the title: 杭州"),
        document=Query("", max_length=300, description="A document's source path or text in its title"),
        as_of=Query("", max_length=20, description="YYYY-MM-DD: only the versions in force on that day"),
        date_from=Query("", max_length=20, description="Published on or after YYYY-MM-DD"),
        date_to=Query("", max_length=20, description="Published on or before YYYY-MM-DD"),
    )

    @r.get("/search", response_model=SearchResult, summary="Search clauses by question or citation")
    def search(q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS, description="A question or a citation"),
               k: int = Query(10, ge=1, le=MAX_K), level: list[str] = filter_params["level"],
               status: list[str] = filter_params["status"], region: str = filter_params["region"],
               document: str = filter_params["document"], as_of: str = filter_params["as_of"],
               date_from: str = filter_params["date_from"], date_to: str = filter_params["date_to"]):
        return index.search(q, k=k, filters=_filters(level, status, region, document, as_of, date_from, date_to))

    @r.get("/clause", response_model=ClauseLookup, summary="Exact lookup of a citation",
           responses={404: {"description": "The citation does not resolve; the body says why"}})
    def clause(citation: str = Query(..., min_length=1, max_length=300),
               as_of: str = filter_params["as_of"]):
        result = index.clause(citation, filters=SearchFilters(as_of=as_of))
        if not result.found:
            return JSONResponse(result.model_dump(), status_code=404)
        return result

    @r.get("/documents", summary="List documents, with filters and paging")
    def documents(level: list[str] = filter_params["level"], status: list[str] = filter_params["status"],
                  region: str = filter_params["region"], date_from: str = filter_params["date_from"],
                  date_to: str = filter_params["date_to"],
                  title: str = Query("", max_length=100, description="Text in the title"),
                  page: int = Query(1, ge=1, le=100_000), page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE)):
        from index.filters import allowed_sources

        docs = index.documents()
        allowed = allowed_sources(docs, _filters(level, status, region, "", "", date_from, date_to))
        rows = [d for d in docs if (allowed is None or d["source"] in allowed) and title in d["title"]]
        start = (page - 1) * page_size
        return {"total": len(rows), "page": page, "page_size": page_size,
                "documents": [_document_summary(d) for d in rows[start:start + page_size]]}

    @r.get("/documents/{source:path}", summary="One document: metadata, outline, clauses and versions",
           responses={404: {"description": "No such document"}})
    def document(source: str):
        doc = index.document(source)
        if doc is None:
            raise HTTPException(404, detail=f"no document '{source}' in the knowledge base")
        return doc

    @r.get("/terms", summary="Where a term is defined: every defining clause, side by side")
    def terms(term: str = Query(..., min_length=1, max_length=50, description="e.g. 公共机构, 会展业"),
              partial: bool = Query(False, description="Also terms containing it or contained in it")):
        definitions = index.definitions(term, partial=partial)
        return {"term": term, "documents": len({d["source"] for d in definitions}), "definitions": definitions}

    @r.get("/health", summary="Liveness and what the knowledge base holds")
    def health(request: Request):
        counts = index.catalog.counts()
        docs = index.documents()
        return {"status": "ok", "documents": counts["documents"], "clauses": counts["clauses"],
                "pending_documents": counts["pending"], "embedder": index.embedder_description(),
                "last_ingest": max((d["ingested_at"] for d in docs), default=None),
                "uptime_s": round(time.time() - request.app.state.started, 1)}

    return r


def _document_summary(d: dict) -> dict:
    keys = ("source", "title", "level", "issuer", "doc_number", "publish_date", "effective_date", "status",
            "clause_count")
    return {k: d[k] for k in keys}


def serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")

