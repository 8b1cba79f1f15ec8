"""A question that asks for a number of years, a period or an amount is answered only by a clause
that states one; otherwise the answer says the clause does not."""

from __future__ import annotations

import pytest

from analysis.answer.ask import answer
from analysis.answer.asked import asked_for, holds
from index.results import Hit, SearchResult


@pytest.mark.parametrize("question, kind", [
    ("公务用车使用满几年可以更新？", "年限"),
    ("食堂从业人员多久体检一次？", "期限"),
    ("公共机构的空调温度夏天最低能设到多少度？", "数值"),
    ("公务接待能不能安排宴请？", "可否"),
    ("办公用房可以出租吗？", "可否"),
    ("公务用车由谁负责管理？", "主体"),
    ("机关食堂的浪费情况由哪个部门评估通报？", "主体"),
    ("机关事务工作应当遵循什么原则？", None),
    ("什么是公共机构？", None),
])
def test_what_a_question_asks_for(question, kind):
    assert asked_for(question) == kind


@pytest.mark.parametrize("kind, sentence, held", [
    ("年限", "公务用车按照规定年限更新。", False),
    ("年限", "公务用车使用满8年的，可以更新。", True),
    ("期限", "直接接触入口食品的从业人员应当定期进行健康检查。", False),
    ("期限", "直接接触入口食品的从业人员应当每年进行健康检查。", True),
    ("期限", "在5个工作日内答复。", True),
    ("期限", "制定年度节能目标和实施方案。", True),
    ("数值", "夏季不得低于二十六摄氏度。", True),
    ("数值", "温度设置应当符合国家有关规定。", False),
])
def test_whether_a_sentence_holds_that_answer(kind, sentence, held):
    assert holds(kind, sentence) is held


@pytest.mark.parametrize("question, clause, held", [
    ("公务接待能不能安排宴请？", "政府各部门和公务接待管理机构应当严格执行公务接待制度和标准。", False),
    ("公务接待能不能安排宴请？", "接待单位不得安排宴请。", True),
    ("办公用房可以出租吗？", "政府各部门不得出租、出借办公用房或者改变办公用房使用功能；", True),
    ("办公用房可以出租吗？", "办公用房的出租收入按照规定上缴。", False),   # the act, but neither permitted nor forbidden
])
def test_a_yes_or_no_question_is_held_by_a_clause_that_permits_or_forbids_its_act(question, clause, held):
    assert holds("可否", clause, question) is held


def test_a_question_for_a_body_is_held_only_by_a_clause_naming_one():
    assert holds("主体", "县级以上地方人民政府公务用车主管部门负责本级政府公务用车管理工作。")
    assert not holds("主体", "公务用车应当严格按照规定用途使用。")


def test_a_yes_or_no_question_answered_by_a_clause_silent_on_the_act_says_so(kb):
    # 机关事务管理条例第二十八条 speaks of 公务接待 but neither permits nor forbids a 宴请.
    result = answer(_Confident(kb, "机关事务管理条例第二十八条"), "公务接待能不能安排宴请？")
    assert not result.answered and "条文没有直接规定可否这样做" in result.notice


class _Confident:
    """The knowledge base as search would answer: confidently, with the real clause given."""

    def __init__(self, kb, citation):
        self.text, self._hit = kb.text, kb.clause(citation).hits[0]

    def search(self, question, k=10, filters=None):
        return SearchResult(query=question, hits=[Hit(**self._hit.model_dump(include=set(Hit.model_fields)))],
                            confidence=0.9, terms=["公务用车", "更新"])


def test_a_question_for_years_answered_by_a_clause_without_a_number_says_so(kb):
    # 机关事务管理条例第二十五条 speaks of 公务用车 but names no number of years.
    result = answer(_Confident(kb, "机关事务管理条例第二十五条"), "公务用车使用满几年可以更新？")
    assert not result.answered and result.answer == "" and "条文未规定具体年限" in result.notice
    assert result.evidence[0].article == "第二十五条"


def test_a_question_for_a_period_answered_by_a_clause_that_states_one_is_answered(kb):
    # 公共机构节能条例第十三条: 制定年度节能目标 — a yearly target is a period.
    result = answer(_Confident(kb, "公共机构节能条例第十三条"), "公共机构节能目标多长时间定一次？")
    assert result.answered and "年度节能目标" in result.answer


# ----------------------------------------------------------------------------- whose rule
def _hit(kb, citation):
    return kb.clause(citation).hits[0]


def test_an_answer_says_whose_rule_it_quotes(kb):
    from analysis.answer.ask import whose_rule

    national, local = _hit(kb, "机关事务管理条例第十条"), _hit(kb, "杭州市会展业促进条例第十九条")
    assert whose_rule(national, []) == ("全国性规定", "")
    assert whose_rule(local, ["浙江省", "杭州市"]) == ("本地规定（杭州市）", "")
    assert whose_rule(local, ["浙江省"]) == ("本地规定（杭州市）", "")     # a province holds its cities
    assert whose_rule(local, ["山东省"]) == ("外地规定（杭州市）", "杭州市")


def test_a_national_or_home_rule_of_the_first_hits_is_quoted_before_another_region_s(kb):
    from analysis.answer.ask import preferred_first

    national, local = _hit(kb, "机关事务管理条例第十条"), _hit(kb, "杭州市会展业促进条例第十九条")
    assert preferred_first([local, national], home=["山东省"])[0] is national
    assert preferred_first([local, national], home=["浙江省", "杭州市"])[0] is local


def test_a_rule_that_states_what_is_asked_comes_before_one_that_does_not(kb):
    from analysis.answer.ask import preferred_first

    vague, stated = _hit(kb, "机关事务管理条例第十条"), _hit(kb, "公共机构节能条例第十三条")
    assert not holds("期限", vague.text) and holds("期限", stated.text)
    assert preferred_first([vague, stated], home=[], wanted="期限")[0] is stated


def test_the_home_region_setting_is_a_list_of_regions():
    from api.settings import Settings

    assert Settings(home_region="浙江省/杭州市").home == ["浙江省", "杭州市"]
    assert Settings().home == []
