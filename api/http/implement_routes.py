"""标准实施 over the JSON API: the 自查表 of a document, filled ones coming back (behind the write
key, like uploads), the assessments with 达标率 and 实施覆盖率, and training sets."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field

from analysis.exports import DOCX, XLSX, checklist_export, training_export
from analysis.implement.assessment import Assessment, import_sheet
from analysis.implement.checklist import Checklist
from analysis.implement.documents import checklist_of, paper_of
from analysis.implement.progress import ImplementationReport, implementation
from analysis.implement.training import TrainingSet
from api.http.routes import download, known_parameters
from api.http.security import require_read_key, require_write_key

MAX_QUESTIONS = 100
FILES = {200: {"content": {"text/markdown": {}, DOCX: {}, XLSX: {}}}}


class TrainRequest(BaseModel):
    doc: list[str] | str = Field([], description="a title or short name, or several")
    n: int = Field(30, ge=1, le=MAX_QUESTIONS, description="questions at most")
    area: str = Field("", max_length=20, description="also the documents the 标准体系 places in this area (id)")
    format: str = Field("json", pattern="^(json|md|docx|xlsx)$",
                        description="json, docx (试卷 + 答案与解析), xlsx (题库) or md")

    def names(self) -> list[str]:
        return [self.doc] if isinstance(self.doc, str) and self.doc else list(self.doc or [])


def implement_routes() -> APIRouter:
    r = APIRouter(dependencies=[Depends(require_read_key), Depends(known_parameters)], tags=["标准实施"])

    @r.get("/checklist", response_model=Checklist, responses=FILES,
           summary="The 自查表 of a document: one item per requirement sentence (json, or a file to fill in)")
    def checklist(request: Request, doc: str = Query(..., max_length=300, description="a title or short name"),
                  format: str = Query("json", pattern="^(json|md|docx|xlsx)$",
                                      description="json, xlsx (to fill in and upload again), docx (A4) or md")):
        _, result = checklist_of(request.app.state.kb, doc)
        return result if format == "json" else download(checklist_export(result, format))

    @r.post("/checklists", status_code=201, response_model=Assessment, dependencies=[Depends(require_write_key)],
            summary="Upload a filled 自查表 (.xlsx): taken whole and kept with its 达标率, or refused whole "
                    "(422 naming the row and value); needs the API key")
    def upload(request: Request, file: UploadFile = File(..., description="the 自查表 stdkb exported, filled in"),
               unit: str = Form("", max_length=100, description="被评价单位 (else the sheet's)"),
               date: str = Form("", max_length=10, description="评价日期 YYYY-MM-DD (else the sheet's)"),
               doc: str = Form("", max_length=300, description="refuse a sheet of any other document")):
        return import_sheet(request.app.state.kb, file.filename or "自查表.xlsx", file.file.read(), unit=unit,
                            date=date, expected=doc)

    @r.get("/checklists", response_model=ImplementationReport,
           summary="Assessments: per document the units and 达标率 over time; per area 实施覆盖率; the pilot's targets")
    def assessments(request: Request):
        return implementation(request.app.state.kb, request.app.state.settings.system_file)

    def paper(request: Request, body: TrainRequest):
        result = paper_of(request.app.state.kb, body.names(), n=body.n, area=body.area,
                          system_file=request.app.state.settings.system_file)
        return result if body.format == "json" else download(training_export(result, body.format))

    @r.post("/train", response_model=TrainingSet, responses=FILES,
            summary="A training set (宣贯试题) of documents: 判断题, 单选题, 填空题, 文件题, each with its clause and proof")
    def train(request: Request, body: TrainRequest = Body(...)):
        return paper(request, body)

    @r.get("/train", response_model=TrainingSet, responses=FILES, summary="The same, as a link (for downloads)")
    def train_link(request: Request, doc: list[str] = Query([], description="a title or short name (repeatable)"),
                   n: int = Query(30, ge=1, le=MAX_QUESTIONS), area: str = Query("", max_length=20),
                   format: str = Query("json", pattern="^(json|md|docx|xlsx)$")):
        return paper(request, TrainRequest(doc=doc, n=n, area=area, format=format))

    return r
