"""Numeric requirements: numbers in Arabic or Chinese numerals, units, directions, and what is looser."""

from __future__ import annotations

import pytest

from analysis.gap.quantities import looser, requirements


def only(text: str):
    found = requirements(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, dimension, value, bound", [
    ("夏季不得低于二十六摄氏度", "temperature", 26, "min"),
    ("夏季不低于24℃", "temperature", 24, "min"),
    ("冬季不得高于20°C", "temperature", 20, "max"),
    ("就餐人数在五十人以下的单位食堂", "people", 50, "max"),
    ("就餐人数在100人以下的机关食堂", "people", 100, "max"),
    ("留样量不少于125 g", "mass", 125, "min"),
    ("存放48 h以上", "duration", 48, "min"),
    ("在5个工作日内反馈", "duration", 120, "max"),
    ("面积不超过十二平方米", "area", 12, "max"),
    ("比例不低于百分之三十", "percent", 30, "min"),
    ("保存期限不少于两年", "duration", 2 * 8760, "min"),
])
def test_numbers_units_and_directions(text, dimension, value, bound):
    r = only(text)
    assert (r.dimension, r.value, r.bound) == (dimension, pytest.approx(value), bound)


def test_chinese_and_arabic_numerals_compare_equal():
    assert only("不得低于二十六摄氏度").value == only("不低于26℃").value


def test_frequencies_are_times_per_hour():
    every_year, every_two_years = only("每年进行健康检查"), only("每两年体检一次")
    assert every_year.dimension == every_two_years.dimension == "frequency"
    assert every_year.value == pytest.approx(2 * every_two_years.value)
    assert only("每半年至少清洗1次").value == pytest.approx(2 * every_year.value)
    assert only("每季度开展一次测评").value == pytest.approx(4 * every_year.value)


def test_dates_are_not_durations():
    assert requirements("本条例自2017年5月1日起施行") == []
    assert requirements("自二〇一七年五月一日起施行") == []


@pytest.mark.parametrize("draft, provision, conflict", [
    ("夏季不低于24℃", "夏季不得低于二十六摄氏度", True),       # a lower minimum allows what is forbidden
    ("夏季不低于27℃", "夏季不得低于二十六摄氏度", False),       # stricter is fine
    ("每两年体检一次", "每年进行健康检查", True),              # less often than required
    ("每半年体检一次", "每年进行健康检查", False),
    ("100人以下", "五十人以下", True),                        # a wider scope than the limit
    ("30人以下", "五十人以下", False),
    ("不低于24℃", "不得高于二十六摄氏度", False),             # different directions are not compared
    ("不少于125 g", "不少于2年", False),                     # different dimensions are not compared
])
def test_a_draft_is_in_conflict_only_when_looser(draft, provision, conflict):
    assert looser(only(draft), only(provision)) is conflict


def test_a_bare_comparative_under_a_prohibition_is_a_bound():
    listed = requirements("驾驶机动车不得有下列行为：\n(七)连续驾驶机动车超过4小时未停车休息或者停车休息时间少于20分钟；")
    assert [(r.bound, r.value, r.listed) for r in listed] == [("max", 4.0, True), ("min", 1 / 3, True)]
    assert requirements("不得连续工作超过8小时")[0].bound == "max"
    assert requirements("在道路上行驶超过4小时的，应当停车休息")[0].bound == "exact"   # a condition, not a limit
