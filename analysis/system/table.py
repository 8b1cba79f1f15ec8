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
# A standard that documents here cite but whose text the knowledge base does not hold: it exists (so
# its area is not 待制定), it is simply to be added.
KNOWN = "已知未入库"
# Titles that name a standard rather than a law or a policy document (《会议中心运营服务规范》).
STANDARD_TITLE_ENDINGS = ("标准", "规范", "指南", "导则", "准则", "技术要求", "服务要求")
CODE_LEVELS = (("GB", "国家标准"), ("DB", "地方标准"), ("T/", "团体标准"))
_CODE = re.compile(r"^((?:DB\d{2,6}|T/[A-Z]+|[A-Z]{1,4})(?:/[TZ])?)(\d[\d.]*)(?:-(\d{4}))?$")


def written_code(key: str) -> str:
    """GB/T30520-2014 (as citations are compared) → GB/T 30520—2014 (as a 明细表 writes it)."""
    m = _CODE.match(key)
    if not m:
        return key
    return f"{m.group(1)} {m.group(2)}" + (f"—{m.group(3)}" if m.group(3) else "")


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
    origin: Literal["知识库", "登记", "知识库+登记", "引用"]
    source: str = ""                 # the document in the knowledge base, when it holds the text
    note: str = ""                   # why 待修订, for instance
    cited_by: list[str] = []         # for 已知未入库: the documents that cite it


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


def cited_standards(missing, names: dict[str, list[str]]) -> list[TableRow]:
    """Rows 已知未入库 for the standards documents here cite (by number, or by a title that names a
    standard) that the knowledge base does not hold, in the first of the citing documents' areas. A
    number cited both with and without its year is one row, the dated one."""
    dated = {m.cited.split("-")[0] for m in missing if m.kind == "standard" and "-" in m.cited}
    rows = []
    for m in missing:
        if m.kind == "standard" and "-" not in m.cited and m.cited in dated:
            continue
        title = m.title or m.cited.strip("《》")
        if m.kind == "title" and (m.cited.startswith("《中华人民共和国") or not title.endswith(STANDARD_TITLE_ENDINGS)):
            continue
        code = written_code(m.cited) if m.kind == "standard" else ""
        level = next((lv for prefix, lv in CODE_LEVELS if code.startswith(prefix)), "行业标准" if code else "")
        area_id = m.area_ids[0] if m.area_ids else ""
        rows.append(TableRow(number="", code=code, title=title if (m.title or m.kind == "title") else "（题名见引用文件）",
                             level=level, status=KNOWN, area=names.get(area_id, []), area_id=area_id,
                             origin="引用", cited_by=m.cited_by, note="被引用：" + "、".join(m.cited_by[:3])))
    return rows


def standards_table(kb: KnowledgeBase, placed: list[Placement], registered: list[RegisteredStandard],
                    names: dict[str, list[str]], cited: list[TableRow] = ()) -> list[TableRow]:
    """Held and registered standards, one row per number; a registration fills in what the text lacks
    (its status and plan) and places the row in its area. `names` maps area ids to their paths.
    `cited` rows (已知未入库) come in only where neither the text nor a registration has the number."""
    rows = {standard_key(r.code, r.title): r for r in held_rows(kb, placed)}
    for reg in registered:
        held = rows.get(reg.key)
        fields = dict(code=reg.code, title=reg.title, level=reg.level, status=reg.status, area=names.get(reg.area, []),
                      area_id=reg.area, replaces=reg.replaces, lead_unit=reg.lead_unit, plan_year=reg.plan_year)
        if held:
            rows[reg.key] = held.model_copy(update={**fields, "code": held.code or reg.code, "origin": "知识库+登记"})
        else:
            rows[reg.key] = TableRow(number="", origin="登记", **fields)
    for row in cited:
        rows.setdefault(standard_key(row.code, row.title), row)
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
