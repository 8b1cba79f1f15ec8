"""The 标准实施 pages: /train (build a paper, answer it in the browser, see the score and the clause
behind each wrong answer) and /checklist (a document's 自查表 to download, a filled one to upload
behind the key, and the assessments: 达标率 over time and 实施覆盖率 against the pilot's targets).

Plain forms, no script: the paper is seeded, so the score is computed on the server by making the
same paper again from the document and the number of questions the form carries.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from analysis.implement.assessment import import_sheet
from analysis.implement.documents import checklist_of, current_titles, document_named, paper_of
from analysis.implement.progress import implementation
from analysis.implement.scoring import score
from analysis.implement.rate import RULE
from index.errors import DocumentNotFound
from ingest.errors import StdkbError

DEFAULT_N = 10
MAX_N = 50


def _clause_links(kb, score_or_paper) -> dict[tuple[str, str], tuple[str, str]]:
    """(title, article) → (source, clause id), for linking a question to its clause."""
    links = {}
    for title in {q.citation.title for q in score_or_paper}:
        try:
            page = document_named(kb, title)
        except StdkbError:
            continue
        links.update({(title, c.label): (page.source, c.id) for c in page.clauses})
    return links


def _count(value) -> int:
    """The number of questions a form asks for, within 1..MAX_N; DEFAULT_N when it is no number."""
    try:
        return max(1, min(int(str(value)), MAX_N))
    except ValueError:
        return DEFAULT_N


def _problem(exc: StdkbError) -> str:
    """An error in Chinese for the page (the API keeps the error table's message)."""
    if isinstance(exc, DocumentNotFound):
        return f"知识库中没有文件“{exc.source}”（可输入题名，如《公共机构节能条例》，或简称）。"
    return str(exc)


def implement_pages(render: Callable[..., HTMLResponse], access: Callable[[Request], str],
                    reader_guard: Callable, status_of: Callable[[Exception], int]) -> APIRouter:
    """As web/system.py: `access(request)` is "ok", "login" or "disabled" for writes; `reader_guard`
    decides who may read; `status_of` gives the HTTP status of an error shown on the page."""
    r = APIRouter(include_in_schema=False, dependencies=[Depends(reader_guard)])

    def train_page(request: Request, doc: str, n: int, result=None, error: str = "", code: int = 200):
        kb = request.app.state.kb
        paper = None
        if doc and not error:
            try:
                paper = paper_of(kb, [doc], n=n)
            except StdkbError as exc:
                error, code = f"无法出题：{_problem(exc)}", status_of(exc)
        links = _clause_links(kb, [m.question for m in result.questions]) if result else {}
        return render(request, "train.html", status_code=code, titles=current_titles(kb), doc=doc, n=n,
                      paper=paper, result=result, links=links, error=error, page="train",
                      downloads={f: "/api/v1/train?" + urlencode({"doc": doc, "n": n, "format": f})
                                 for f in ("docx", "xlsx", "md")})

    @r.get("/train", response_class=HTMLResponse)
    def train(request: Request, doc: str = "", n: int = DEFAULT_N):
        return train_page(request, doc[:300], max(1, min(n, MAX_N)))

    @r.post("/train", response_class=HTMLResponse)
    async def answer(request: Request):
        form = await request.form()
        doc, n = str(form.get("doc", ""))[:300], _count(form.get("n"))
        try:
            paper = paper_of(request.app.state.kb, [doc], n=n)
        except StdkbError as exc:
            return train_page(request, doc, n, error=f"无法评分：{_problem(exc)}", code=status_of(exc))
        given = {k: str(form.get(f"q{k}", ""))[:200] for k in range(1, len(paper.questions) + 1)}
        return train_page(request, doc, n, result=score(paper, given))

    def checklist_page(request: Request, doc: str, error: str = "", notice: str = "", code: int = 200):
        kb, settings = request.app.state.kb, request.app.state.settings
        checklist = None
        if doc and not error:
            try:
                _, checklist = checklist_of(kb, doc)
            except StdkbError as exc:
                error, code = _problem(exc), status_of(exc)
        return render(request, "checklist.html", status_code=code, titles=current_titles(kb), doc=doc,
                      checklist=checklist, report=implementation(kb, settings.system_file), rule=RULE, error=error,
                      notice=notice, can_write=access(request) == "ok", page="checklist",
                      downloads={f: "/api/v1/checklist?" + urlencode({"doc": doc, "format": f})
                                 for f in ("xlsx", "docx", "md")})

    @r.get("/checklist", response_class=HTMLResponse)
    def checklist_view(request: Request, doc: str = "", imported: str = ""):
        notice = f"已导入：{imported[:200]}" if imported else ""
        return checklist_page(request, doc[:300], notice=notice)

    @r.post("/checklist/upload")
    def upload(request: Request, file: UploadFile | str = File(""), doc: str = Form("", max_length=300),
               unit: str = Form("", max_length=100), date: str = Form("", max_length=10)):
        state = access(request)
        if state == "login":
            return RedirectResponse("/login?next=" + "/checklist", status_code=303)
        if state != "ok":
            return checklist_page(request, doc, error="导入已关闭：服务器没有设置访问密钥 STDKB_API_KEY。", code=403)
        if isinstance(file, str) or not file.filename:
            return checklist_page(request, doc, error="没有选择文件", code=422)
        try:
            a = import_sheet(request.app.state.kb, file.filename, file.file.read(), unit=unit, date=date, expected=doc)
        except StdkbError as exc:
            return checklist_page(request, doc, error=str(exc), code=status_of(exc))
        rate = "无法计算" if a.rate is None else f"{a.rate:.1%}"
        done = f"{a.unit} {a.date} 达标率 {rate}"
        return RedirectResponse("/checklist?" + urlencode({"doc": doc or a.document, "imported": done}) + "#assessments",
                                status_code=303)

    return r
