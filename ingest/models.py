"""The domain records produced by ingestion: a Document and its Clauses."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Optional

from pydantic import BaseModel, Field

Family = Literal["law", "standard", "prose"]
ClauseKind = Literal["article", "part", "clause", "heading", "term", "section", "preamble", "appendix"]

# The folder (under the data directory) and the source prefix of uploaded documents.
UPLOADS = "uploads"


class Level(StrEnum):
    """效力层级, highest first. The values are the words drafters and the manifest use."""

    LAW = "法律"
    ADMINISTRATIVE_REGULATION = "行政法规"
    DEPARTMENTAL_RULE = "部门规章"
    PARTY_REGULATION = "党内法规与规范性文件"
    LOCAL_REGULATION = "地方性法规"
    NATIONAL_STANDARD = "国家标准"
    SECTOR_STANDARD = "行业标准"
    LOCAL_STANDARD = "地方标准"
    GROUP_STANDARD = "团体标准"
    STANDARD = "标准"
    PILOT = "试点文件"
    OTHER = "其他"


class Status(StrEnum):
    """时效性 of a document version."""

    CURRENT = "现行有效"
    AMENDED = "已被修订"
    REPEALED = "已废止"
    UNKNOWN = "状态不详"

    @classmethod
    def read(cls, value: str) -> "Status":
        """A status as written by a user or an older data directory: "unknown" (stdkb's word
        before issue 18) means 状态不详. ValueError for anything else that is not a status."""
        return cls.UNKNOWN if value.strip().lower() == "unknown" else cls(value.strip())


LEVELS_IN_ORDER: tuple[str, ...] = tuple(Level)
STATUSES: tuple[str, ...] = tuple(Status)
SUPERSEDED: frozenset[str] = frozenset({Status.AMENDED, Status.REPEALED})
# Levels whose provisions bind (the others inform): used by gap analysis and the review.
STANDARD_LEVELS: frozenset[str] = frozenset({Level.NATIONAL_STANDARD, Level.SECTOR_STANDARD, Level.LOCAL_STANDARD,
                                             Level.GROUP_STANDARD, Level.STANDARD})


def level_rank(level: str) -> int:
    """Position of a level in the hierarchy (法律 first); unknown levels come last."""
    return LEVELS_IN_ORDER.index(level) if level in LEVELS_IN_ORDER else len(LEVELS_IN_ORDER)


class ClauseId(str):
    """A clause's id, '<source>#<key>': the document's source path, then a key unique within it.

    Stable while the text is unchanged, so links (#第十条) and stored vectors survive a re-ingest.
    """

    @classmethod
    def of(cls, source: str, key: str) -> "ClauseId":
        return cls(f"{source}#{key}")

    @property
    def source(self) -> str:
        return self.split("#", 1)[0]

    @property
    def key(self) -> str:
        """The part after '#', used as the clause's anchor in its document's page."""
        return self.split("#", 1)[-1]


class SkippedFile(BaseModel):
    """A file (or manifest row) that was not ingested, and why."""

    path: str
    reason: str


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


class DocumentFields(BaseModel):
    """The metadata every description of a document carries (parsed, stored, listed)."""

    title: str
    level: Level = Level.OTHER
    issuer: str = ""
    doc_number: str = ""
    publish_date: str = ""
    effective_date: str = ""
    status: Status = Status.UNKNOWN


class DocumentMeta(DocumentFields):
    """What is known about a document besides its text."""

    status_from_manifest: bool = False


class Document(DocumentMeta):
    """A parsed document with its clauses. `source` is the path relative to the ingested folder."""

    source: str
    family: Family
    content_hash: str
    clauses: list[Clause]
    # How the text was read (ingest/readers/): "text", "ocr" or "text+ocr"; for OCR the mean word
    # confidence (0–100) and the pages below ingest.readers.ocr.LOW_CONFIDENCE, to check against the original.
    reader: str = "text"
    ocr_confidence: float | None = None
    ocr_low_pages: list[int] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.source

    def meta(self) -> DocumentMeta:
        return DocumentMeta(**self.model_dump(include=set(DocumentMeta.model_fields)))
