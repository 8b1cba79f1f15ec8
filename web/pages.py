"""The web pages (Chinese UI), server-rendered with Jinja2 over the same core as the API.

No script and no CDN: every page works as plain HTML forms and links, so a strict
Content-Security-Policy holds. All document and query text goes through Jinja's autoescape;
highlighting is done by splitting text into (run, matched) pairs, never by building HTML strings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from analysis.answer.llm import answer_with_llm
from analysis.cite import gbt7714, hit_reference, short_citation
from analysis.exports import explanation_export, gap_export, results_export
from analysis.gap.draft import problem_in_chinese, read_draft
from analysis.gap.gap import analyse_draft
from analysis.gap.render import DRAFTING_RULES, GAP_LABELS, REFERENCE_STATUS, TO_CHECK, TO_CHECK_NOTE, summary
from analysis.review.review import literature_review
from analysis.review.terms import term_definitions
from index.errors import DocumentNotFound
from index.kb import KnowledgeBase
from index.search.filters import SearchFilters
from index.search.highlight import spans
from ingest.errors import StdkbError
from ingest.models import LEVELS_IN_ORDER, ClauseId, Status, level_rank
from ingest.uploads import parse_received, safe_filename

from .overview import ASK_EXAMPLES, EXAMPLES, holdings

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
STATUS_CLASS = {Status.CURRENT: "current", Status.AMENDED: "amended", Status.REPEALED: "repealed"}
# The page's 时效性 choices. By default it leaves out what has been amended or repealed, but keeps
# what is in force and what nobody has dated (the pilot documents): a drafter wants rules that bind.
IN_FORCE = "in_force"
STATUS_CHOICES = ((IN_FORCE, "现行有效及状态不详"), *((s.value, s.value) for s in Status), ("all", "全部版本"))
DEFAULT_STATUS = IN_FORCE
# Search pages: page p shows ranks (p-1)·k+1 … p·k; five pages of the default ten reach rank 50.
MAX_PAGES = 5


def doc_url(source: str, anchor: str = "", **params) -> str:
    url = "/doc/" + quote(source, safe="/")
    if params:
        url += "?" + urlencode({k: v for k, v in params.items() if v})
    return url + (f"#{quote(anchor, safe='')}" if anchor else "")


def anchor(clause_id: str) -> str:
    """A clause's anchor in its document's page: unique within the document, stable across ingests."""
    return ClauseId(clause_id).key


def marked(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """`text` as runs of (text, matched) for the template to wrap matched runs in <mark>."""
    runs, last = [], 0
    for start, end in spans(text, terms):
        if runs and runs[-1][1] and start == last:  # adjacent matches read as one: 室内空调
            runs[-1] = (runs[-1][0] + text[start:end], True)
        else:
            runs.append((text[last:start], False))
            runs.append((text[start:end], True))
        last = end
    runs.append((text[last:], False))
    return [r for r in runs if r[0]]


def neighbours(clauses: list) -> dict[str, tuple]:
    """Each article's previous and next article (parts of an article are not articles), by clause id."""
    tops = [c for c in clauses if not c.parent]
    return {c.id: (tops[n - 1] if n else None, tops[n + 1] if n + 1 < len(tops) else None)
            for n, c in enumerate(tops)}


def citation_forms(hit) -> tuple[str, str]:
    """A hit cited two ways: 《题名》第X条 for the text of a standard, GB/T 7714 for its reference list."""
    return short_citation(hit.title, hit.article), hit_reference(hit)


templates.env.globals.update(doc_url=doc_url, anchor=anchor, marked=marked, status_class=STATUS_CLASS,
                             short_citation=short_citation,
                             citation_forms=citation_forms, problem_in_chinese=problem_in_chinese,
                             gap_summary=summary, to_check_title=TO_CHECK, to_check_note=TO_CHECK_NOTE,
                             status_choices=STATUS_CHOICES, default_status=DEFAULT_STATUS,
                             levels=LEVELS_IN_ORDER)


def _render(request: Request, name: str, status_code: int = 200, headers: dict | None = None,
            **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=headers)


render = _render   # for the other page modules (web/upload.py)


def error_page(request: Request, status: int, heading: str, message: str) -> HTMLResponse:
    """The page for an error no form shows inline (status and heading from the app's error table)."""
    return _render(request, "error.html", status_code=status, heading=heading, message=message)


def _kb(request: Request) -> KnowledgeBase:
    return request.app.state.kb


def _filters(level: list[str], status: str, region: str, as_of: str) -> SearchFilters:
    statuses = {"": [], "all": [], IN_FORCE: [Status.CURRENT.value, Status.UNKNOWN.value]}.get(status, [status])
    # The page's default is a preference: a query that names a version (2010年…, 旧版…) is shown that version.
    return SearchFilters(level=[x for x in level if x], status=statuses, region=region, as_of=as_of,
                         status_is_default=status == IN_FORCE)


def pages(reader_guard: Callable, expensive_guard: Callable, status_of: Callable[[Exception], int]) -> APIRouter:
    """The pages; `reader_guard` is the app's dependency deciding who may read (private knowledge bases),
    `expensive_guard` its rate limit for answers, reviews and gap analyses, `status_of` the HTTP status
    its error table gives an error that a form shows inline."""
    r = APIRouter(include_in_schema=False, dependencies=[Depends(reader_guard)])

    def limited(request: Request) -> HTMLResponse | None:
        """The page saying "too many requests", or None when this one may go ahead."""
        try:
            expensive_guard(request)
        except HTTPException as exc:
            return _render(request, "error.html", status_code=exc.status_code, headers=exc.headers,
                           message=f"请求过于频繁，请 {exc.headers.get('Retry-After', '60')} 秒后再试。")
        return None

    @r.get("/", response_class=HTMLResponse)
    def search_page(request: Request, q: str = Query("", max_length=1000), level: list[str] = Query([]),
                    status: str = Query(DEFAULT_STATUS, max_length=10), region: str = Query("", max_length=50),
                    as_of: str = Query("", max_length=20), k: int = Query(10, ge=1, le=50),
                    p: int = Query(1, ge=1, le=MAX_PAGES)):
        index = _kb(request)
        result, error, terms, code, more = None, "", [], 200, False
        held = holdings(index.documents().documents)
        if q.strip():
            try:
                # Page p is ranks (p-1)·k+1 … p·k of one search for p·k hits: the ranking is the same
                # for every k, so pages never overlap or skip.
                result = index.search(q, k=k * p, filters=_filters(level, status, region, as_of))
                more = len(result.hits) == k * p and p < MAX_PAGES
                result = result.model_copy(update={"hits": result.hits[k * (p - 1):]})
                terms = result.terms
            except ValidationError as exc:   # a filter the form let through but the model refuses
                error, code = _message(exc), 422
            except StdkbError as exc:
                error, code = _message(exc), status_of(exc)
        return _render(request, "search.html", status_code=code, q=q, level=level, status=status, region=region,
                       as_of=as_of, k=k, p=p, more=more, result=result, terms=terms, error=error, held=held, examples=EXAMPLES,
                       page="search")

    @r.get("/export")
    def export_results(request: Request, q: str = Query(..., min_length=1, max_length=1000),
                       level: list[str] = Query([]), status: str = Query(DEFAULT_STATUS, max_length=10),
                       region: str = Query("", max_length=50), as_of: str = Query("", max_length=20),
                       k: int = Query(50, ge=1, le=100), format: str = Query("md", pattern="^(md|docx|csv|ris|csl)$")):
        """The result list of a search as a file: the first k hits, with both citation forms; or as
        references (RIS, CSL-JSON) linked to this server's clause pages."""
        index = _kb(request)
        result = index.search(q, k=k, filters=_filters(level, status, region, as_of))
        export = results_export(result, format, str(request.base_url).rstrip("/"), index.document_info)
        return Response(export.content, media_type=export.media_type, headers=export.headers())

    @r.get("/documents", response_class=HTMLResponse)
    def documents_page(request: Request, title: str = Query("", max_length=100), level: str = Query("", max_length=20)):
        listing = _kb(request).documents(SearchFilters(level=[level] if level else []), title=title)
        docs = sorted(listing.documents, key=lambda d: (level_rank(d.level), d.title, d.publish_date))
        return _render(request, "documents.html", docs=docs, title=title, level=level, page="documents")

    @r.get("/doc/{source:path}", response_class=HTMLResponse)
    def document_page(request: Request, source: str, compare: str = Query("", max_length=300)):
        index = _kb(request)
        doc = index.document(source)
        if doc is None:
            return _render(request, "error.html", status_code=404, message=f"知识库中没有文件“{source}”。")
        diff = None
        if compare:
            older, newer = sorted([compare, source], key=lambda s: _publish_date(index, s))
            try:
                diff = index.diff(older, newer)
            except DocumentNotFound:
                diff = None   # the page says the other version is not in the knowledge base
        return _render(request, "document.html", doc=doc, diff=diff, compare=compare, page="documents",
                       neighbours=neighbours(doc.clauses), reference=gbt7714(doc),
                       removable=bool(request.app.state.settings.api_key))

    @r.get("/ask", response_class=HTMLResponse)
    def ask_page(request: Request, q: str = Query("", max_length=1000)):
        if q.strip() and (refused := limited(request)):
            return refused
        index = _kb(request)
        settings = request.app.state.settings
        result = answer_with_llm(index, q, None, settings.llm_url, settings.llm_model,
                                 settings.llm_api_key, home=settings.home) if q.strip() else None
        terms = result.terms if result else []
        return _render(request, "ask.html", q=q, result=result, terms=terms, page="ask",
                       home="/".join(settings.home), ask_examples=ASK_EXAMPLES)

    @r.get("/review", response_class=HTMLResponse)
    def review_page(request: Request, topic: str = Query("", max_length=100), level: list[str] = Query([]),
                    region: str = Query("", max_length=50)):
        review, downloads = None, {}
        if topic.strip() and (refused := limited(request)):
            return refused
        if topic.strip():
            review = literature_review(_kb(request), topic, filters=_filters(level, "", region, ""))
            params = [("topic", topic), *[("level", x) for x in level if x], ("region", region)]
            downloads = {fmt: "/api/v1/review?" + urlencode([*params, ("format", fmt)])
                         for fmt in ("md", "docx", "ris", "csl")}
        return _render(request, "review.html", topic=topic, level=level, region=region, review=review,
                       downloads=downloads, page="review")

    @r.get("/gap", response_class=HTMLResponse)
    def gap_form(request: Request):
        return _render(request, "gap.html", report=None, error="", page="gap")

    @r.post("/gap")
    def gap_page(request: Request, file: UploadFile = File(...), format: str = Form("html", pattern="^(html|md|docx|explain|explain-ris|explain-csl)$"),
                 region: str = Form("", max_length=100)):
        if refused := limited(request):
            return refused
        regions = [x for x in region.replace("，", " ").replace(",", " ").split() if x] or None
        try:
            draft = parse_received(file.filename or "", file.file)
            report = analyse_draft(_kb(request), draft, regions=regions, name=safe_filename(file.filename or ""))
        except StdkbError as exc:
            return _render(request, "gap.html", status_code=status_of(exc), report=None, error=str(exc),
                           page="gap")
        if format.startswith("explain"):   # the 编制说明 drafted from this report, or its 参考文献
            export = explanation_export(report, read_draft(draft), format.partition("-")[2] or "docx",
                                        str(request.base_url).rstrip("/"), _kb(request).document_info)
            return Response(export.content, media_type=export.media_type, headers=export.headers())
        if format != "html":
            export = gap_export(report, format)
            return Response(export.content, media_type=export.media_type, headers=export.headers())
        return _render(request, "gap.html", report=report, error="", labels=GAP_LABELS,
                       reference_status=REFERENCE_STATUS, drafting_rules=DRAFTING_RULES, page="gap")

    @r.get("/terms", response_class=HTMLResponse)
    def terms_page(request: Request, term: str = Query("", max_length=50)):
        found = term_definitions(_kb(request), term.strip())
        return _render(request, "terms.html", term=term, variants=found.variants, definitions=found.definitions,
                       page="terms")

    return r


def login_page() -> APIRouter:
    """The form for a private knowledge base's key; the app's POST /login checks it."""
    r = APIRouter(include_in_schema=False)

    @r.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, failed: int = Query(0, ge=0, le=1), next: str = Query("/", max_length=200)):
        return _render(request, "login.html", status_code=401 if failed else 200, failed=bool(failed),
                       next=next if next.startswith("/") and not next.startswith("//") else "/", page="",
                       private=request.app.state.settings.private_reads)

    return r


def _publish_date(index: KnowledgeBase, source: str) -> str:
    doc = index.document_info(source)
    return doc.publish_date if doc else ""


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(str(e.get("msg", "")) for e in exc.errors())
    return str(exc)
