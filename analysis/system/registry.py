"""What a drafter records beside the documents: standards she registers by metadata alone (she
rarely holds every standard's full text) and placements she overrides. Both are annotations in the
catalogue (`KnowledgeBase.annotate`), so they survive re-ingest; writing them needs the API key."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from index.kb import KnowledgeBase
from ingest.errors import StdkbError
from ingest.models import STANDARD_LEVELS

from .framework import Area

STANDARD = "registered_standard"
PLACEMENT = "placement"
PlanStatus = Literal["现行", "在编", "待制定", "待修订", "已废止"]


class SystemInputError(StdkbError):
    """A registration or override the framework cannot take (unknown area, bad level)."""


class AreaNotFound(SystemInputError):
    """An area id the framework does not have."""


def standard_key(code: str, title: str = "") -> str:
    """One row per standard: the number without spaces and year separators' variants (GB/T 1.1—2020 →
    GB/T1.1-2020); a standard not numbered yet (待制定) is keyed by its name."""
    code = re.sub(r"\s+", "", code or "").replace("—", "-").replace("–", "-").replace("－", "-").upper()
    return code or f"名称:{title.strip()}"


class RegisteredStandard(BaseModel):
    code: str = Field("", max_length=60, description="标准号, e.g. DB3301/T 0123—2025; empty while 待制定")
    title: str = Field(..., min_length=2, max_length=200, description="名称")
    level: str = Field(..., description="国家标准, 行业标准, 地方标准 or 团体标准")
    status: PlanStatus = Field("在编", description="现行, 在编, 待制定, 待修订 or 已废止")
    area: str = Field(..., max_length=20, description="the framework area's id, e.g. 302")
    plan_year: str = Field("", max_length=10, description="计划年份")
    lead_unit: str = Field("", max_length=100, description="牵头单位 / 归口")
    replaces: str = Field("", max_length=100, description="代替的标准号")

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value not in STANDARD_LEVELS:
            raise ValueError(f"level must be one of {', '.join(sorted(STANDARD_LEVELS))}")
        return value

    @property
    def key(self) -> str:
        return standard_key(self.code, self.title)


def registration(**fields) -> RegisteredStandard:
    """A RegisteredStandard from form or command-line fields; SystemInputError saying what is wrong."""
    try:
        return RegisteredStandard(**fields)
    except ValidationError as exc:
        raise SystemInputError("; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                                         for e in exc.errors())) from None


class PlacementOverride(BaseModel):
    source: str
    areas: list[str]     # area ids, strongest first; [] keeps the document out of every area


def _check_area(area_id: str, framework: list[Area]) -> None:
    if area_id not in {a.id for a in framework}:
        raise AreaNotFound(f"no area {area_id} in the framework; areas: "
                               + ", ".join(f"{a.id} {a.name}" for a in framework if a.parent))


def register_standard(kb: KnowledgeBase, row: RegisteredStandard, framework: list[Area]) -> RegisteredStandard:
    _check_area(row.area, framework)
    kb.annotate(STANDARD, row.key, row.model_dump())
    return row


def unregister_standard(kb: KnowledgeBase, code: str) -> bool:
    key = standard_key(code) if not code.startswith("名称:") else code
    if key not in kb.annotations(STANDARD):
        return False
    kb.annotate(STANDARD, key, None)
    return True


def registered_standards(kb: KnowledgeBase) -> list[RegisteredStandard]:
    return [RegisteredStandard(**value) for value in kb.annotations(STANDARD).values()]


def override_placement(kb: KnowledgeBase, source: str, areas: list[str], framework: list[Area]) -> PlacementOverride:
    """Put `source` in exactly `areas` (ids); an empty list keeps it out of every area."""
    if kb.document_info(source) is None:
        raise SystemInputError(f"no document {source} in the knowledge base")
    for area_id in areas:
        _check_area(area_id, framework)
    kb.annotate(PLACEMENT, source, {"areas": areas})
    return PlacementOverride(source=source, areas=areas)


def clear_override(kb: KnowledgeBase, source: str) -> bool:
    if source not in kb.annotations(PLACEMENT):
        return False
    kb.annotate(PLACEMENT, source, None)
    return True


def placement_overrides(kb: KnowledgeBase) -> dict[str, list[str]]:
    return {source: list(value.get("areas", [])) for source, value in kb.annotations(PLACEMENT).items()}
