"""The HTTP service: one FastAPI app over one Index — JSON under /api/v1, the pages (web/) at /.

The app is built by `create_app(settings)` so tests can run it on a temp data directory through
TestClient. Every stdkb error becomes JSON with the status from `errors.ERROR_TABLE`; input
limits are declared on the parameters, so they are enforced and documented in one place.
OpenAPI docs are at /docs, served from the swagger-ui-bundle package (there is no CDN here).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from api.errors import classify
from api.http.implement_routes import implement_routes
from api.http.metrics import MetricsStore, RequestMetrics
from api.http.routes import routes
from api.http.security import BodyLimit, RateLimiter, login_router, page_write_access, rate_limited, require_page_reader
from api.http.system_routes import system_routes
from api.settings import Settings, load_settings
from ingest.errors import StdkbError

API_PREFIX = "/api/v1"
# Pages take nothing from elsewhere: no inline script, no CDN, no framing.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
# Swagger UI starts itself with an inline script.
# Swagger UI and ReDoc start from inline scripts; ReDoc runs its search in a worker made from a blob.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; worker-src 'self' blob:")
DOCS_PATHS = ("/docs", "/redoc", "/swagger-ui")


def create_app(settings: Settings | None = None) -> FastAPI:
    from web.pages import STATIC_DIR, error_page, login_page, pages, render
    from web.implement import implement_pages
    from web.system import system_pages
    from web.upload import upload_pages

    settings = settings or load_settings()
    index = settings.open_index(background_refresh=True)
    app = FastAPI(title="stdkb", version="1", docs_url=None, redoc_url=None,
                  description="Clause search, literature review and answers over laws, regulations, standards "
                  "and pilot documents, for drafters of 机关事务 standards.")
    app.state.kb = index
    app.state.settings = settings
    app.state.started = time.time()
    app.state.ready = threading.Event()
    app.state.metrics = MetricsStore()
    app.state.rate_limiter = (RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
                              if settings.rate_limit_per_minute > 0 else None)
    app.add_middleware(RequestMetrics, store=app.state.metrics, api_prefix=API_PREFIX)
    app.add_middleware(BodyLimit, max_bytes=int(settings.max_upload_mb * 1024 * 1024))

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        docs = request.url.path.startswith(DOCS_PATHS)
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else PAGE_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(StdkbError)
    async def _stdkb_error(request: Request, exc: StdkbError):
        if not request.url.path.startswith(API_PREFIX):
            outcome = classify(exc)
            return error_page(request, outcome.status, outcome.page_title, str(exc))
        return JSONResponse({"error": str(exc), "type": type(exc).__name__}, status_code=classify(exc).status)

    @app.exception_handler(ValidationError)
    async def _bad_value(_request: Request, exc: ValidationError) -> JSONResponse:
        # Filters are validated by the SearchFilters model: a bad date or status is the client's error.
        return JSONResponse({"error": _first_error(exc.errors()), "type": "ValidationError",
                             "detail": exc.errors(include_url=False, include_context=False)}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # jsonable_encoder: an error's context may hold the exception itself (an empty file part does)
        return JSONResponse({"error": _first_error(exc.errors()), "type": "ValidationError",
                             "detail": jsonable_encoder(exc.errors())}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": exc.detail, "type": "HTTPError"}, status_code=exc.status_code,
                            headers=exc.headers)

    app.include_router(routes(), prefix=API_PREFIX)
    app.include_router(system_routes(), prefix=API_PREFIX)
    app.include_router(implement_routes(), prefix=API_PREFIX)
    app.include_router(login_page())
    app.include_router(login_router())
    app.include_router(pages(require_page_reader, rate_limited, lambda exc: classify(exc).status))
    app.include_router(upload_pages(render, page_write_access))
    app.include_router(system_pages(render, page_write_access, require_page_reader,
                                    lambda exc: classify(exc).status))
    app.include_router(implement_pages(render, page_write_access, require_page_reader, lambda exc: classify(exc).status))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _mount_docs(app)
    threading.Thread(target=_warm, args=(app,), name="stdkb-warm", daemon=True).start()
    return app


def _first_error(errors: list[dict]) -> str:
    if not errors:
        return "invalid request"
    e = errors[0]
    where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "body"))
    return f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg", "invalid"))


def _warm(app: FastAPI) -> None:
    """Build the search views before the first user waits for them; /api/v1/ready reports when done."""
    index = app.state.kb
    try:
        if index.documents(page_size=1).total:
            index.search("机关事务管理", k=1)
    finally:
        app.state.ready.set()


def _mount_docs(app: FastAPI) -> None:
    """/docs (Swagger UI 5) and /redoc, from the files the fastapi-offline package ships: no CDN is
    reachable from an agency's network, and Swagger UI 4 could not read FastAPI's OpenAPI 3.1."""
    import fastapi_offline

    static = Path(fastapi_offline.__file__).resolve().parent / "static"
    app.mount("/swagger-ui", StaticFiles(directory=static), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="stdkb API",
                                   swagger_js_url="/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/swagger-ui/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    def redoc():
        return get_redoc_html(openapi_url=app.openapi_url, title="stdkb API", redoc_js_url="/swagger-ui/redoc.standalone.js",
                              redoc_favicon_url="/swagger-ui/favicon.png", with_google_fonts=False)


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    import os

    import uvicorn

    if workers <= 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    # Worker processes build their app from the environment, so the settings travel there.
    os.environ["STDKB_DATA_DIR"] = str(Path(settings.data_dir).resolve())
    uvicorn.run("api.http.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")
