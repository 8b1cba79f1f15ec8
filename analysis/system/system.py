"""The standards system view: the framework, every document placed in it, the 标准明细表, coverage
per area and level, the documents cited but missing, and progress against the plan's targets.

Built in about 2 s for the shared corpus (one search per area, one pass over the documents) and
kept per catalogue generation and framework, so pages and API calls after the first are instant.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from pathlib import Path

from pydantic import BaseModel

from index.kb import KnowledgeBase
from index.results import Hit
from ingest.models import LEVELS_IN_ORDER, SUPERSEDED, Level

from ..cite import short_citation
from ..gap.references import STANDARD_NUMBER
from .framework import DEFAULT_FRAMEWORK, Area, leaves, load_framework, path_of
from .placement import Placement, area_hits, place_documents
from .registry import placement_overrides, registered_standards
from .table import KNOWN, TableRow, TargetProgress, cited_standards, standards_table, target_progress

_TITLE = re.compile(r"《([^《》]{2,60})》")
# What the title of a law, regulation, policy document or standard ends with; 《浙江日报》 and
# 《医疗机构执业许可证》 are cited too, but are not documents a drafter could add.
DOCUMENT_ENDINGS = ("法", "条例", "规定", "办法", "细则", "规则", "决定", "意见", "通知", "方案", "规范", "标准",
                    "指南", "纲要", "规划", "准则", "要求", "制度", "章程", "通则", "导则")
BINDING = (Level.LAW, Level.ADMINISTRATIVE_REGULATION, Level.DEPARTMENTAL_RULE, Level.PARTY_REGULATION,
           Level.LOCAL_REGULATION)
_DUTY = re.compile(r"应当|必须|不得|严禁")
MAX_CITED_BY = 5
DUTIES_SHOWN = 3


class FrameworkArea(BaseModel):
    id: str
    name: str
    parent: str
    description: str


class Duty(BaseModel):
    """A provision that imposes a duty in an area: evidence for a standard to draft (待制定)."""
    citation: str
    id: str
    source: str
    text: str


class AreaCoverage(BaseModel):
    id: str
    area: list[str]                      # [first-level, second-level]
    documents: int
    by_level: dict[str, int]             # documents of each level placed here, levels in order
    provisions_by_level: dict[str, int]  # their provisions the area's search finds, by level
    standards: int                       # rows of the 明细表 in this area (held or registered)
    to_revise: int                       # of them 待修订
    known: int = 0                       # standards cited here that the knowledge base does not hold (已知未入库)
    no_standard: bool                    # laws or regulations bind it but no standard is held or cited: 待制定
    duties: list[Duty]                   # the binding provisions behind that, when no_standard


class MissingCited(BaseModel):
    cited: str                           # 《title》 or a standard number
    kind: str                            # "title" | "standard"
    count: int                           # how many documents cite it
    cited_by: list[str]                  # the first few citing documents' titles
    areas: list[list[str]]               # the areas of the citing documents
    area_ids: list[str] = []             # their ids, in the same order
    title: str = ""                      # a standard's title where the citing text gives it: 《会议分类和术语》（GB/T 30520-2014）


class SystemReport(BaseModel):
    framework: list[FrameworkArea]
    documents: list[Placement]
    standards: list[TableRow]
    coverage: list[AreaCoverage]
    missing_cited: list[MissingCited]
    targets: list[TargetProgress]
    generation: int


# (id of the knowledge base, generation, framework) → (that knowledge base, its report). The entry
# holds the knowledge base itself: while it is cached its id cannot be given to another object.
_cache: OrderedDict[tuple, tuple[KnowledgeBase, SystemReport]] = OrderedDict()
_cache_lock = threading.Lock()


def build_system(kb: KnowledgeBase, framework_file: Path | None = None) -> SystemReport:
    """The report for the knowledge base as it is now; the same object again until anything is written."""
    framework_file = framework_file or DEFAULT_FRAMEWORK
    key = (id(kb), kb.generation(), hashlib.sha256(framework_file.read_bytes()).hexdigest())
    with _cache_lock:
        if key in _cache and _cache[key][0] is kb:
            return _cache[key][1]
    report = _build(kb, load_framework(framework_file), key[1])
    with _cache_lock:
        _cache[key] = (kb, report)
        while len(_cache) > 4:
            _cache.popitem(last=False)
    return report


def _build(kb: KnowledgeBase, framework: list[Area], generation: int) -> SystemReport:
    by_id = {a.id: a for a in framework}
    hits = area_hits(kb, framework)
    placed = place_documents(kb, framework, hits=hits, overrides=placement_overrides(kb))
    names = {a.id: path_of(a, by_id) for a in framework}
    infos = {d.source: d for d in kb.documents().documents}
    missing = missing_cited(kb, placed, infos)
    table = standards_table(kb, placed, registered_standards(kb), names, cited=cited_standards(missing, names))
    return SystemReport(
        framework=[FrameworkArea(id=a.id, name=a.name, parent=a.parent, description=a.description) for a in framework],
        documents=placed, standards=table, coverage=coverage(framework, placed, table, hits),
        missing_cited=missing, targets=target_progress(table), generation=generation)


def coverage(framework: list[Area], placed: list[Placement], table: list[TableRow],
             hits: dict[str, list[Hit]]) -> list[AreaCoverage]:
    by_id = {a.id: a for a in framework}
    rows = []
    for leaf in leaves(framework):
        here = [p for p in placed if leaf.id in p.area_ids]
        levels = Counter(p.level for p in here)
        in_area = [r for r in table if r.area_id == leaf.id]
        standards = [r for r in in_area if r.status != KNOWN]
        binding = sum(levels[lv] for lv in BINDING)
        # 待制定 only where nothing is held, registered or even cited: a cited standard exists, it is to be added.
        no_standard = binding > 0 and not in_area
        sources = {p.source for p in here if p.level in BINDING}
        duties = [Duty(citation=short_citation(h.title, h.article), id=h.id, source=h.source, text=h.text)
                  for h in hits.get(leaf.id, []) if h.source in sources and _DUTY.search(h.text)][:DUTIES_SHOWN]
        placed_here = {p.source for p in here}
        provisions = Counter(h.level for h in hits.get(leaf.id, []) if h.source in placed_here)
        rows.append(AreaCoverage(id=leaf.id, area=path_of(leaf, by_id), documents=len(here),
                                 by_level={lv: levels[lv] for lv in LEVELS_IN_ORDER if levels[lv]},
                                 provisions_by_level={lv: provisions[lv] for lv in LEVELS_IN_ORDER if provisions[lv]},
                                 standards=len(standards), to_revise=sum(r.status == "待修订" for r in standards),
                                 known=len(in_area) - len(standards),
                                 no_standard=no_standard, duties=duties if no_standard else []))
    return rows


def missing_cited(kb: KnowledgeBase, placed: list[Placement], infos: dict) -> list[MissingCited]:
    """Titles and standard numbers cited by documents in force that no document here carries."""
    citing: dict[tuple[str, str], list[Placement]] = defaultdict(list)
    named: dict[str, str] = {}   # standard number → its title, where a citing text gives both
    for p in placed:
        if infos[p.source].status in SUPERSEDED:
            continue
        page = kb.document(p.source)
        text = "\n".join(c.text for c in page.clauses) if page else ""
        named.update(standard_titles(text))
        found = {("title", f"《{t}》") for t in _TITLE.findall(text) if t != p.title and t.endswith(DOCUMENT_ENDINGS)}
        found |= {("standard", re.sub(r"\s+", "", m.group("code")) + (f"-{m.group('year')}" if m.group("year") else ""))
                  for m in STANDARD_NUMBER.finditer(text) if m.group("code")[:2] in ("GB", "DB") or "/" in m.group("code")}
        for key in found:
            citing[key].append(p)
    missing = []
    paired = {f"《{title}》" for title in named.values()}
    for (kind, cited), docs in citing.items():
        code = cited.split("-")[0]
        held = kb.works.standard_documents(code) if kind == "standard" else kb.works.work(cited.strip("《》")) is not None
        if held or (kind == "title" and cited in paired):   # a title given with its number is one standard
            continue
        areas = sorted({(tuple(a), i) for d in docs for a, i in zip(d.areas, d.area_ids)})
        missing.append(MissingCited(cited=cited, kind=kind, count=len(docs), cited_by=[d.title for d in docs[:MAX_CITED_BY]],
                                    areas=[list(a) for a, _ in areas], area_ids=[i for _, i in areas],
                                    title=named.get(cited, "")))
    return sorted(missing, key=lambda m: (-m.count, m.kind, m.cited))


_TITLED_NUMBER = re.compile(r"《(?P<title>[^《》]{2,60})》\s*[（(]\s*(?P<number>[A-Z][^（）()]{2,30}?)\s*[）)]")


def standard_titles(text: str) -> dict[str, str]:
    """Standard numbers a text gives with their titles, 《会议分类和术语》（GB/T 30520-2014）, keyed as
    missing_cited keys numbers (GB/T30520-2014)."""
    out = {}
    for m in _TITLED_NUMBER.finditer(text):
        number = STANDARD_NUMBER.fullmatch(m.group("number").strip())
        if number:
            key = re.sub(r"\s+", "", number.group("code")) + (f"-{number.group('year')}" if number.group("year") else "")
            out[key] = m.group("title")
    return out


def area_view(report: SystemReport, area_id: str) -> dict | None:
    """One area of the report: its documents, standards and coverage (for /api/v1/system/areas/{id})."""
    area = next((a for a in report.framework if a.id == area_id), None)
    if area is None:
        return None
    inside = {a.id for a in report.framework if a.id == area_id or a.parent == area_id}
    return {"area": area, "documents": [d for d in report.documents if inside & set(d.area_ids)],
            "standards": [r for r in report.standards if r.area_id in inside],
            "coverage": [c for c in report.coverage if c.id in inside]}
