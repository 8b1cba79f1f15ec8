"""Chinese numerals ↔ integers, as written in legal texts (第一百零二条, 二〇二四年, 两年).

Pure functions; used by structure parsing, citation parsing and numeric comparison.
"""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
           "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
           "九": 9, "玖": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}

CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS) + "".join(_BIG)
# A run of Chinese numeral characters or ASCII/full-width digits.
NUMBER_RE = re.compile(rf"[0-9０-９]+|[{CN_NUMERAL_CHARS}]+")

_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def to_halfwidth_digits(text: str) -> str:
    """Full-width digits and dot → ASCII (公安机关… headers use ３２号)."""
    return text.translate(_FULLWIDTH)


def cn_to_int(text: str) -> int:
    """Parse a Chinese or Arabic numeral: 十 → 10, 一百零二 → 102, 二〇二四 → 2024, 12 → 12.

    Raises ValueError for anything that is not a numeral.
    """
    s = to_halfwidth_digits(text.strip())
    if not s:
        raise ValueError("empty numeral")
    if s.isdigit():
        return int(s)
    if any(ch not in _DIGITS and ch not in _UNITS and ch not in _BIG for ch in s):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in _DIGITS for ch in s) and len(s) > 1:
        # Positional form used for years and codes: 二〇二四 → 2024.
        return int("".join(str(_DIGITS[ch]) for ch in s))
    return _cn_grouped(s)


def _cn_grouped(s: str) -> int:
    for big, value in (("亿", 100_000_000), ("万", 10_000)):
        if big in s:
            high, low = s.split(big, 1)
            return (_cn_grouped(high) if high else 1) * value + (_cn_grouped(low) if low else 0)
    section, digit = 0, None
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            # A bare 十 at the start means 一十 (十二 = 12).
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return section + (digit or 0)


def int_to_cn(n: int) -> str:
    """Write an integer the way article numbers are written: 10 → 十, 102 → 一百零二, 110 → 一百一十,
    10001 → 一万零一, 120000000 → 一亿二千万."""
    if n < 0:
        raise ValueError("negative numbers are not article numbers")
    if n == 0:
        return "零"
    return _grouped(n, leading=True)


def _grouped(n: int, leading: bool) -> str:
    for big, value in (("亿", 100_000_000), ("万", 10_000)):
        high, low = divmod(n, value)
        if high:
            # A zero is read where the rest does not start at its top digit: 一万零一, 一亿零五百万.
            gap = "零" if low and low < value // 10 else ""
            return _grouped(high, leading) + big + gap + (_grouped(low, leading=False) if low else "")
    return _below_10k(n, leading)


def _below_10k(m: int, leading: bool) -> str:
    digits = "零一二三四五六七八九"
    out, zero_pending = [], False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = m // unit_value % 10
        if d == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        if unit == "十" and d == 1 and not out and leading:
            out.append("十")  # 十二, not 一十二, when it leads the number
        else:
            out.append(digits[d] + unit)
    return "".join(out)
