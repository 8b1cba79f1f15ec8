"""The 达标率 of one assessment (对标达标), and the words the sheet, the README and the pages state it in.

The pilot plan (《机关事务运行保障国家级综合标准化试点实施方案》) sets the target, 标准达标率达90%以上,
but not how it is computed, so the rule is ours and is written on every sheet:

- only 要求 (应) and 禁止 (不得) items count: GB/T 1.1—2020 附录C reads 宜 as a recommendation and 可
  as a permission, neither of which a unit can fail; those items are on the sheet but not in the rate;
- 不适用 items leave the denominator (a unit without a 食堂 is not measured on the 食堂's rules);
- 基本符合 counts half: counting it whole lets a unit reach 90% with every item only "basically" met,
  counting it as nothing ignores what it has done; half keeps the two apart from 符合 and 不符合.
"""

from __future__ import annotations

from typing import Literal

Mark = Literal["符合", "基本符合", "不符合", "不适用"]
MARKS: tuple[Mark, ...] = ("符合", "基本符合", "不符合", "不适用")
COUNTED_KINDS = ("要求", "禁止")
WEIGHTS: dict[str, float] = {"符合": 1.0, "基本符合": 0.5, "不符合": 0.0}
RULE = ("达标率 =（符合项数 + 0.5 × 基本符合项数）÷（要求、禁止类条目数 − 其中不适用项数）；"
        "推荐（宜）、允许（可）类条目只作自查，不计入达标率。")


def compliance_rate(marks: list[tuple[str, Mark]]) -> float | None:
    """The 达标率 (0..1) of (kind, mark) pairs by RULE; None when no counted item applies."""
    counted = [mark for kind, mark in marks if kind in COUNTED_KINDS and mark != "不适用"]
    if not counted:
        return None
    return sum(WEIGHTS[mark] for mark in counted) / len(counted)
