"""What the knowledge base holds, for the home page: a pure function over the document list.

A drafter opening stdkb first needs to know whether her kind of document is in it at all (are
there any 地方标准? is the 2024 保密法 there?) before she trusts an empty result.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel

from index.results import DocumentInfo
from ingest.models import LEVELS_IN_ORDER, STATUSES, Level

NEWEST = 6
# Levels that only catch what fits no other: their absence tells a drafter nothing.
_CATCH_ALL = (Level.STANDARD, Level.OTHER)
# Queries of each kind the search understands, shown as links on the home page.
EXAMPLES = (
    ("条文引用", "机关事务管理条例第十条"),
    ("问题", "公务用车什么情况下可以更新？"),
    ("术语", "什么是公共机构？"),
    ("地区", "杭州市对会展活动有哪些节能要求？"),
    ("版本", "2010年保守国家秘密法第二十条"),
    ("分编引用", "民法典第1165条"),
)

# Questions for the empty /ask page, each answered by a clause of the shared corpus (tests/test_web_drafter.py asks them).
ASK_EXAMPLES = (
    "机关事务工作应当遵循什么原则？",
    "国家机关的办公用房可以出租吗？",
    "涉密载体可以通过普通邮寄寄送吗？",
    "什么是公共机构？",
)


class Holdings(BaseModel):
    documents: int
    clauses: int
    by_level: list[tuple[str, int]]      # levels in order (法律 first), only those held
    missing_levels: list[str]            # levels with no document at all
    by_status: list[tuple[str, int]]
    newest: list[DocumentInfo]


def holdings(documents: list[DocumentInfo]) -> Holdings:
    levels = Counter(d.level for d in documents)
    statuses = Counter(d.status for d in documents)
    newest = sorted(documents, key=lambda d: (d.ingested_at, d.publish_date, d.source), reverse=True)[:NEWEST]
    return Holdings(documents=len(documents), clauses=sum(d.clause_count for d in documents),
                    by_level=[(lv, levels[lv]) for lv in LEVELS_IN_ORDER if levels[lv]],
                    missing_levels=[lv for lv in LEVELS_IN_ORDER if not levels[lv] and lv not in _CATCH_ALL],
                    by_status=[(s, statuses[s]) for s in STATUSES if statuses[s]], newest=newest)
