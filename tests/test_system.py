"""The standards system (标准体系): the framework as data, documents placed from their own text,
the 标准明细表 of held and registered standards, overrides that survive re-ingest, its files and faces."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from fastapi.testclient import TestClient

from analysis.system.framework import load_framework
from analysis.system.registry import RegisteredStandard, override_placement, register_standard
from analysis.system.render import system_docx, system_xlsx
from analysis.system.system import build_system
from api.http.app import create_app
from api.settings import Settings
from evaluation.system_eval import UNASSIGNED, load_expectations, right
from index.index import Index
from ingest.collect import collect
from ingest.errors import DocumentError
from ingest.uploads import received_upload

EXPECTATIONS = Path(__file__).resolve().parent.parent / "evaluation" / "system_expectations.tsv"

PLAN_AREAS = ["基础通用", "资产经费管理", "公共机构节能降碳", "后勤服务", "应急保障", "数字化建设"]
KEY = "system-test-key-0123456789"


# ------------------------------------------------------------------------------- the framework
def test_the_default_framework_has_the_plans_six_areas_each_with_described_second_levels():
    framework = load_framework()
    assert [a.name for a in framework if not a.parent] == PLAN_AREAS
    for top in (a for a in framework if not a.parent):
        children = [a for a in framework if a.parent == top.id]
        assert len(children) >= 3 and all(c.description for c in children), top.name


def test_a_malformed_framework_file_is_refused_naming_the_file_and_row(tmp_path):
    bad = tmp_path / "mine.tsv"
    bad.write_text("id\tparent\tname\tkeywords\tdescription\n1\t\t基础\t\t说明\n11\t9\t术语\t\t说明\n", encoding="utf-8")
    with pytest.raises(DocumentError) as err:
        load_framework(bad)
    assert "mine.tsv" in str(err.value) and "line 3" in str(err.value)


# ------------------------------------------------------------------ placement on the shared corpus
@pytest.fixture(scope="module")
def full_report(full_kb_dir):
    return build_system(Index(full_kb_dir))


@pytest.mark.slow
@pytest.mark.parametrize("title, area", [("公共机构节能条例", "公共机构节能降碳"),
                                         ("中华人民共和国突发事件应对法", "应急保障"),
                                         ("中华人民共和国数据安全法", "数字化建设"),
                                         ("中华人民共和国政府采购法", "资产经费管理"),
                                         ("物业管理条例", "后勤服务")])
def test_a_document_is_placed_in_the_area_it_regulates(full_report, title, area):
    placed = [d for d in full_report.documents if d.title == title]
    assert placed and all(area in {path[0] for path in d.areas} for d in placed), [d.areas for d in placed]


@pytest.mark.slow
@pytest.mark.parametrize("title", ["机动车驾驶证申领和使用规定", "人体损伤程度鉴定标准", "婚姻登记条例"])
def test_a_document_outside_jiguan_shiwu_stays_unassigned(full_report, title):
    placed = [d for d in full_report.documents if d.title == title]
    assert placed and all(d.areas == [] and d.score == 0 for d in placed)


@pytest.mark.slow
def test_most_of_the_expectation_list_is_placed_right(full_report):
    # 43 titles written before any placement ran; evaluation/system_eval.py reports the held-out share.
    expectations = load_expectations(EXPECTATIONS)
    by_title: dict[str, list] = {}
    for d in full_report.documents:
        by_title.setdefault(d.title, []).append(d)
    scored = [right(by_title[t], area) for t, area in expectations.items() if t in by_title]
    assert len(scored) >= 40 and sum(scored) / len(scored) >= 0.85
    assert sum(1 for a in expectations.values() if a == UNASSIGNED) >= 10


@pytest.mark.slow
def test_the_json_contract_of_stdkb_system(full_kb_dir):
    out = subprocess.run([sys.executable, "-m", "api.cli", "system", "--json", "--data-dir", str(full_kb_dir)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert {"framework", "documents", "standards", "coverage", "missing_cited"} <= set(body)
    assert set(body["framework"][0]) >= {"id", "name", "parent", "description"}
    assert set(body["documents"][0]) >= {"source", "title", "level", "areas", "score"}
    energy = next(d for d in body["documents"] if d["title"] == "公共机构节能条例")
    assert energy["areas"][0] == ["公共机构节能降碳", "节能管理"]


@pytest.mark.slow
def test_documents_cited_but_missing_include_what_the_bianzhi_shuoming_cites(full_report):
    cited = {m.cited for m in full_report.missing_cited}
    assert "GB/T30520-2014" in cited and "《党政机关公务用车管理办法》" in cited
    assert "《浙江日报》" not in cited    # a newspaper is cited, but it is no document to add


@pytest.mark.slow
def test_a_standard_the_corpus_cites_is_a_row_known_but_not_held(full_report):
    row = next(r for r in full_report.standards if r.code == "GB/T 30520—2014")
    assert (row.title, row.status, row.origin, row.area) == ("会议分类和术语", "已知未入库", "引用", ["后勤服务", "会议服务"])
    assert any("会议服务规范" in title for title in row.cited_by)
    # given with its title, the standard is one row, not a number and a title
    assert not any(r.title == "会议分类和术语" and not r.code for r in full_report.standards)


@pytest.mark.slow
def test_an_area_whose_standards_are_cited_is_not_marked_to_draft(full_report):
    meetings = next(c for c in full_report.coverage if c.area == ["后勤服务", "会议服务"])
    assert meetings.known >= 4 and not meetings.no_standard


@pytest.mark.slow
def test_a_law_cited_by_title_is_no_row_of_the_standards_table(full_report):
    assert not any(r.title == "党政机关公务用车管理办法" for r in full_report.standards)


# --------------------------------------------------- registrations and overrides (a small knowledge base)
def test_an_override_survives_re_ingest_and_replaces_the_computed_areas(kb_copy, subset_corpus):
    kb = Index(kb_copy)
    source = "行政法规/公共机构节能条例(2017-03-01).md"
    override_placement(kb, source, ["503"], load_framework())
    kb.upsert(*collect([subset_corpus / "行政法规"]))
    placed = next(d for d in build_system(Index(kb_copy)).documents if d.source == source)
    assert placed.areas == [["应急保障", "突发事件处置"]] and placed.overridden


def test_a_registered_standard_and_the_held_one_with_its_number_are_one_row(kb_copy, tmp_path):
    kb = Index(kb_copy)
    text = "# 机关事务管理 会议服务规范\n\n1 范围\n\n本文件规定了机关会议服务的要求。\n"
    with received_upload("会议服务规范.md", io.BytesIO(text.encode()),
                         {"level": "地方标准", "doc_number": "DB3301/T 0298—2019"}) as (doc, path):
        kb.upsert([doc], originals={doc.source: path})
    register_standard(kb, RegisteredStandard(code="DB3301/T 0298-2019", title="机关事务管理 会议服务规范",
                                             level="地方标准", status="现行", area="401", lead_unit="杭州市机关事务管理局"),
                      load_framework())
    rows = [r for r in build_system(kb).standards if "会议服务规范" in r.title]
    assert len(rows) == 1 and rows[0].origin == "知识库+登记" and rows[0].number == "401-01"
    assert rows[0].source == "uploads/会议服务规范.md" and rows[0].lead_unit == "杭州市机关事务管理局"
    city = next(t for t in build_system(kb).targets if t.target == "市级地方标准")
    assert city.have == 1 and not city.met


def test_the_system_docx_and_xlsx_read_back(kb_copy):
    from openpyxl import load_workbook

    kb = Index(kb_copy)
    register_standard(kb, RegisteredStandard(title="公物仓运行管理规范", level="地方标准", status="待制定", area="203",
                                             plan_year="2026"), load_framework())
    report = build_system(kb)
    doc = DocxDocument(io.BytesIO(system_docx(report)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "一、标准体系结构图" in text and "203 公物仓" in text
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "体系编号")
    assert [c.text for c in table.rows[1].cells][:5] == ["203-01", "", "公物仓运行管理规范", "地方标准", "待制定"]
    book = load_workbook(io.BytesIO(system_xlsx(report)))
    assert book.sheetnames == ["标准明细表", "统计表", "体系框架"]
    sheet = book["标准明细表"]
    assert sheet["C2"].value == "公物仓运行管理规范" and sheet.auto_filter.ref


# ------------------------------------------------------------------------------------ the API
def test_the_api_serves_the_system_and_one_area_and_writes_need_the_key(kb_copy):
    with TestClient(create_app(Settings(data_dir=kb_copy, api_key=KEY))) as c:
        body = c.get("/api/v1/system").json()
        assert [a["name"] for a in body["framework"] if not a["parent"]] == PLAN_AREAS
        area = c.get("/api/v1/system/areas/302").json()
        assert any(d["title"] == "公共机构节能条例" for d in area["documents"])
        assert c.get("/api/v1/system/areas/999").status_code == 404
        row = {"code": "GB/T 30520-2014", "title": "会议分类和术语", "level": "国家标准", "status": "现行", "area": "401"}
        assert c.post("/api/v1/system/standards", json=row).status_code == 401
        assert c.post("/api/v1/system/standards", json={**row, "area": "999"}, headers={"X-API-Key": KEY}).status_code == 404
        assert c.post("/api/v1/system/standards", json=row, headers={"X-API-Key": KEY}).status_code == 201
        assert any(r["title"] == "会议分类和术语" for r in c.get("/api/v1/system").json()["standards"])
        r = c.get("/api/v1/system?format=xlsx")
        assert r.status_code == 200 and r.content[:2] == b"PK"


def test_a_drafters_own_framework_file_replaces_the_default(kb_copy, tmp_path, monkeypatch, capsys):
    from api.cli.main import main

    mine = tmp_path / "我的框架.tsv"
    mine.write_text("id\tparent\tname\tkeywords\tdescription\n1\t\t节能\t\t节约能源\n"
                    "11\t1\t公共机构节能\t节能\t公共机构节约能源资源、能源消费统计\n", encoding="utf-8")
    monkeypatch.setenv("STDKB_SYSTEM_FILE", str(mine))
    assert main(["system", "--json", "--data-dir", str(kb_copy)]) == 0
    body = json.loads(capsys.readouterr().out)
    assert [a["name"] for a in body["framework"]] == ["节能", "公共机构节能"]
    energy = next(d for d in body["documents"] if d["title"] == "公共机构节能条例")
    assert energy["areas"] == [["节能", "公共机构节能"]]


def test_the_page_registers_a_standard_for_a_logged_in_drafter(kb_copy):
    with TestClient(create_app(Settings(data_dir=kb_copy, api_key=KEY))) as c:
        form = {"title": "公物仓运行管理规范", "level": "地方标准", "status": "待制定", "area": "203", "plan_year": "2026"}
        r = c.post("/system/register", data=form, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/system"
        c.post("/login", data={"key": KEY})
        assert c.post("/system/register", data={**form, "area": "999"}).status_code == 404
        r = c.post("/system/register", data=form)
        assert r.status_code == 200 and "203-01" in r.text and "公物仓运行管理规范" in r.text
