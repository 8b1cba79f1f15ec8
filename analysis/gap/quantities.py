"""Numeric requirements in clause text, and whether a draft's requirement is looser than a provision's.

A requirement is a number with a unit and a direction: 夏季不得低于二十六摄氏度 is a lower bound
of 26 ℃; 就餐人数在五十人以下 an upper bound of 50 people; 每年进行健康检查 a frequency of at
least once a year. Units are converted to one base unit per dimension (两年 = 2 年 = 730 天), so
a draft and a provision compare whatever numerals and units each was written in. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.numerals import CN_NUMERAL_CHARS, cn_to_int, to_halfwidth_digits

# unit as written → (dimension, size in the dimension's base unit). Longest spellings are tried first.
UNITS: dict[str, tuple[str, float]] = {
    "摄氏度": ("temperature", 1), "℃": ("temperature", 1), "°C": ("temperature", 1), "°c": ("temperature", 1),
    "分钟": ("duration", 1 / 60), "min": ("duration", 1 / 60), "小时": ("duration", 1), "h": ("duration", 1),
    "个工作日": ("duration", 24), "工作日": ("duration", 24), "天": ("duration", 24), "日": ("duration", 24),
    "周": ("duration", 168), "星期": ("duration", 168), "个月": ("duration", 730), "年": ("duration", 8760),
    "人": ("people", 1), "名": ("people", 1),
    "克": ("mass", 1), "g": ("mass", 1), "千克": ("mass", 1000), "kg": ("mass", 1000), "公斤": ("mass", 1000),
    "吨": ("mass", 1e6), "t": ("mass", 1e6),
    "平方米": ("area", 1), "m²": ("area", 1), "㎡": ("area", 1), "m2": ("area", 1),
    "毫米": ("length", 0.001), "mm": ("length", 0.001), "厘米": ("length", 0.01), "cm": ("length", 0.01),
    "公里": ("length", 1000), "千米": ("length", 1000), "km": ("length", 1000), "米": ("length", 1), "m": ("length", 1),
    "万元": ("money", 10_000), "元": ("money", 1),
    "%": ("percent", 1), "％": ("percent", 1),
    "分贝": ("loudness", 1), "dB": ("loudness", 1), "db": ("loudness", 1),
}
# Periods of 每…: 每年, 每两年, 每半年, 每季度, 每月, 每周, 每日 → length in hours.
PERIODS: dict[str, float] = {"年": 8760, "季度": 2190, "季": 2190, "个月": 730, "月": 730, "周": 168, "星期": 168,
                             "天": 24, "日": 24, "小时": 1}

MIN_WORDS = ("不得低于", "不应低于", "不宜低于", "不低于", "不得少于", "不应少于", "不宜少于", "不少于", "不得小于",
             "不小于", "至少", "最少", "≥", "大于等于")
MAX_WORDS = ("不得高于", "不应高于", "不宜高于", "不高于", "不得超过", "不应超过", "不宜超过", "不超过", "不得大于",
             "不大于", "至多", "最多", "≤", "小于等于")
# A bare comparative bounds the number only where a prohibition governs it: "不得有下列行为：……连续驾驶
# 机动车超过4小时" forbids more than 4 hours (at most 4), "停车休息时间少于20分钟" less than 20 minutes.
FORBIDDEN_ABOVE = ("超过", "超出", "高于", "多于", "大于")
FORBIDDEN_BELOW = ("少于", "低于", "小于", "不足")
_PROHIBITION = re.compile(r"不得|禁止|严禁")
_PROHIBITED_LIST = re.compile(r"(?:不得|禁止|严禁)[^。；;]*下列[^。；;]*[：:]")
MIN_SUFFIXES = ("及以上", "以上")
MAX_SUFFIXES = ("及以下", "以下", "以内", "内")

_NUM = rf"(?:\d+(?:\.\d+)?|[{CN_NUMERAL_CHARS}]+(?:点[{CN_NUMERAL_CHARS}]+)?)"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_AMOUNT = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>{_UNIT_ALT})(?![A-Za-z])|百分之(?P<pct>{_NUM})")
_DATE = re.compile(rf"(?:\d{{4}}|[{CN_NUMERAL_CHARS}]{{4}})年(?:{_NUM}月(?:{_NUM}日)?)?|{_NUM}月{_NUM}日")
_PERIOD_ALT = "|".join(sorted(PERIODS, key=len, reverse=True))
_EVERY = re.compile(rf"每(?P<n>半|{_NUM})?个?(?P<period>{_PERIOD_ALT})")
_TIMES = re.compile(rf"(?P<bound>不少于|至少|不超过|最多)?\s*(?P<n>{_NUM})\s*次")
_SEGMENT = re.compile(r"[^，,；;。：:！？\n]+")


@dataclass(frozen=True)
class Requirement:
    dimension: str      # temperature, duration, people, …; "frequency" for 每…一次 (times per hour)
    value: float        # in the dimension's base unit
    bound: str          # "min", "max" or "exact"
    phrase: str         # the words as written: 不得低于二十六摄氏度
    segment: str        # the stretch of text (between commas) it belongs to
    listed: bool = False  # an item under "不得有下列行为：", forbidden by the sentence before it


def to_number(text: str) -> float:
    """Arabic or Chinese numerals: 26, 2.5, 二十六, 两, 零点五."""
    text = to_halfwidth_digits(text)
    if "点" in text:
        whole, frac = text.split("点", 1)
        return float(f"{cn_to_int(whole) if whole else 0}.{''.join(str(cn_to_int(c)) for c in frac)}")
    return float(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else float(cn_to_int(text))


def _bound_before(text: str, start: int) -> tuple[str, int]:
    window = text[max(0, start - 6):start]
    for words, bound in ((MIN_WORDS, "min"), (MAX_WORDS, "max")):
        for w in words:
            if window.rstrip().endswith(w) or re.search(re.escape(w) + r"[^，,；;。]{0,2}$", window):
                return bound, start - len(window) + window.rfind(w)
    return "", start


def _bound_after(text: str, end: int) -> tuple[str, int]:
    rest = text[end:end + 3]
    for suffixes, bound in ((MIN_SUFFIXES, "min"), (MAX_SUFFIXES, "max")):
        for s in suffixes:
            if rest.startswith(s):
                return bound, end + len(s)
    return "", end


def _forbidden_bound(segment: str, start: int, prohibited_item: bool) -> tuple[str, int]:
    """The bound a prohibition sets on the number at `start`: "max" after 不得…超过, "min" after
    不得…少于; ('', start) when no prohibition governs it or no comparative stands right before it."""
    if not (prohibited_item or _PROHIBITION.search(segment[:start])):
        return "", start
    window = segment[max(0, start - 3):start].rstrip()
    for words, bound in ((FORBIDDEN_ABOVE, "max"), (FORBIDDEN_BELOW, "min")):
        for w in words:
            if window.endswith(w):
                return bound, start - len(segment[max(0, start - 3):start]) + window.rfind(w)
    return "", start


DURATIONS = {unit for unit, (dimension, _) in UNITS.items() if dimension == "duration"}


@dataclass(frozen=True)
class Amount:
    """A number with its unit as written in a sentence, where it stands and which way it binds."""

    start: int          # the number's span in the text
    end: int
    number: str         # as written: 30, 三十
    unit: str
    value: float        # in `unit`
    bound: str          # "min" (不少于…, …以上), "max" (不超过…, …以内) or "exact"


# 3次, 三次以上; not 第一次, 第12次 (ordinals) or 一次性 (at one go).
# A single 大写 numeral (伍, 拾) is a word's character far more often than a number: 退伍, 队伍.
_FORMAL = re.compile(r"[壹贰叁肆伍陆柒捌玖拾佰仟]")
_COUNT = re.compile(rf"(?<![第\d{CN_NUMERAL_CHARS}])(?P<num>{_NUM})\s*(?P<unit>次)(?!性)")
# 活动举办三十日前备案: at least thirty days ahead. Only for amounts(): in 次月10日前 the 10日 is a day
# of the month, which requirements() keeps reading as exact.
_AHEAD = re.compile(r"\s*前")


def amounts(text: str) -> list[Amount]:
    """Every number with a unit (and every count of 次) in `text`, in order; dates are not amounts."""
    out: list[Amount] = []
    listed = _PROHIBITED_LIST.search(text)
    for seg in _SEGMENT.finditer(text):
        segment = seg.group(0)
        prohibited_item = bool(listed) and seg.start() >= listed.end()
        dates = [m.span() for m in _DATE.finditer(segment)]
        found = sorted([*_AMOUNT.finditer(segment), *_COUNT.finditer(segment)], key=lambda m: m.start())
        for m in found:
            if not m.group("num") or any(s <= m.start() < e for s, e in dates):
                continue
            if m.group("unit") == "年" and segment[m.end():].startswith("度"):   # 上一年度 is a year, not a period
                continue
            before = segment[m.start("num") - 1] if m.start("num") else ""
            if before.isdigit() or _FORMAL.fullmatch(m.group("num")):
                continue   # 1000万人 is 1000 (万 its unit), 退伍人员 holds no number
            if m.group("unit") in ("日", "天") and before == "月":
                continue   # 次月10日 is a day of the month
            try:
                value = to_number(m.group("num"))
            except ValueError:
                continue
            bound = _bound_of(segment, m, prohibited_item)[0]
            if bound == "exact" and m.group("unit") in DURATIONS and _AHEAD.match(segment, m.end()):
                bound = "min"
            out.append(Amount(seg.start() + m.start("num"), seg.start() + m.end("num"), m.group("num"),
                              m.group("unit"), value, bound))
    return out


def _bound_of(segment: str, m: re.Match, prohibited_item: bool) -> tuple[str, int, int]:
    """Which way the amount `m` binds, and the span of its phrase (不得低于二十六摄氏度)."""
    bound, start = _bound_before(segment, m.start())
    after, end = _bound_after(segment, m.end())
    if not (bound or after):
        bound, start = _forbidden_bound(segment, m.start(), prohibited_item)
    return bound or after or "exact", start, end


def requirements(text: str) -> list[Requirement]:
    """Every numeric requirement in `text`, in order."""
    out: list[Requirement] = []
    listed = _PROHIBITED_LIST.search(text)   # the items after "不得有下列行为：" are what is forbidden
    for seg in _SEGMENT.finditer(text):
        segment = seg.group(0)
        prohibited_item = bool(listed) and seg.start() >= listed.end()
        taken: list[tuple[int, int]] = [m.span() for m in _DATE.finditer(segment)]  # dates are not amounts
        for m in _EVERY.finditer(segment):
            n = m.group("n")
            try:
                count_of_periods = 0.5 if n == "半" else (to_number(n) if n else 1.0)
            except ValueError:
                continue
            hours = count_of_periods * PERIODS[m.group("period")]
            times, bound, end = 1.0, "min", m.end()
            t = _TIMES.search(segment, m.end(), m.end() + 20)
            if t:
                try:
                    times = to_number(t.group("n"))
                except ValueError:
                    times = 1.0
                bound = "max" if t.group("bound") in ("不超过", "最多") else "min"
                end = t.end()
            out.append(Requirement("frequency", times / hours, bound, segment[m.start():end], segment, prohibited_item))
            taken.append((m.start(), end))
        for m in _AMOUNT.finditer(segment):
            if any(s <= m.start() < e for s, e in taken):
                continue
            try:
                value = to_number(m.group("num") or m.group("pct"))
            except ValueError:
                continue
            dimension, size = UNITS[m.group("unit")] if m.group("unit") else ("percent", 1)
            bound, start, end = _bound_of(segment, m, prohibited_item)
            out.append(Requirement(dimension, value * size, bound, segment[start:end], segment, prohibited_item))
            taken.append(m.span())
    return out


def looser(draft: Requirement, provision: Requirement) -> bool:
    """Does the draft allow what the provision forbids? (Stricter drafts are fine: 不低于27℃ vs 26℃.)"""
    if draft.dimension != provision.dimension or draft.bound != provision.bound:
        return False
    tolerance = 1e-9 * max(abs(provision.value), 1)
    if draft.bound == "min":
        return draft.value < provision.value - tolerance
    if draft.bound == "max":
        return draft.value > provision.value + tolerance
    return False

