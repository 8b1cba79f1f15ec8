"""标准实施 at a glance: per document the units assessed and their 达标率 over time; per area of the
标准体系 the 实施覆盖率 (share of its key standards with at least one assessment); both next to the
pilot plan's targets (data/targets.tsv).

关键标准 are read as the standards of an area's 明细表 that are in force (现行) and whose text the
knowledge base holds: those are the ones a unit can be assessed against. The pilot plan names the
target but not the list; a drafter who keeps one places standards with `stdkb system place`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from index.kb import KnowledgeBase
from ingest.tables import read_table

from .assessment import Assessment, stored
from .rate import RULE

TARGETS_FILE = Path(__file__).resolve().parent / "data" / "targets.tsv"


class RatePoint(BaseModel):
    date: str
    unit: str
    rate: float | None


class DocumentAssessments(BaseModel):
    document: str
    source: str
    area_ids: list[str]
    units: list[str]
    history: list[RatePoint]          # every assessment, oldest first
    latest_rate: float | None         # the mean of each unit's latest 达标率


class AreaImplementation(BaseModel):
    id: str
    area: list[str]
    key_standards: list[str]          # titles
    assessed: list[str]               # of them, those with an assessment
    coverage: float | None            # 实施覆盖率; None when the area has no key standard
    rate: float | None                # mean latest 达标率 of the documents assessed here


class TargetStatus(BaseModel):
    target: str
    percent: float
    value: float | None               # 0..1; None when nothing is measured yet
    met: bool
    source: str


class ImplementationReport(BaseModel):
    rule: str
    assessments: int
    documents: list[DocumentAssessments]
    areas: list[AreaImplementation]
    targets: list[TargetStatus]


def implementation(kb: KnowledgeBase, system_file: Path | None = None) -> ImplementationReport:
    from analysis.system.system import build_system

    report = build_system(kb, system_file)
    placed = {p.source: p.area_ids for p in report.documents}
    found = stored(kb)
    documents = [_document(doc, [a for a in found if a.document == doc], placed) for doc in
                 dict.fromkeys(a.document for a in found)]
    assessed = {d.source: d for d in documents if d.source} | {d.document: d for d in documents}
    areas = []
    for c in report.coverage:
        keys = [r for r in report.standards if r.area_id == c.id and r.status == "现行" and r.source]
        done = [r.title for r in keys if r.source in assessed or r.title in assessed]
        here = [d.latest_rate for d in documents if c.id in d.area_ids and d.latest_rate is not None]
        areas.append(AreaImplementation(id=c.id, area=c.area, key_standards=[r.title for r in keys], assessed=done,
                                        coverage=len(done) / len(keys) if keys else None, rate=_mean(here)))
    all_keys = sum(len(a.key_standards) for a in areas)
    measured = {"rate": _mean([d.latest_rate for d in documents if d.latest_rate is not None]),
                "coverage": sum(len(a.assessed) for a in areas) / all_keys if all_keys else None}
    targets = []
    for row in read_table(TARGETS_FILE, ["target", "measure", "percent", "source"], required=["target", "measure", "percent"]):
        value = measured.get(row["measure"])
        percent = float(row["percent"])
        targets.append(TargetStatus(target=row["target"], percent=percent, value=value, source=row["source"],
                                    met=value is not None and value * 100 >= percent))
    return ImplementationReport(rule=RULE, assessments=len(found), documents=documents, areas=areas, targets=targets)


def _document(title: str, found: list[Assessment], placed: dict[str, list[str]]) -> DocumentAssessments:
    source = next((a.source for a in found if a.source), "")
    latest: dict[str, Assessment] = {}
    for a in found:   # oldest first: a later assessment of the same unit replaces an earlier one
        latest[a.unit] = a
    # its strongest area only: a document counted in every area it touches would lift them all
    return DocumentAssessments(document=title, source=source, area_ids=placed.get(source, [])[:1],
                               units=sorted(latest), history=[RatePoint(date=a.date, unit=a.unit, rate=a.rate) for a in found],
                               latest_rate=_mean([a.rate for a in latest.values() if a.rate is not None]))


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
