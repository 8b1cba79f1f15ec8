"""The upload page: a drafter adds documents from her browser and sees what became of each file;
and the removal of a document, confirmed on a page of its own.

Behind the server's API key: the login form sets a cookie derived from it (SameSite=Strict, so
another site cannot post here in her name). Without script the form posts all files at once; with
`upload.js` the files (dropped, chosen, or a whole folder) go one request each, so every row appears
as its file is done and a folder larger than the request limit still arrives.
"""

from __future__ import annotations

from typing import Callable, Literal

from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel

from index.results import StoredUpload
from ingest.errors import StdkbError
from ingest.models import LEVELS_IN_ORDER, STATUSES
from ingest.uploads import received_upload

Outcome = Literal["added", "replaced", "unchanged", "refused"]
OUTCOME_LABELS = {"added": "已新增", "replaced": "已替换旧版", "unchanged": "内容未变", "refused": "未接收"}
MAX_FILES = 200   # a form post with more is refused whole: a folder that large belongs to `stdkb ingest`


class UploadRow(BaseModel):
    """What became of one uploaded file."""

    name: str
    outcome: Outcome
    label: str
    source: str = ""
    title: str = ""
    level: str = ""
    clauses: int = 0
    reason: str = ""


def store_one(kb, upload: UploadFile, fields: dict[str, str]) -> UploadRow:
    name = upload.filename or ""
    try:
        with received_upload(name, upload.file, fields) as (doc, path):
            stored = StoredUpload.of(doc, kb.upsert([doc], originals={doc.source: path}))
    except StdkbError as exc:   # a bad file is this row's problem, never the batch's
        return UploadRow(name=name, outcome="refused", label=OUTCOME_LABELS["refused"], reason=str(exc))
    outcome = "unchanged" if stored.unchanged else "replaced" if stored.replaced else "added"
    return UploadRow(name=name, outcome=outcome, label=OUTCOME_LABELS[outcome], source=stored.source,
                     title=stored.title, level=stored.level, clauses=stored.clauses)


def upload_pages(render: Callable[..., HTMLResponse], access: Callable[[Request], str]) -> APIRouter:
    """`render(request, template, status_code=…, **context)` draws a page; `access(request)` says
    "ok", "login" or "disabled" (the app's key check, see api/http/security.py)."""
    r = APIRouter(include_in_schema=False)
    choices = dict(levels=LEVELS_IN_ORDER, statuses=STATUSES, page="upload")

    def refused(request: Request, state: str, back: str = "/upload"):
        if state == "login":
            return RedirectResponse("/login?next=" + quote(back, safe="/"), status_code=303)
        return render(request, "upload.html", status_code=403, disabled=True, rows=[], **choices)

    @r.get("/upload", response_class=HTMLResponse)
    def upload_form(request: Request):
        if (state := access(request)) != "ok":
            return refused(request, state)
        return render(request, "upload.html", disabled=False, rows=[], **choices)

    @r.post("/upload")
    def upload(request: Request, files: list[UploadFile | str] = File([]), level: str = Form("", max_length=20),
               status: str = Form("", max_length=20)):
        if (state := access(request)) != "ok":
            if "application/json" in request.headers.get("accept", ""):
                return JSONResponse({"error": "请先用访问密钥登录", "type": "NotLoggedIn"}, status_code=401)
            return refused(request, state)
        # A file input left empty still sends a part, with no file name: it arrives as a string.
        files = [f for f in files if not isinstance(f, str) and f.filename]
        if not files:
            rows = [UploadRow(name="（没有文件）", outcome="refused", label=OUTCOME_LABELS["refused"],
                              reason="没有选择文件")]
        elif len(files) > MAX_FILES:
            rows = [UploadRow(name=f"{len(files)} 个文件", outcome="refused", label=OUTCOME_LABELS["refused"],
                              reason=f"一次最多上传 {MAX_FILES} 个文件；更大的文件夹请在服务器上运行 stdkb ingest")]
        else:
            kb = request.app.state.kb
            rows = [store_one(kb, f, {"level": level, "status": status}) for f in files]
        code = 200 if any(row.outcome != "refused" for row in rows) else 422
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse([row.model_dump() for row in rows], status_code=code)
        return render(request, "upload.html", status_code=code, disabled=False, rows=rows, **choices)

    @r.get("/remove", response_class=HTMLResponse)
    def remove_form(request: Request, source: str = Query(..., min_length=1, max_length=300)):
        if (state := access(request)) != "ok":
            return refused(request, state, "/remove?" + urlencode({"source": source}))
        doc = request.app.state.kb.document_info(source)
        if doc is None:
            return render(request, "error.html", status_code=404, heading="文件不存在",
                          message=f"知识库中没有文件“{source}”。")
        return render(request, "remove.html", doc=doc, removed=False, page="documents")

    @r.post("/remove", response_class=HTMLResponse)
    def remove(request: Request, source: str = Form(..., min_length=1, max_length=300),
               confirm: str = Form("", max_length=10)):
        if (state := access(request)) != "ok":
            return refused(request, state, "/remove?" + urlencode({"source": source}))
        kb = request.app.state.kb
        doc = kb.document_info(source)
        if doc is None:
            return render(request, "error.html", status_code=404, heading="文件不存在",
                          message=f"知识库中没有文件“{source}”。")
        if confirm != "yes":   # only the confirmation page's button removes
            return render(request, "remove.html", status_code=422, doc=doc, removed=False, page="documents")
        kb.remove(source)
        return render(request, "remove.html", doc=doc, removed=True, page="documents")

    return r
