"""Gap analysis (协调性分析) of draft standards: labels with evidence, references, structure, reports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from fastapi.testclient import TestClient

from analysis.gap.draft import numbering_gaps, read_draft, structure_problems
from analysis.gap.gap import analyse_draft
from analysis.gap.render import gap_docx
from api.http.app import create_app
from api.settings import Settings
from evaluation.gap_eval import score
from index.index import Index

from .conftest import SHARED

DEV_DRAFT = SHARED / "drafts" / "dev_draft.md"
DEV_GOLD = SHARED / "drafts" / "dev_gold.json"

SMALL_DRAFT = """# 机关事务管理 公共机构能源管理规范（草案）

杭州市地方标准

前言

本文件按照GB/T 1.1—2020的规定起草。

1 范围

本文件规定了公共机构能源管理的要求。本文件适用于杭州市各级机关。

2 规范性引用文件

下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。

《中华人民共和国保守国家秘密法》（2010年4月29日修订）

《公共机构节能条例》

《机关食堂卫生管理条例》

GB/T 99999—2020　机关茶水间服务规范

3 术语和定义

本文件没有需要界定的术语和定义。

4 管理要求

4.1 公共机构每两年向本级机关事务管理机构报送一次上一年度能源消费状况报告。

4.2 机关事务管理部门会同有关部门建立机关食堂反食品浪费工作成效评估和通报制度，将反食品浪费纳入公共机构节约能源资源考核和节约型机关创建活动内容。

4.3 茶水间的杯子统一使用白色陶瓷杯，杯柄朝右摆放。
"""


@pytest.fixture(scope="module")
def small_draft(tmp_path_factory):
    path = tmp_path_factory.mktemp("drafts") / "能源管理规范.md"
    path.write_text(SMALL_DRAFT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_report(kb, small_draft):
    return analyse_draft(kb, small_draft)


# ---- the dev draft and our own (会议服务, 公共机构节能, 公务用车, 办公用房: evaluation/drafts/), folds of one another
OWN = Path(__file__).resolve().parent.parent / "evaluation" / "drafts"
DRAFTS = {"dev": (DEV_DRAFT, DEV_GOLD)} | {name: (OWN / f"{name}_draft.md", OWN / f"{name}_gold.json")
                                            for name in ("meeting", "energy", "vehicle", "office")}
# Planted items the domain model the tests use does not find (e5, the default, finds them): for
# the 公务用车 draft's 身份证号码 it names 个人信息保护法第二十三条 (giving data to others), not the duty
# to inform (第三十五条). Listed so that a fix shows up as a failure to update this line.
KNOWN_MISSES = {"vehicle": {"中华人民共和国个人信息保护法 第三十五条"}}


@pytest.fixture(scope="module", params=list(DRAFTS))
def draft_score(request, full_kb_dir):
    draft, gold = DRAFTS[request.param]
    report = analyse_draft(Index(full_kb_dir), draft)
    result = score(json.loads(report.model_dump_json()), json.loads(gold.read_text(encoding="utf-8")))
    return {**result, "name": request.param}


@pytest.mark.slow
def test_every_planted_item_is_found(draft_score):
    missed = {k for k, found in draft_score["missing"].items() if not found}
    assert missed == KNOWN_MISSES.get(draft_score["name"], set())
    assert draft_score["planted_found"] == draft_score["planted"] - len(missed), draft_score


@pytest.mark.slow
def test_every_labelled_clause_has_the_right_label_and_evidence(draft_score):
    assert draft_score["wrong"] == {}


@pytest.mark.slow
def test_at_most_a_tenth_of_the_unlabelled_clauses_is_flagged(draft_score):
    assert draft_score["unlabelled_flagged"] <= 0.10, draft_score["flags_outside_gold"]


# ------------------------------------------------------------------------------------------- labels
def test_a_looser_numeric_requirement_is_a_conflict_with_a_note(small_report):
    finding = next(f for f in small_report.clauses if f.number == "4.1")
    assert finding.label == "conflict"
    evidence = finding.evidence[0]
    assert evidence.title == "公共机构节能条例" and evidence.relation == "conflict"
    assert "每两年" in evidence.note and "每年" in evidence.note


def test_a_word_for_word_copy_is_a_duplicate(small_report):
    finding = next(f for f in small_report.clauses if f.number == "4.2")
    assert finding.label == "duplicate"
    assert (finding.evidence[0].title, finding.evidence[0].article) == ("中华人民共和国反食品浪费法", "第十八条")


def test_an_operational_detail_has_no_basis(small_report):
    assert next(f for f in small_report.clauses if f.number == "4.3").label == "no_basis"


# --------------------------------------------------------------------------------------- references
def test_a_dated_reference_to_a_revised_law_is_superseded_naming_the_current_version(small_report):
    ref = small_report.references[0]
    assert ref.status == "superseded"
    assert ref.matched.publish_date == "2010-04-29" and ref.current.publish_date == "2024-02-27"
    assert ref.current.source == "法律/保守国家秘密法(2024-02-27).md"


def test_an_undated_reference_is_current_and_unknown_ones_are_not_in_kb(small_report):
    statuses = [r.status for r in small_report.references]
    assert statuses == ["superseded", "current", "not_in_kb", "not_in_kb"]
    assert small_report.references[1].matched.title == "公共机构节能条例"


# ---------------------------------------------------------------------------------------- structure
def test_a_complete_draft_passes_the_structure_check(small_report):
    assert small_report.structure.ok and small_report.structure.problems == []


def test_missing_and_misplaced_chapters_are_reported(tmp_path):
    text = SMALL_DRAFT.replace("3 术语和定义\n\n本文件没有需要界定的术语和定义。\n\n", "")
    text = text.replace("1 范围", "1 规范性引用文件 ").replace("2 规范性引用文件", "2 范围")
    path = tmp_path / "bad.md"
    path.write_text(text, encoding="utf-8")
    problems = structure_problems(read_draft(path))
    assert "missing 术语和定义" in problems
    assert "order: 范围 is chapter 2, GB/T 1.1 puts it at chapter 1" in problems


def test_numbering_gaps_are_reported():
    assert numbering_gaps(["1", "2", "3", "3.1", "3.3", "4"]) == ["numbering: 3.3 where 3.2 was expected"]


# ------------------------------------------------------------------------------------------- report
def test_docx_report_has_a_table_per_label_and_the_references(small_report):
    doc = DocxDocument(io.BytesIO(gap_docx(small_report)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "与法律法规、政策文件的协调性" in headings and "规范性引用文件" in headings
    assert any(h.startswith("与上位规定冲突") for h in headings) and any(h.startswith("照抄上位规定") for h in headings)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    conflict = next(t for t in tables if t[0] == ["草案条款", "条文", "原文", "说明"] and t[1][0].startswith("4.1"))
    assert "公共机构节能条例" in conflict[1][1] and "每两年" in conflict[1][3]
    references = next(t for t in tables if t[0] == ["引用", "状态", "说明"])
    assert [row[1] for row in references[1:]] == ["已被代替", "现行有效", "知识库中没有", "知识库中没有"]


@pytest.mark.slow
def test_cli_gap_prints_the_json_contract(kb_dir, small_draft):
    out = subprocess.run([sys.executable, "-m", "api.cli", "gap", str(small_draft), "--json", "--data-dir", str(kb_dir)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert set(body) >= {"clauses", "missing", "references", "structure"}
    assert body["draft"] == small_draft.name    # the file's name, never where it lies on the disk
    clause = body["clauses"][0]
    assert set(clause) >= {"number", "text", "label", "evidence"}
    assert set(clause["evidence"][0]) >= {"title", "article", "text", "source", "relation", "note"}
    assert set(body["references"][0]) >= {"cited", "status", "matched", "current"}
    assert set(body["structure"]) == {"ok", "problems"}
    # off a terminal, progress is plain lines on stderr: the JSON on stdout stays clean
    assert f"stdkb: clauses {len(body['clauses'])}/{len(body['clauses'])} (100%)" in out.stderr


@pytest.mark.slow
def test_cli_gap_writes_a_docx_report(kb_dir, small_draft, tmp_path):
    out = tmp_path / "report.docx"
    run = subprocess.run([sys.executable, "-m", "api.cli", "gap", str(small_draft), "--out", str(out),
                          "--data-dir", str(kb_dir)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert DocxDocument(str(out)).tables


def test_api_gap_accepts_an_upload_and_returns_the_same_json(kb_dir, small_draft):
    with TestClient(create_app(Settings(data_dir=kb_dir))) as client:
        r = client.post("/api/v1/gap", files={"file": ("能源管理规范.md", small_draft.read_bytes())})
        assert r.status_code == 200, r.text
        assert r.json()["draft"] == "能源管理规范.md"
        assert [c["label"] for c in r.json()["clauses"]][:2] == ["conflict", "duplicate"]
        r = client.post("/api/v1/gap", files={"file": ("d.md", small_draft.read_bytes())}, data={"format": "docx"})
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
        assert DocxDocument(io.BytesIO(r.content)).tables
        r = client.post("/api/v1/gap", files={"file": ("draft.exe", b"MZ")})
        assert r.status_code == 422 and "draft.exe" in r.json()["error"]


# ------------------------------------------------------------------------------------- jurisdiction
def _hit(title: str, level: str):
    from index.results import Hit

    return Hit(rank=1, score=1.0, title=title, publish_date="", level=level, status="现行有效", article="第一条",
               heading_path=[], text="", source="x.md", id="x.md#第一条")


@pytest.mark.parametrize("title, level, regions, binds", [
    ("中华人民共和国食品安全法", "法律", ["杭州市", "浙江省"], True),
    ("浙江省消防条例", "地方性法规", ["杭州市", "浙江省"], True),       # the province of a city draft
    ("杭州市燃气管理条例", "地方性法规", ["浙江省"], True),              # a city inside a provincial draft
    ("北京市反食品浪费规定", "地方性法规", ["杭州市", "浙江省"], False),  # another place
    ("宁波市物业管理条例", "地方性法规", ["杭州市", "浙江省"], False),    # a sibling city
    ("北京市反食品浪费规定", "地方性法规", [], True),                    # a national draft applies everywhere
])
def test_which_rules_bind_where_the_draft_applies(title, level, regions, binds):
    from analysis.gap.regions import applicable

    assert applicable(_hit(title, level), regions) is binds


# ----------------------------------------------------- conflicts decided from what both sentences say
def _candidate(text: str, title: str = "某省公共机构节能办法", article: str = "第十条"):
    from analysis.gap.candidate import Candidate
    from index.results import Hit

    hit = Hit(rank=1, score=0.5, title=title, publish_date="2020-01-01", level="地方性法规", status="现行有效",
              article=article, heading_path=[], text=text, source=f"地方性法规/{title}.md", id=f"{title}#{article}",
              kind="article", clause_title="", issuer="", doc_number="")
    return Candidate(hit, set())


def test_the_winter_limit_is_reported_next_to_the_summer_one(kb):
    from analysis.gap.conflicts import conflicts

    provision = _candidate("室内空调的温度设置夏季制冷不得低于二十六摄氏度，冬季采暖不得高于二十摄氏度。")
    found = conflicts("办公区空调温度设置夏季不低于24摄氏度，冬季不高于24摄氏度。", [provision], kb.text.segmenter, {"public"})
    notes = [note for _, note in found]
    assert len(notes) == 2 and "不低于24摄氏度" in notes[0] and "不高于24摄氏度" in notes[1] and "二十摄氏度" in notes[1]


def test_a_permission_the_provision_forbids_is_a_conflict_quoting_both_sentences(kb):
    from analysis.gap.conflicts import opposite_statements

    provision = _candidate("会议室不得存放易燃易爆物品。")
    found = opposite_statements("会议室可存放少量易燃易爆物品。", [provision], kb.text.segmenter,
                                kb.text.rarity(["会议室", "存放", "少量", "易燃易爆", "物品"]), {"public"})
    assert len(found) == 1 and "草案“会议室可存放少量易燃易爆物品”" in found[0][1] and "“会议室不得存放易燃易爆物品”" in found[0][1]


def test_a_prohibition_of_a_violation_agrees_with_a_requirement(kb):
    from analysis.gap.conflicts import opposite_statements

    provision = _candidate("机关、事业单位不得以内部付款流程为由，拒绝或者迟延支付中小企业款项。")
    found = opposite_statements("应按照合同约定及时支付中小企业款项。", [provision], kb.text.segmenter,
                                kb.text.rarity(["合同", "约定", "及时", "支付", "中小企业", "款项"]), {"public"})
    assert found == []


def test_a_provision_for_another_kind_of_body_never_makes_a_conflict(kb):
    from analysis.gap.conflicts import conflicts

    rule = _candidate("矿山、建筑施工单位以及商场等人员密集场所经营单位，应当至少每半年组织1次生产安全事故应急救援预案演练。",
                      title="生产安全事故应急条例", article="第八条")
    draft = "食堂每年至少组织1次食品安全事故应急救援预案演练。"
    assert conflicts(draft, [rule], kb.text.segmenter, {"public"}) == []
    assert conflicts(draft, [rule], kb.text.segmenter, set()) != []   # without the draft's subject it would


PLANTED = json.loads((Path(__file__).resolve().parent.parent / "evaluation" / "gap_planted.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def planted_report(full_kb_dir, tmp_path_factory):
    text = DEV_DRAFT.read_text(encoding="utf-8")
    for case in PLANTED["cases"]:
        text = text.replace(case["find"], case["replace"], 1)
    path = tmp_path_factory.mktemp("planted") / "planted.md"
    path.write_text(text, encoding="utf-8")
    return analyse_draft(Index(full_kb_dir), path)


@pytest.mark.slow
@pytest.mark.parametrize("case", PLANTED["cases"], ids=[c["id"] for c in PLANTED["cases"]])
def test_planted_cases_beyond_numbers_get_the_right_label_and_evidence(planted_report, case):
    finding = next(f for f in planted_report.clauses if f.number == case["clause"])
    if "expect_not" in case:
        assert finding.label != case["expect_not"]
        return
    assert finding.label == case["expect"]
    assert {(e["path"], e["article"]) for e in case["evidence"]} & {(e.source, e.article) for e in finding.evidence}


# ------------------------------------------------------------------------------- references
@pytest.mark.slow
def test_a_repealed_reference_names_the_law_that_replaced_it(full_kb_dir):
    from analysis.gap.references import check_reference

    check = check_reference(Index(full_kb_dir), "《中华人民共和国环境噪声污染防治法》")
    assert check.status == "repealed" and check.current.title == "中华人民共和国噪声污染防治法"
    assert "由《中华人民共和国噪声污染防治法》" in check.note


def test_an_older_edition_of_a_standard_the_draft_cites_newer_is_superseded():
    from analysis.gap.references import ReferenceCheck, newer_edition_in_draft

    listed = ReferenceCheck(cited="GB/T 1.1—2009　标准化工作导则", status="not_in_kb")
    draft_text = "本文件按照GB/T 1.1—2020《标准化工作导则》的规定起草。\nGB/T 1.1—2009　标准化工作导则"
    checked = newer_edition_in_draft(listed, draft_text)
    assert checked.status == "superseded" and checked.current.title == "GB/T 1.1—2020"
    assert newer_edition_in_draft(listed, "GB/T 1.1—2009　标准化工作导则").status == "not_in_kb"


# -------------------------------------------------------------------------- the 编制说明
@pytest.mark.slow
def test_the_explanation_docx_has_sections_3_1_to_4_2_the_conflict_table_and_marked_placeholders(planted_report):
    from analysis.gap.explain import PLACEHOLDER, explain, explanation_docx

    text = DEV_DRAFT.read_text(encoding="utf-8")
    for case in PLANTED["cases"]:
        text = text.replace(case["find"], case["replace"], 1)
    doc = DocxDocument(io.BytesIO(explanation_docx(explain(planted_report, read_draft_text(text)))))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for number in ("3.1", "3.2", "4.1", "4.2"):
        assert any(h.startswith(number + "　") for h in headings), number
    conflict = next(t for t in doc.tables if t.rows[0].cells[0].text == "草案条款")
    assert {row.cells[0].text for row in conflict.rows[1:]} >= {"4.1.4", "4.2.2", "5.3.2", "6.1"}
    placeholders = [p.text for p in doc.paragraphs if p.text.startswith(PLACEHOLDER)]
    assert len(placeholders) >= 5 and any("验证" in p for p in placeholders)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "《中华人民共和国食品安全法》第四十五条" in body or "食品安全法" in body
    assert "参考文献" in headings and "[Z]" in body   # GB/T 7714 entries


def read_draft_text(text: str):
    import tempfile

    path = Path(tempfile.mkdtemp()) / "草案.md"
    path.write_text(text, encoding="utf-8")
    return read_draft(path)


def test_stdkb_explain_writes_markdown_with_the_chapters_of_the_draft(kb_dir, small_draft, tmp_path, capsys):
    from api.cli.main import main

    out = tmp_path / "编制说明.md"
    assert main(["explain", str(small_draft), "--out", str(out), "--data-dir", str(kb_dir)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 《机关事务管理 公共机构能源管理规范》编制说明")
    assert "### 3.2 主要技术要求的依据" in text and "4　管理要求：共 3 条" in text
    assert "| 4.1 |" in text   # the 每两年 report against 公共机构节能条例's yearly one, as a conflict row
    assert main(["explain", str(small_draft), "--out", str(tmp_path / "x.pdf"), "--data-dir", str(kb_dir)]) == 2


def test_the_api_writes_the_explanation_of_an_uploaded_draft(kb_dir, small_draft):
    with TestClient(create_app(Settings(data_dir=kb_dir))) as client:
        r = client.post("/api/v1/explain", files={"file": ("能源管理规范.md", small_draft.read_bytes())})
        assert r.status_code == 200 and r.content[:2] == b"PK"
        assert "filename*=UTF-8''%E7%BC%96%E5%88%B6" in r.headers["content-disposition"]


def test_a_rule_for_another_kind_of_body_is_never_a_basis():
    from analysis.gap.gap import _for_other_bodies

    assert _for_other_bodies(_candidate("生产经营单位应当建立健全全员安全生产责任制。", title="中华人民共和国安全生产法"), {"public"})
    assert not _for_other_bodies(_candidate("公共机构应当建立健全能源消费统计制度。"), {"public"})


def test_a_requirement_against_a_prohibition_conflicts_only_on_the_very_same_act(kb):
    from analysis.gap.conflicts import opposite_statements

    words = ["会议", "提供", "一次性", "塑料", "餐具", "支付", "款项", "中小企业", "第三方", "付款", "条件"]
    same = _candidate("会议不得提供一次性塑料餐具。")
    assert opposite_statements("会议应提供一次性塑料餐具。", [same], kb.text.segmenter, kb.text.rarity(words), {"public"})
    manner = _candidate("不得约定以收到第三方付款作为向中小企业支付款项的条件。")
    assert opposite_statements("应及时向中小企业支付款项。", [manner], kb.text.segmenter, kb.text.rarity(words), {"public"}) == []


def test_a_provision_that_punishes_a_breach_is_never_a_basis(kb):
    from analysis.gap.sanctions import sanctions

    penalty = kb.clause("机关事务管理条例第三十一条").hits[0]
    duty = kb.clause("机关事务管理条例第十条").hits[0]
    assert sanctions(penalty) and not sanctions(duty)


def test_keyword_search_finds_the_provisions_sharing_a_drafts_words(kb):
    hits = kb.keyword_search("县级以上人民政府机关事务主管部门应当制定实物定额和服务标准", k=3)
    assert hits[0].title == "机关事务管理条例" and hits[0].article == "第十条"
    assert hits[0].score == 1.0 and all(h.score <= 1.0 for h in hits)


def test_another_regions_rule_is_never_a_basis_where_it_does_not_bind(kb):
    from analysis.gap.gap import label_clause
    from index.search.filters import SearchFilters
    from ingest.models import Status

    text = "会展场馆应符合安全、消防和卫生要求，在显著位置设置安全警示和引导标识。"
    filters = SearchFilters(status=[Status.CURRENT])
    hangzhou = label_clause(kb, "5.1", text, filters, ["杭州市", "浙江省"], {"public"})
    assert hangzhou.label == "basis" and hangzhou.evidence[0].title == "杭州市会展业促进条例"
    ningbo = label_clause(kb, "5.1", text, filters, ["宁波市", "浙江省"], {"public"})
    assert all(e.relation != "basis" for e in ningbo.evidence if e.title == "杭州市会展业促进条例")
    assert all("不具约束力" in e.note for e in ningbo.evidence if e.title == "杭州市会展业促进条例")


def test_a_provision_that_requires_nothing_is_never_a_basis():
    from analysis.gap.gap import _sets_duties

    scope_rule = _candidate("对就餐人数在五十人以下的单位食堂的食品安全管理，适用有关小餐饮店的规定。")
    duty = _candidate("学校、托幼机构等集中用餐单位的食堂应当执行原料控制、食品留样等制度。")
    assert not _sets_duties(scope_rule) and _sets_duties(duty)


def test_a_drafts_everyday_word_is_covered_by_the_term_the_rules_use(kb):
    from analysis.gap.coverage import content_words, coverage

    draft = content_words("不采购不符合食品安全标准的食材", kb.text.segmenter)
    rule = content_words("不得采购不符合食品安全标准的食品原料", kb.text.segmenter)
    rarity = kb.text.rarity(sorted(draft | rule))
    assert coverage(draft, rule, rarity) < 1.0
    assert coverage(draft, rule, rarity, kb.text.segmenter.synonyms) == 1.0


def test_a_fragment_of_common_words_does_not_make_a_rule_about_anything_cover_the_clause(kb):
    from analysis.gap.coverage import clause_coverage, content_words

    clause = "食堂应制定食品安全事故应急处置方案；发生疑似食物中毒时，应立即停止供餐，封存可疑食品和留样，并及时向所在地市场监督管理部门报告"
    fragments = [clause, "并及时向所在地市场监督管理部门报告", "发生疑似食物中毒时，应立即停止供餐，封存可疑食品和留样"]
    words_of = [content_words(f, kb.text.segmenter) for f in fragments]
    lift = content_words("电梯使用单位应当及时向所在地市场监督管理部门报告电梯故障", kb.text.segmenter)
    poisoning = content_words("发生疑似食物中毒的，应当立即停止供餐，封存可疑食品及其原料和留样", kb.text.segmenter)
    rarity = kb.text.rarity(sorted(set().union(*words_of) | lift | poisoning))
    assert clause_coverage(words_of, lift, rarity) < 0.5           # it holds one small fragment whole
    assert clause_coverage(words_of, poisoning, rarity) > 0.8      # it holds a duty's share nearly whole


def test_a_function_word_the_index_drops_carries_no_rarity(kb):
    rarity = kb.text.rarity(["根据", "必须", "食品安全"])
    assert rarity["根据"] == rarity["必须"] == 0.0 < rarity["食品安全"]


def test_a_lavish_permission_finds_the_rule_written_in_frugal_words(kb):
    from analysis.gap.gap import candidates
    from index.search.filters import SearchFilters
    from ingest.models import Status

    found, _ = candidates(kb, "重要会议可根据需要安排高档菜肴和酒水。", SearchFilters(status=[Status.CURRENT]))
    rule = next(c for c in found if c.hit.title.endswith("反食品浪费法") and c.hit.article == "第六条")
    assert rule.relevance > rule.coverage    # its 节俭 speaks of the draft's 高档, the other way


def test_a_lavish_permission_conflicts_with_the_rule_that_requires_frugality(kb):
    from analysis.gap.gap import label_clause
    from index.search.filters import SearchFilters
    from ingest.models import Status

    finding = label_clause(kb, "6.1.3", "重要会议可根据需要安排高档菜肴和酒水。", SearchFilters(status=[Status.CURRENT]),
                           ["杭州市", "浙江省"], {"public"})
    assert finding.label == "conflict"
    assert [e.article for e in finding.evidence if e.title.endswith("反食品浪费法")] == ["第六条"]


def test_a_provision_sharing_one_word_of_a_short_duty_does_not_back_it(kb):
    from analysis.gap.coverage import clause_coverage, content_words

    clause = "桌签应采用宋体字，字号根据桌面大小确定，摆放端正、整齐划一"
    fragments = [clause, "桌签应采用宋体字", "字号根据桌面大小确定", "摆放端正、整齐划一"]
    words_of = [content_words(f, kb.text.segmenter) for f in fragments]
    liability = content_words("连带责任人的责任份额根据各自责任大小确定；难以确定责任大小的，平均承担责任", kb.text.segmenter)
    rarity = kb.text.rarity(sorted(set().union(*words_of) | liability))
    assert clause_coverage(words_of, liability, rarity) < 0.2      # 大小 and 确定 are not what the clause asks
    assert clause_coverage(words_of, content_words("桌签应采用宋体字", kb.text.segmenter), rarity) > 0.3


MEETING_SMALL = """# 机关事务管理 会议服务规范（草案）

杭州市地方标准

前言

本文件按照GB/T 1.1—2020的规定起草。

1 范围

本文件规定了机关会议服务的要求。本文件适用于杭州市各级机关。

2 规范性引用文件

本文件没有规范性引用文件。

3 术语和定义

本文件没有需要界定的术语和定义。

4 管理要求

4.1 会议主办单位应精简会议，压缩会议数量、规模和会期，能以电视电话或网络视频方式召开的不集中开会。

4.2 会议结束后应及时关闭空调、投影仪等用电设备，减少待机能耗。
"""


@pytest.fixture(scope="module")
def meeting_small(kb, tmp_path_factory):
    path = tmp_path_factory.mktemp("meeting") / "会议服务规范.md"
    path.write_text(MEETING_SMALL, encoding="utf-8")
    return read_draft(path)


def test_a_draft_that_never_says_保密_is_told_what_the_law_asks_of_meetings(kb, meeting_small):
    report = analyse_draft(kb, meeting_small.document)
    secrecy = [m for m in report.missing if m.title.endswith("保守国家秘密法")]
    assert [m.article for m in secrecy] == ["第三十八条"] and secrecy[0].publish_date == "2024-02-27"
    # and no clause claims to rest on what the draft never says
    assert not any(e.id == secrecy[0].id for f in report.clauses for e in f.evidence if e.relation == "basis")


def test_an_area_a_clause_rests_on_is_not_missing(kb, meeting_small):
    from analysis.gap.missing import missing_provisions
    from index.search.filters import SearchFilters
    from ingest.models import Status

    filters = SearchFilters(status=[Status.CURRENT])
    said = "举办会议或者其他活动涉及国家秘密的，主办单位应当采取保密措施"
    assert any(m.title.endswith("保守国家秘密法") for m in missing_provisions(kb, meeting_small, ["杭州市"], filters, set()))
    assert not any(m.title.endswith("保守国家秘密法")
                   for m in missing_provisions(kb, meeting_small, ["杭州市"], filters, set(), also_said=said))


def test_a_scope_article_binds_the_collective_term_it_defines():
    from analysis.gap.scope import bound_by

    article = "在本市行政区域内从事生产经营活动的企业事业单位和个体经济组织（以下统称生产经营单位）的安全生产，适用本条例。"
    assert bound_by(article) == "生产经营单位"       # not the 事业单位 of its member list
    plain = "本条例所称公共机构，是指全部或者部分使用财政性资金的国家机关、事业单位和团体组织。"
    assert bound_by(plain) == plain


def test_a_sentence_that_names_nobody_binds_whom_its_document_binds():
    from analysis.gap.modality import binds_other_bodies, statements

    nobody = statements("从业人员在一百人以下的，应当配备专职或者兼职的安全生产管理人员。")[0]
    assert not binds_other_bodies(nobody, "中华人民共和国安全生产法", {"public"})
    assert binds_other_bodies(nobody, "中华人民共和国安全生产法\n生产经营单位", {"public"})


def test_a_draft_that_avoids_the_lavish_manner_does_not_conflict_with_frugality():
    from analysis.gap.modality import opposed, statements

    rule = statements("公务活动需要安排用餐的，应当根据实际情况，节俭安排用餐数量、形式，不得超过规定的标准。")[0]
    frugal = statements("会议用餐应当节俭，以自助餐为主，不上高档菜肴，不提供高档酒水。")[0]
    lavish = statements("重要会议可根据需要安排高档菜肴和酒水。")[0]
    assert opposed(frugal, rule) == "" and opposed(lavish, rule) == "manner"


def test_the_items_under_a_lead_in_bind_the_subject_it_names():
    from analysis.gap.modality import binds_other_bodies, statements

    article = ("餐饮服务经营者应当采取下列措施，防止食品浪费：\n（一）建立健全食品采购管理制度；\n"
               "（四）提供团体用餐服务的，应当按照用餐人数合理配置菜品、主食。")
    found = statements(article)
    assert len(found) == 2 and all(binds_other_bodies(st, "中华人民共和国反食品浪费法", {"public"}) for st in found)


def test_the_head_of_a_subject_says_what_kind_of_body_it_is():
    from analysis.gap.modality import kinds

    assert kinds("县级以上人民政府食品安全监督管理部门") == {"regulator"}   # a department, not the 政府 before it
    assert kinds("国务院机关事务主管部门") == {"public"}
    assert kinds("机关、事业单位和大型企业") == {"public"}


def test_a_duty_of_the_supervising_authority_is_no_basis_for_those_it_supervises(kb):
    from analysis.gap.gap import _for_other_bodies

    record = _candidate("县级以上人民政府食品安全监督管理部门应当建立食品生产经营者食品安全信用档案，记录日常监督检查结果。")
    assert _for_other_bodies(record, {"public"})


def test_the_explanation_gives_the_status_of_each_law_the_draft_cites(small_report, small_draft):
    from analysis.gap.explain import Table, explain

    doc = explain(small_report, read_draft(small_draft))
    laws = next(s for s in doc.sections if s.number == "4.1")
    table = next(b for b in laws.blocks if isinstance(b, Table) and b.header[0] == "引用的文件")
    rows = {row[0]: row for row in table.rows}
    secrecy = rows["《中华人民共和国保守国家秘密法》（2010年4月29日修订）"]
    assert secrecy[1] == "已被代替" and "2024-02-27" in secrecy[2]
    assert rows["《公共机构节能条例》"][1] == "现行有效"


def test_the_explanation_names_what_each_clause_rests_on_and_no_stray_document(small_report, small_draft):
    from analysis.gap.explain import explain
    from analysis.gap.gap import ClauseFinding, GapHit

    def basis(title, article, coverage):
        hit = _candidate("公共机构应当……", title=title, article=article).hit
        return GapHit(**hit.model_dump(), relation="basis", coverage=coverage)

    strong = ClauseFinding(number="4.4", text="公共机构应……", label="basis",
                           evidence=[basis("公共机构节能条例", "第十四条", 0.8), basis("浙江省物业管理条例", "第十条", 0.4)])
    weak = ClauseFinding(number="4.5", text="公共机构应……", label="basis",
                         evidence=[basis("浙江省中医药条例", "第四十三条", 0.3), basis("公共机构节能条例", "第十五条", 0.3)])
    report = small_report.model_copy(update={"clauses": small_report.clauses + [strong, weak]})
    sections = {s.number: " ".join(b for b in s.blocks if isinstance(b, str)) for s in explain(report, read_draft(small_draft)).sections}
    assert "《公共机构节能条例》第十四条" in sections["3.2"] and "《公共机构节能条例》第十五条" in sections["3.2"]
    for number in ("3.2", "4.1"):
        assert "中医药" not in sections[number] and "物业管理" not in sections[number]


def test_a_draft_given_as_docx_is_analysed_as_the_same_draft_in_markdown(kb, small_report, tmp_path):
    from analysis.gap.missing import subject_of

    docx = DocxDocument()
    for line in SMALL_DRAFT.splitlines():
        if line.strip():
            docx.add_paragraph(line.lstrip("# "))
    path = tmp_path / "能源管理规范.docx"
    docx.save(path)
    report = analyse_draft(kb, path)
    assert subject_of(read_draft(path)) == "公共机构能源管理规范"      # though the file's title lost its space
    assert [(c.number, c.label) for c in report.clauses] == [(c.number, c.label) for c in small_report.clauses]
    assert [(r.cited, r.status) for r in report.references] == [(r.cited, r.status) for r in small_report.references]
    assert [m.id for m in report.missing] == [m.id for m in small_report.missing]
    assert [(f.clause, f.rule) for f in report.drafting] == [(f.clause, f.rule) for f in small_report.drafting]


def test_a_permission_to_go_above_the_standard_conflicts_with_a_rule_not_to_exceed_it(kb):
    from analysis.gap.conflicts import opposite_statements
    from analysis.gap.coverage import content_words

    rule = _candidate("公务活动需要安排用餐的，应当根据实际情况，节俭安排用餐数量、形式，不得超过规定的标准。")
    draft = "会议用餐标准可适当高于规定标准。"
    rarity = kb.text.rarity(sorted(content_words(draft, kb.text.segmenter) | content_words(rule.hit.text, kb.text.segmenter)))
    assert len(opposite_statements(draft, [rule], kb.text.segmenter, rarity, {"public"})) == 1


def test_a_limit_in_an_item_under_a_prohibition_conflicts_with_a_looser_draft(kb):
    from analysis.gap.conflicts import conflicts

    rule = _candidate("驾驶机动车不得有下列行为：\n(一)在车门、车厢没有关好时行车；\n(七)连续驾驶机动车超过4小时未停车休息或者停车休息时间少于20分钟；",
                      title="中华人民共和国道路交通安全法实施条例", article="第六十二条")
    found = conflicts("驾驶员连续驾驶机动车不超过6 h，每次停车休息时间不少于20 min。", [rule], kb.text.segmenter, {"public"})
    assert len(found) == 1 and "草案“不超过6 h”" in found[0][1] and "禁止“超过4小时”" in found[0][1]


def test_a_copy_of_one_paragraph_of_an_article_is_a_duplicate():
    from analysis.gap.similarity import copied_from, similarity

    article = ("公共机构的公务用车应当按照标准配备，优先选用低能耗、低污染、使用清洁能源的车辆。\n\n"
               "公共机构应当按照规定用途使用公务用车，制定节能驾驶规范，推行单车能耗核算制度。\n\n"
               "公共机构应当积极推进公务用车服务社会化，鼓励工作人员利用公共交通工具出行。")
    clause = "公共机构应当按照规定用途使用公务用车，制定节能驾驶规范，并推行单车能耗核算制度。"
    assert similarity(clause, article) < 0.85 <= copied_from(clause, article)


def test_a_permission_to_do_what_the_rule_forbids_in_a_compound_word_is_a_conflict(kb):
    from analysis.gap.conflicts import opposite_statements
    from analysis.gap.coverage import content_words

    rule = _candidate("政府各部门应当严格执行公务用车编制和配备标准，不得超编制、超标准配备公务用车或者超标准租用车辆。")
    draft = "因工作特殊需要，经单位负责人同意可超出编制标准配备公务用车。"
    rarity = kb.text.rarity(sorted(content_words(draft, kb.text.segmenter) | content_words(rule.hit.text, kb.text.segmenter)))
    assert len(opposite_statements(draft, [rule], kb.text.segmenter, rarity, {"public"})) == 1   # 超编制 holds 编制


def test_a_rule_that_would_be_cited_as_basis_is_first_asked_whether_it_forbids_the_clause(kb, monkeypatch):
    from analysis.gap import gap
    from index.search.filters import SearchFilters

    rule = _candidate("政府各部门不得出租、出借办公用房或者改变办公用房使用功能。", title="机关事务管理条例", article="第二十三条")
    rule.hit.level = "行政法规"
    rule.coverage = rule.relevance = rule.whole = 0.21        # enough for a basis, below CONFLICT_COVERAGE
    rule.fused = 1.0
    monkeypatch.setattr(gap, "candidates", lambda index, text, filters: ([rule], True))
    finding = gap.label_clause(kb, "5.1", "闲置的办公用房经单位研究同意可出租、出借。", SearchFilters(),
                               ["杭州市", "浙江省"], {"public"})
    assert finding.label == "conflict" and finding.evidence[0].article == "第二十三条"


def test_a_limit_shared_by_one_fragment_only_is_no_conflict(kb, monkeypatch):
    from analysis.gap import gap
    from index.search.filters import SearchFilters

    archive = _candidate("评估机构应当建立评估档案制度，评估档案的保存期限不少于十五年。", title="中华人民共和国资产评估法",
                         article="第二十九条")
    archive.hit.level = "法律"
    archive.coverage = archive.relevance = 0.3        # the fragment 信息保存期限不少于3年 …
    archive.whole = 0.1                                # … but not the clause, which is about a 用车申请
    archive.fused = 1.0
    monkeypatch.setattr(gap, "candidates", lambda index, text, filters: ([archive], True))
    text = "用车申请应登记乘车人姓名、身份证号码和手机号码，信息保存期限不少于3年。"
    assert gap.label_clause(kb, "6.2", text, SearchFilters(), ["杭州市"], {"public"}).label != "conflict"
    archive.whole = 0.3
    assert gap.label_clause(kb, "6.2", text, SearchFilters(), ["杭州市"], {"public"}).label == "conflict"


@pytest.mark.parametrize("problem, chinese", [
    ("missing 术语和定义", "缺少“术语和定义”"),
    ("order: 范围 is chapter 2, GB/T 1.1 puts it at chapter 1", "“范围”是第2章，GB/T 1.1 要求为第1章"),
    ("numbering: 3.3 where 3.2 was expected", "条号 3.3 处应为 3.2"),
])
def test_a_structure_problem_is_said_in_chinese_on_the_page_and_in_the_reports(problem, chinese):
    from analysis.gap.draft import problem_in_chinese

    assert problem_in_chinese(problem) == chinese


# ------------------------------------------------------------------ duties to check (issue 30)
RESTS_ON_ONE_LAW = """# 机关事务管理 公共机构节能管理规范（草案）

## 1 范围

本文件规定了公共机构节能管理的要求。本文件适用于杭州市公共机构。

## 3 管理要求

3.1 公共机构应建立健全本单位节能管理的规章制度，开展节能宣传教育和岗位培训。

3.2 公共机构应实行能源消费计量制度，区分用能种类、用能系统实行能源消费分户、分类、分项计量。

3.3 公共机构应指定专人负责能源消费统计，如实记录能源消费计量原始数据，建立统计台账。
"""


@pytest.fixture(scope="module")
def one_law_report(kb, tmp_path_factory):
    path = tmp_path_factory.mktemp("drafts") / "节能管理规范.md"
    path.write_text(RESTS_ON_ONE_LAW, encoding="utf-8")
    return analyse_draft(kb, path)


def test_duties_to_check_come_from_the_document_the_draft_rests_on_and_no_clause_cites(one_law_report):
    from analysis.gap.neighbourhood import MAX_TO_CHECK, anchors

    backed = anchors(one_law_report.clauses)
    cited = {e.id for f in one_law_report.clauses for e in f.evidence} | {m.id for m in one_law_report.missing}
    assert "行政法规/公共机构节能条例(2017-03-01).md" in backed
    assert 0 < len(one_law_report.to_check) <= MAX_TO_CHECK
    for m in one_law_report.to_check:
        assert m.source in backed and m.id not in cited
        assert "为依据，但没有体现其中的这项义务" in m.reason and ("应当" in m.reason or "不得" in m.reason)


def test_duties_to_check_are_listed_in_the_report_files_apart_from_the_findings(one_law_report):
    from analysis.gap.render import TO_CHECK, gap_markdown, summary

    text = gap_markdown(one_law_report)
    assert TO_CHECK in text and text.index(TO_CHECK) > text.index("## 草案未体现的适用规定")
    assert f"草案未体现的规定 {len(one_law_report.missing)} 条" in summary(one_law_report)
