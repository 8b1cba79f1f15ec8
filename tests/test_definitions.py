"""Which terms a clause defines."""

from __future__ import annotations

from ingest.definitions import defined_terms


def test_suocheng_definition():
    assert defined_terms("本法所称节约能源（以下简称节能），是指加强用能管理……") == ["节约能源", "节能"]


def test_definition_of_another_acts_term():
    assert defined_terms("政府采购法第二条所称财政性资金是指纳入预算管理的资金。")[0] == "财政性资金"


def test_enumerated_terms_in_a_definition_article():
    text = "本条例下列用语的含义：\n（一）举办单位，是指负责制定展会实施方案的单位；\n（二）场馆单位：提供展览场馆的单位。"
    assert defined_terms(text) == ["举办单位", "场馆单位"]


def test_genus_and_difference_sentence():
    text = "敏感个人信息是一旦泄露或者非法使用，容易导致自然人的人格尊严受到侵害的个人信息，包括生物识别等信息。"
    assert defined_terms(text) == ["敏感个人信息"]


def test_ordinary_duties_define_nothing():
    assert defined_terms("行政机关应当在二日内将罚款缴付指定的银行。") == []
    assert defined_terms("公共机构应当建立、健全本单位节能管理的规章制度。") == []
