"""Result models returned by the knowledge base: one shape for the CLI, the API and the pages."""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, Field, field_validator

from ingest.models import Document, DocumentFields, Level, SkippedFile, Status

__all__ = ["SkippedFile"]  # re-exported: reports name the files they skipped


class DocumentInfo(DocumentFields):
    """A stored document version's metadata (one row of the catalogue)."""

    source: str = Field(description="File path relative to the ingested folder; uploads under 'uploads/'.")
    level: Level
    status: Status = Field(description="As given by the manifest or upload, or 已被修订 when a newer version is stored.")
    family: str = Field("", description="How its text was read: law, standard or prose.")

    @field_validator("status", mode="before")
    @classmethod
    def _legacy_status(cls, v):
        return Status.read(v) if isinstance(v, str) else v   # rows written before 状态不详 say "unknown"
    work: str = Field("", description="Versions of one work share this key.")
    content_hash: str = ""
    clause_count: int = 0
    ingested_at: str = ""
    reader: str = Field("text", description="How the text was read: text, ocr (a scan) or text+ocr.")
    ocr_confidence: float | None = Field(None, description="For a scan: mean word confidence of the OCR, 0–100.")
    ocr_low_pages: list[int] = Field(default_factory=list, description="Scanned pages read with low confidence.")

    @field_validator("ocr_low_pages", mode="before")
    @classmethod
    def _pages(cls, v):
        # the catalogue keeps them as "3,7"
        return [int(x) for x in v.split(",") if x.strip()] if isinstance(v, str) else v


class OutlineClause(BaseModel):
    label: str
    title: str = ""
    id: str


class OutlineEntry(BaseModel):
    heading: str
    clauses: list[OutlineClause] = Field(default_factory=list)
    children: list["OutlineEntry"] = Field(default_factory=list)


class VersionInfo(BaseModel):
    source: str
    title: str
    publish_date: str
    effective_date: str
    status: Status


class ClauseView(BaseModel):
    """A clause as shown in its document's page."""

    id: str
    label: str
    kind: str
    heading_path: list[str]
    title: str = ""
    text: str
    parent: Optional[str] = None


class DocumentPage(DocumentInfo):
    """One document whole: metadata, outline, clauses and all versions of its work (oldest first)."""

    outline: list[OutlineEntry]
    versions: list[VersionInfo]
    clauses: list[ClauseView]


class DocumentList(BaseModel):
    """One page of the documents that pass the filters."""

    total: int
    page: int
    page_size: int
    documents: list[DocumentInfo]


class StoredUpload(BaseModel):
    """What became of an uploaded file."""

    source: str
    title: str
    level: str
    clauses: int
    replaced: bool
    unchanged: bool

    @classmethod
    def of(cls, doc: Document, report: "IngestReport") -> "StoredUpload":
        """What `upsert([doc])` did with an uploaded document."""
        return cls(source=doc.source, title=doc.title, level=doc.level, clauses=len(doc.clauses),
                   replaced=report.documents_replaced == 1, unchanged=report.documents_unchanged == 1)


class Stats(BaseModel):
    """What the knowledge base holds and whether it can be written (/health, /metrics)."""

    documents: int
    clauses: int
    pending_documents: int
    vectors: int
    vectors_pending: int = Field(0, description="Clauses whose vectors are still being computed: they are found "
                                 "by keyword and citation, not yet by meaning.")
    documents_by_level: dict[str, int]
    documents_by_status: dict[str, int]
    last_ingest: Optional[str]
    embedder: str
    writable: bool
    write_problem: Optional[str]
    disk_bytes: dict[str, int]
    vector_store: str = Field("", description="Where the vectors live: in the data directory or a Chroma server's URL.")
    vector_store_problem: Optional[str] = Field(None, description="Why the vector store cannot be read now (search "
                                                "then answers from keywords and citations); None when it can.")


class Hit(BaseModel):
    """One clause found for a query, with its document's metadata (the search contract)."""

    rank: int
    score: float = Field(ge=0, le=1, description="0..1, never rising down the list: 1.0 for an exact citation "
                         "lookup, otherwise 1 − e^(−s) of the fused score s (s = 1, 0.63 here, means first in both "
                         "the keyword and the dense list).")
    title: str
    publish_date: str
    level: str
    status: str
    article: str = Field(description="The clause label as written: 第十条, 5.2.1, （二）.")
    heading_path: list[str]
    text: str
    source: str = Field(description="File path relative to the ingested folder.")
    id: str
    kind: str = ""
    clause_title: str = ""
    issuer: str = ""
    doc_number: str = ""


class SearchResult(BaseModel):
    query: str
    low_confidence: bool = False
    confidence: float = Field(0.0, ge=0, le=1, description="How sure stdkb is that the hits answer the query, "
                              "0..1: a calibrated logistic model over `signals` (1 for an exact citation or a work "
                              "the query names among the first hits). low_confidence is this below the embedder's "
                              "calibrated threshold or STDKB_MIN_EVIDENCE.")
    signals: dict[str, float] = Field(default_factory=dict, description="What `confidence` was computed from: "
                                      "nearest (cosine of the nearest clause to the query) and coverage (the "
                                      "IDF-weighted share of the query's words in one of the first three hits).")
    hits: list[Hit]
    notice: str = Field("", description="What could not be answered as asked, e.g. a cited article that does not exist.")
    terms: list[str] = Field(default_factory=list, description="The query's words as search matched them (with "
                             "their synonyms), longest first: what a face highlights in the hits.")


class Neighbour(BaseModel):
    id: str
    article: str
    text: str


class ClauseInContext(Hit):
    """A clause found by exact lookup, with the articles around it and its document's outline."""

    previous: Optional[Neighbour] = None
    next: Optional[Neighbour] = None
    outline: list[OutlineEntry] = Field(default_factory=list)


class ClauseLookup(BaseModel):
    query: str
    found: bool
    notice: str = ""
    hits: list[ClauseInContext]


class IngestReport(BaseModel):
    """What one `ingest` run did."""

    documents_added: int = 0
    documents_replaced: int = 0
    documents_unchanged: int = 0
    clauses_written: int = 0
    skipped: list[SkippedFile] = Field(default_factory=list)
    embedder: str = ""
    embedder_trained: bool = False
    seconds: float = 0.0
    total_documents: int = 0
    total_clauses: int = 0


class CheckReport(BaseModel):
    """Consistency of the stores (`stdkb check`)."""

    ok: bool
    documents: int
    clauses: int
    vectors: int
    pending_documents: list[str] = Field(default_factory=list)
    orphan_vectors: int = 0
    missing_vectors: int = 0
    repaired: bool = False
    problems: list[str] = Field(default_factory=list)
    embedder: Optional[str] = None


class Definition(Hit):
    """A clause that defines a term."""

    term: str = Field(description="The term as the clause defines it (may differ from the one asked for).")
