"""The 标准明细表 (GB/T 13016-2018): one row per standard, whether the knowledge base holds its
text, a drafter registered it by metadata, or both (same number: one row), numbered by area; and
progress against the pilot plan's level targets (`data/targets.tsv`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from index.kb import KnowledgeBase
from ingest.models import STANDARD_LEVELS, Status, level_rank
from ingest.tables import read_table

from ..gap.references import check_reference
from .placement import Placement
from .registry import RegisteredStandard, standard_key

TARGETS_FILE = Path(__file__).resolve().parent / "data" / "targets.tsv"
# Statuses of the 明细表 (GB/T 13016): what the knowledge base's status means there.
FROM_STATUS = {Status.CURRENT: "现行", Status.AMENDED: "已被代替", Status.REPEALED: "已废止", Status.UNKNOWN: "现行"}
COUNTED = ("现行", "在编")   # what counts towards a target: standards issued or being drafted


class TableRow(BaseModel):
    number: str                      # 体系编号: area id and a running number, "302-01"; "—" outside every area
    code: str                        # 标准号
    title: str
    level: str
    status: str                      # 现行 / 在编 / 待制定 / 待修订 / 已被代替 / 已废止
    area: list[str]                  # [first-level, second-level]; [] outside every area
    area_id: str
    replaces: str = ""
    lead_unit: str = ""
    plan_year: str = ""
    origin: Literal["知识库", "登记", "知识库+登记"]
    source: str = ""                 # the document in the knowledge base, when it holds the text
    note: str = ""                   # why 待修订, for instance


class TargetProgress(BaseModel):
    target: str
    levels: list[str]
    count: int
    have: int
    met: bool


def held_rows(kb: KnowledgeBase, placed: list[Placement]) -> list[TableRow]:
    """The standards whose text the knowledge base holds; 待修订 when a reference is superseded."""
    rows = []
    for p in placed:
        if p.level not in STANDARD_LEVELS:
            continue
        info = kb.document_info(p.source)
        status, note = FROM_STATUS.get(info.status, "现行"), ""
        stale = [r for r in _references(kb, p.source) if r.status in ("superseded", "repealed")]
        if stale and status == "现行":
            status, note = "待修订", "引用文件已更新或废止：" + "；".join(r.cited for r in stale[:3])
        rows.append(TableRow(number="", code=info.doc_number, title=p.title, level=p.level, status=status,
                             area=p.areas[0] if p.areas else [], area_id=p.area_ids[0] if p.area_ids else "",
                             origin="知识库", source=p.source, note=note))
    return rows


def _references(kb: KnowledgeBase, source: str):
    page = kb.document(source)
    if page is None:
        return []
    lines = [line.strip() for c in page.clauses if any("规范性引用文件" in h for h in c.heading_path + [c.title])
             for line in c.text.splitlines() if re.search(r"[A-Z]{2}|《", line)]
    return [check_reference(kb, line) for line in lines]


def standards_table(kb: KnowledgeBase, placed: list[Placement], registered: list[RegisteredStandard],
                    names: dict[str, list[str]]) -> list[TableRow]:
    """Held and registered standards, one row per number; a registration fills in what the text lacks
    (its status and plan) and places the row in its area. `names` maps area ids to their paths."""
    rows = {standard_key(r.code, r.title): r for r in held_rows(kb, placed)}
    for reg in registered:
        held = rows.get(reg.key)
        fields = dict(code=reg.code, title=reg.title, level=reg.level, status=reg.status, area=names.get(reg.area, []),
                      area_id=reg.area, replaces=reg.replaces, lead_unit=reg.lead_unit, plan_year=reg.plan_year)
        if held:
            rows[reg.key] = held.model_copy(update={**fields, "code": held.code or reg.code, "origin": "知识库+登记"})
        else:
            rows[reg.key] = TableRow(number="", origin="登记", **fields)
    ordered = sorted(rows.values(), key=lambda r: (r.area_id or "~", level_rank(r.level), r.code, r.title))
    counters: dict[str, int] = {}
    for row in ordered:
        if row.area_id:
            counters[row.area_id] = counters.get(row.area_id, 0) + 1
            row.number = f"{row.area_id}-{counters[row.area_id]:02d}"
        else:
            row.number = "—"
    return ordered


def local_tier(code: str) -> str:
    """省 for DB33/T …, 市 for DB3301/T …; "" when the code is no local standard's."""
    m = re.match(r"\s*DB\s*(\d+)", code or "", re.I)
    if not m:
        return ""
    return "省" if len(m.group(1)) == 2 else "市"


def target_progress(rows: list[TableRow], path: Path = TARGETS_FILE) -> list[TargetProgress]:
    progress = []
    for row in read_table(path, ["target", "levels", "count"], required=["target", "levels", "count"]):
        name, levels, count = row["target"], row["levels"], row["count"]
        wanted = [x.strip() for x in levels.split("、")]

        def counts(row: TableRow) -> bool:
            for w in wanted:
                level, _, tier = w.partition(":")
                if row.level == level and (not tier or local_tier(row.code) == tier):
                    return True
            return False

        have = sum(1 for r in rows if r.status in COUNTED and counts(r))
        progress.append(TargetProgress(target=name, levels=wanted, count=int(count), have=have, met=have >= int(count)))
    return progress
