"""The domain records produced by ingestion: a Document and its Clauses."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, Field

Level = str  # 法律 / 行政法规 / 部门规章 / 党内法规与规范性文件 / 地方性法规 / 国家标准 / 行业标准 / 地方标准 / 团体标准 / 试点文件 …
Status = Literal["现行有效", "已被修订", "已废止", "unknown"]
Family = Literal["law", "standard", "prose"]
ClauseKind = Literal["article", "part", "clause", "heading", "term", "section", "preamble", "appendix"]

LEVELS_IN_ORDER: tuple[str, ...] = (
    "法律", "行政法规", "部门规章", "党内法规与规范性文件", "地方性法规",
    "国家标准", "行业标准", "地方标准", "团体标准", "标准", "试点文件", "其他",
)
STATUSES: tuple[str, ...] = ("现行有效", "已被修订", "已废止", "unknown")


def level_rank(level: str) -> int:
    """Position of a level in the hierarchy (法律 first); unknown levels come last."""
    return LEVELS_IN_ORDER.index(level) if level in LEVELS_IN_ORDER else len(LEVELS_IN_ORDER)


class Clause(BaseModel):
    """One citable unit: an article (条), a standard clause (5.2.1), a term entry or a prose section.

    Long articles are split at 款/项 into `part` clauses whose `parent` is the article; every
    character of the source text lands in exactly one clause.
    """

    id: str = Field(description="Stable id: '<source>#<key>'; unchanged while the text is unchanged.")
    label: str = Field(description="The label as written: 第十条, 5.2.1, （二）, 附录A.")
    number: str = Field("", description="Numeric form of the label: 10, 17-1 (第十七条之一), 5.2.1.")
    kind: ClauseKind
    heading_path: list[str] = Field(default_factory=list, description="Enclosing headings, outermost first.")
    title: str = Field("", description="Heading text of the clause itself (terms, sections), if any.")
    text: str
    position: int = Field(description="0-based order of the clause within its document.")
    parent: Optional[str] = None
    prev: Optional[str] = None
    next: Optional[str] = None
    para_start: int = Field(1, description="For laws: the 款 (1-based) this clause's text starts with.")
    defines: list[str] = Field(default_factory=list, description="Terms this clause defines (所称X，是指…; 术语).")


class DocumentMeta(BaseModel):
    """What is known about a document besides its text."""

    title: str
    level: str = "其他"
    issuer: str = ""
    doc_number: str = ""
    publish_date: str = ""
    effective_date: str = ""
    status: Status = "unknown"
    status_from_manifest: bool = False


class Document(DocumentMeta):
    """A parsed document with its clauses. `source` is the path relative to the ingested folder."""

    source: str
    family: Family
    content_hash: str
    clauses: list[Clause]

    @property
    def id(self) -> str:
        return self.source

    def meta(self) -> DocumentMeta:
        return DocumentMeta(**self.model_dump(include=set(DocumentMeta.model_fields)))
