"""GB/T 1.1—2020 drafting checks: one behaviour each, a draft that breaks the rule and one that keeps
it; then the shared dev draft with planted defects (evaluation/drafting_defects.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.gap.draft import read_draft
from analysis.gap.drafting import drafting_findings

from .conftest import SHARED

HERE = Path(__file__).resolve().parent
COVER = "# 机关事务管理 会议室服务规范（草案）\n\n杭州市地方标准\n\n前言\n\n本文件按照GB/T 1.1—2020的规定起草。\n\n"
REFS = ("2 规范性引用文件\n\n下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，"
        "仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。\n\n"
        "GB/T 30520—2014　会议分类和术语\n\n")
TERMS = "3 术语和定义\n\n本文件没有需要界定的术语和定义。\n\n"
BODY = ("4 服务要求\n\n4.1 会议室应按GB/T 30520—2014的分类配置设施。\n\n4.2 会议结束后应关闭空调和照明。\n\n"
        "4.3 会议服务人员不应泄露会议内容。\n\n")


def draft(tmp_path, text: str, name: str = "草案.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_draft(path)


def clean_text() -> str:
    return COVER + "1 范围\n\n本文件规定了机关会议室服务的要求。\n\n" + REFS + TERMS + BODY


def rules(findings, rule: str) -> list[tuple[str, str]]:
    return [(f.clause, f.rule) for f in findings if f.rule == rule]


def test_a_clean_draft_has_no_drafting_findings(tmp_path):
    assert drafting_findings(draft(tmp_path, clean_text())) == []


def test_element_order_reports_a_missing_foreword_and_terms_out_of_place(tmp_path):
    text = clean_text().replace("前言\n\n本文件按照GB/T 1.1—2020的规定起草。\n\n", "")
    text = text.replace(REFS + TERMS, TERMS.replace("3 ", "2 ") + REFS.replace("2 ", "3 ", 1))
    found = rules(drafting_findings(draft(tmp_path, text)), "element_order")
    assert ("前言", "element_order") in found and ("2", "element_order") in found and ("3", "element_order") in found


def test_lead_in_reports_chapter_2_without_the_standard_sentence(tmp_path):
    text = clean_text().replace(REFS.split("\n\n")[1], "本文件引用下列文件。")
    assert rules(drafting_findings(draft(tmp_path, text)), "lead_in") == [("2", "lead_in")]


def test_lead_in_accepts_a_terms_chapter_that_says_there_are_none(tmp_path):
    assert rules(drafting_findings(draft(tmp_path, clean_text())), "lead_in") == []


def test_self_reference_reads_the_foreword_too(tmp_path):
    text = clean_text().replace("本文件按照GB/T 1.1—2020的规定起草", "本标准按照GB/T 1.1—2020的规定起草")
    assert rules(drafting_findings(draft(tmp_path, text)), "self_reference") == [("前言", "self_reference")]


def test_a_jumped_number_is_reported_once_and_leaves_no_lone_sub_clause_behind(tmp_path):
    text = clean_text().replace("4.2 会议结束后", "4.1.1 会议结束后").replace("4.3 会议服务人员", "4.1.3 会议服务人员")
    text += "4.2 会后应清点会议用品。\n\n"
    assert rules(drafting_findings(draft(tmp_path, text)), "numbering") == [("4.1.3", "numbering")]


def test_self_reference_reports_ben_biaozhun_but_not_a_title_that_holds_it(tmp_path):
    text = clean_text().replace("4.2 会议结束后", "4.2 本规范规定，会议结束后").replace(
        "4.3 会议服务人员不应泄露会议内容。", "4.3 会议服务人员应遵守《本标准化工作规程》。")
    assert rules(drafting_findings(draft(tmp_path, text)), "self_reference") == [("4.2", "self_reference")]


def test_modal_verb_reports_bixu_and_yanjin_with_the_permitted_form(tmp_path):
    text = clean_text().replace("4.2 会议结束后应关闭", "4.2 会议结束后必须关闭").replace("不应泄露", "严禁泄露")
    found = [f for f in drafting_findings(draft(tmp_path, text)) if f.rule == "modal_verb"]
    assert [(f.clause, f.message) for f in found] == [("4.2", "使用了“必须”"), ("4.3", "使用了“严禁”")]
    assert "“应”" in found[0].suggestion and "“不应”" in found[1].suggestion


def test_modal_verb_accepts_ying_buying_yi_and_ke(tmp_path):
    text = clean_text().replace("4.2 会议结束后应关闭空调和照明。", "4.2 会议结束后宜关闭空调，可保留应急照明。")
    assert rules(drafting_findings(draft(tmp_path, text)), "modal_verb") == []


def test_numbering_reports_a_jump_and_a_lone_sub_clause(tmp_path):
    text = clean_text().replace("4.3 会议服务人员", "4.5 会议服务人员") + "5 评价\n\n5.1 每年评价一次服务质量。\n"
    found = rules(drafting_findings(draft(tmp_path, text)), "numbering")
    assert ("4.5", "numbering") in found and ("5.1", "numbering") in found


def test_reference_form_reports_hyphen_unlisted_and_uncited_references(tmp_path):
    text = clean_text().replace("GB/T 30520—2014　会议分类和术语", "GB/T 30520-2014　会议分类和术语\n\nGB/T 1.1—2020　标准化工作导则")
    text = text.replace("4.2 会议结束后应关闭空调和照明。", "4.2 会议结束后应按GB/T 2589—2020统计能耗。")
    found = [(f.clause, f.message) for f in drafting_findings(draft(tmp_path, text)) if f.rule == "reference_form"]
    assert any(c == "2" and "连接号" in m for c, m in found)
    assert any(c == "2" and "GB/T 1.1—2020" in m and "没有引用" in m for c, m in found)
    assert any(c == "4.2" and "GB/T2589" in m for c, m in found)


def test_reference_form_accepts_listed_and_cited_references(tmp_path):
    assert rules(drafting_findings(draft(tmp_path, clean_text())), "reference_form") == []


PUBLIC_BODY = "全部或者部分使用财政性资金的国家机关、事业单位和团体组织"


def terms_text(term: str, definition: str) -> str:
    chapter = f"3 术语和定义\n\n下列术语和定义适用于本文件。\n\n3.1\n\n{term}\n\n{definition}\n\n"
    return clean_text().replace(TERMS, chapter)


def test_term_duplicate_when_the_draft_copies_a_definition(tmp_path, kb):
    found = drafting_findings(draft(tmp_path, terms_text("公共机构", PUBLIC_BODY + "。")), kb)
    dup = [f for f in found if f.rule == "term_duplicate"]
    assert len(dup) == 1 and dup[0].clause == "3.1" and dup[0].evidence[0].title == "公共机构节能条例"


def test_term_conflict_when_the_knowledge_base_defines_the_term_otherwise(tmp_path, kb):
    found = drafting_findings(draft(tmp_path, terms_text("公共机构", "向社会公众开放的商场、影院等营业性场所。")), kb)
    assert [(f.clause, f.rule) for f in found if f.rule.startswith("term_")] == [("3.1", "term_conflict")]


def test_term_conflict_when_the_draft_defines_the_term_for_fewer_bodies(tmp_path, kb):
    # Most characters shared with 公共机构节能条例第二条; 团体组织 left out: another concept, one name.
    found = drafting_findings(draft(tmp_path, terms_text("公共机构", "使用财政性资金的国家机关和事业单位。")), kb)
    conflict = [f for f in found if f.rule == "term_conflict"]
    assert [f.clause for f in conflict] == ["3.1"] and "团体组织" in conflict[0].message and "窄" in conflict[0].message


def test_term_conflict_when_the_draft_adds_bodies_to_a_definition(tmp_path, kb):
    found = drafting_findings(draft(tmp_path, terms_text("公共机构", PUBLIC_BODY + "和国有企业。")), kb)
    conflict = [f for f in found if f.rule == "term_conflict"]
    assert [f.clause for f in conflict] == ["3.1"] and "国有企业" in conflict[0].message


def test_a_definition_reworded_with_the_same_bodies_is_no_conflict(tmp_path, kb):
    found = drafting_findings(draft(tmp_path, terms_text("公共机构", "全部或部分使用财政资金的国家机关、事业单位、团体组织。")), kb)
    assert [f.rule for f in found if f.rule == "term_conflict"] == []


def test_a_term_the_knowledge_base_does_not_define_is_not_flagged(tmp_path, kb):
    found = drafting_findings(draft(tmp_path, terms_text("会议茶歇", "会议间隙提供茶点的休息时段。")), kb)
    assert [f for f in found if f.rule.startswith("term_")] == []


# ---------------------------- drafts with planted defects: the shared dev draft and our meeting draft
SPECS = {"dev": (HERE.parent / "evaluation" / "drafting_defects.json", SHARED / "drafts"),
         "meeting": (HERE.parent / "evaluation" / "drafts" / "meeting_drafting_defects.json", HERE.parent / "evaluation" / "drafts")}


def _spec(name):
    path, folder = SPECS[name]
    return json.loads(path.read_text(encoding="utf-8")), folder


@pytest.mark.parametrize("name", SPECS)
def test_a_draft_as_given_has_only_its_known_findings(name, kb):
    spec, folder = _spec(name)
    found = drafting_findings(read_draft(folder / spec["draft"]), kb)
    assert [(f.clause, f.rule) for f in found] == [(b["clause"], b["rule"]) for b in spec["baseline"]]


@pytest.mark.parametrize("name", SPECS)
def test_every_planted_defect_is_reported_at_its_clause_with_its_rule(name, tmp_path, kb):
    spec, folder = _spec(name)
    text = (folder / spec["draft"]).read_text(encoding="utf-8")
    for d in spec["defects"]:
        assert d["find"] in text, d["id"]
        text = text.replace(d["find"], d["replace"], 1)
    found = [(f.clause, f.rule) for f in drafting_findings(draft(tmp_path, text, "defects.md"), kb)]
    for d in spec["defects"]:
        assert (d["clause"], d["rule"]) in found, d["id"]
    expected = [(d["clause"], d["rule"]) for d in spec["defects"] + spec["baseline"]]
    assert [f for f in found if f not in expected] == []
