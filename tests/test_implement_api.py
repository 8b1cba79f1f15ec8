"""标准实施 over HTTP: training sets and 自查表 through the API and the pages (TestClient, real index)."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.shared import Mm
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings

from .test_assessment import DOC, _sheet

KEY = "implement-test-key-0123456789"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def client(kb_dir):
    with TestClient(create_app(Settings(data_dir=kb_dir))) as c:
        yield c


@pytest.fixture
def writer(kb_copy):
    with TestClient(create_app(Settings(data_dir=kb_copy, api_key=KEY))) as c:
        yield c


def test_train_returns_n_questions_with_their_citations(client):
    r = client.post("/api/v1/train", json={"doc": DOC, "n": 7})
    assert r.status_code == 200, r.text
    questions = r.json()["questions"]
    assert len(questions) == 7 and all(q["citation"]["title"] == DOC for q in questions)


def test_train_as_docx_is_a4_with_the_paper_then_a_page_break_then_the_answers(client):
    r = client.get("/api/v1/train", params={"doc": DOC, "n": 6, "format": "docx"})
    assert r.status_code == 200
    document = Document(io.BytesIO(r.content))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                   section.right_margin)] == [37, 35, 28, 26]
    texts = [p.text for p in document.paragraphs]
    brk = next(i for i, p in enumerate(document.paragraphs) if 'w:br w:type="page"' in p._p.xml)
    assert "答案与解析" in texts[brk + 1] and not any("答案：" in t for t in texts[:brk])


def test_the_checklist_as_docx_reads_back_as_a4_with_its_item_table(client):
    r = client.get("/api/v1/checklist", params={"doc": DOC, "format": "docx"})
    document = Document(io.BytesIO(r.content))
    assert round(document.sections[0].page_width.mm) == 210 and round(document.sections[0].page_height.mm) == 297
    items = client.get("/api/v1/checklist", params={"doc": DOC}).json()["items"]
    assert len(document.tables[0].rows) == len(items) + 1 and document.tables[0].style.name == "Table Grid"


def test_a_checklist_upload_without_the_key_is_refused_and_nothing_is_stored(writer):
    sheet = writer.get("/api/v1/checklist", params={"doc": DOC, "format": "xlsx"}).content
    r = writer.post("/api/v1/checklists", files={"file": ("自查表.xlsx", sheet, XLSX)})
    assert r.status_code == 401
    assert writer.get("/api/v1/checklists").json()["assessments"] == 0


def test_a_checklist_upload_on_a_server_without_a_key_is_403(client):
    r = client.post("/api/v1/checklists", files={"file": ("自查表.xlsx", b"x", XLSX)})
    assert r.status_code == 403


def test_an_uploaded_sheet_shows_in_the_assessments_with_its_rate(writer):
    from analysis.implement.checklist import Checklist

    checklist = Checklist(**writer.get("/api/v1/checklist", params={"doc": DOC}).json())
    for date in ("2025-01-10", "2025-06-10"):
        r = writer.post("/api/v1/checklists", headers={"X-API-Key": KEY}, data={"unit": "某局", "date": date},
                        files={"file": ("自查表.xlsx", _sheet(checklist, {}), XLSX)})
        assert r.status_code == 201, r.text
    report = writer.get("/api/v1/checklists").json()
    doc = report["documents"][0]
    assert doc["document"] == DOC and doc["units"] == ["某局"] and [p["date"] for p in doc["history"]] == ["2025-01-10", "2025-06-10"]
    assert {t["target"]: t["value"] for t in report["targets"]}["标准达标率"] == 1.0


def test_a_malformed_upload_is_422_naming_the_row_and_the_value(writer):
    from analysis.implement.checklist import Checklist

    checklist = Checklist(**writer.get("/api/v1/checklist", params={"doc": DOC}).json())
    r = writer.post("/api/v1/checklists", headers={"X-API-Key": KEY},
                    files={"file": ("坏表.xlsx", _sheet(checklist, {0: ["×"]}), XLSX)})
    assert r.status_code == 422 and "坏表.xlsx" in r.json()["error"] and "×" in r.json()["error"]
    assert writer.get("/api/v1/checklists").json()["assessments"] == 0


def test_the_train_page_scores_an_answer_sheet_and_shows_the_clause_of_each_wrong_answer(client):
    paper = client.post("/api/v1/train", json={"doc": DOC, "n": 4}).json()["questions"]
    answers = {f"q{i}": q["answer"] for i, q in enumerate(paper, start=1)}
    answers["q1"] = "不是答案"
    r = client.post("/train", data={"doc": DOC, "n": 4, **answers})
    assert r.status_code == 200 and "得分：3 / 4" in r.text
    assert paper[0]["proof"] in r.text and "/doc/" in r.text


def test_stdkb_train_of_two_documents_shares_the_questions_between_them(kb_dir, capsys):
    import json

    from api.cli.main import main

    assert main(["train", DOC, "机关事务管理条例", "-n", "6", "--json", "--data-dir", str(kb_dir)]) == 0
    questions = json.loads(capsys.readouterr().out)["questions"]
    assert len(questions) == 6 and {q["citation"]["title"] for q in questions} == {DOC, "机关事务管理条例"}
