"""Who a rule binds and which period it sets: two provisions alike in words are no conflict when
they bind different bodies or time different acts (found on pairs mined from the corpus,
evaluation/relation_check.py)."""

from __future__ import annotations

from analysis.gap.conflicts import other_periods
from analysis.gap.modality import other_addressees, statements
from analysis.gap.quantities import requirements
from ingest.segment import Segmenter


def first(text: str, modality: str):
    return next(s for s in statements(text) if s.modality == modality)


def test_the_body_named_before_the_modal_verb_is_whom_it_binds():
    assert first("审计机关进行审计时，被审计单位不得拒绝。", "forbid").addressee == "被审计单位"


def test_a_condition_before_the_modal_verb_leaves_the_body_the_sentence_opens_with():
    assert first("申请人申请住房公积金贷款的，应当提供担保。", "require").addressee == "申请人"


def test_a_thing_is_no_body():
    assert first("会议室可以出租给社会单位使用。", "permit").addressee == ""


def test_a_permission_for_one_body_does_not_oppose_a_prohibition_for_another():
    assert other_addressees(first("审计机关进行审计时，有权检查被审计单位的账簿。", "permit"),
                            first("审计机关进行审计时，被审计单位不得转移会计资料。", "forbid"))


def test_two_names_of_staff_bind_the_same_people():
    assert not other_addressees(first("会议服务人员可以接打私人电话。", "permit"),
                                first("工作人员不得在会场接打电话。", "forbid"))


def test_a_clause_naming_no_body_binds_whom_the_rule_binds():
    # 不得出租办公用房 against a standard's 会议室可以出租: a conflict, whoever the rule names.
    assert not other_addressees(first("会议室可以出租给社会单位使用。", "permit"),
                                first("党政机关不得出租、出借办公用房。", "forbid"))


def test_periods_for_different_acts_or_from_different_events_are_not_compared():
    seg = Segmenter()
    ruling = requirements("人民法院应当自受理之日起七日内作出执行裁定。")[0]
    accept = requirements("人民法院应当自收到申请之日起五日内受理。")[0]
    enforce = requirements("人民法院应当自作出执行裁定之日起五日内执行。")[0]
    same = requirements("人民法院应当自受理之日起五日内作出执行裁定。")[0]
    assert other_periods(ruling, accept, seg)
    assert other_periods(ruling, enforce, seg)
    assert not other_periods(ruling, same, seg)


def test_a_body_after_a_preposition_is_not_whom_the_sentence_binds():
    assert first("闲置的办公用房经单位研究同意可出租、出借。", "permit").addressee == ""
