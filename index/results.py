"""Result models returned by the index: one shape for the CLI, the API and the pages."""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, Field


class Hit(BaseModel):
    """One clause found for a query, with its document's metadata (the search contract)."""

    rank: int
    score: float
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
    hits: list[Hit]
    notice: str = Field("", description="What could not be answered as asked, e.g. a cited article that does not exist.")


class Neighbour(BaseModel):
    id: str
    article: str
    text: str


class ClauseInContext(Hit):
    """A clause found by exact lookup, with the articles around it and its document's outline."""

    previous: Optional[Neighbour] = None
    next: Optional[Neighbour] = None
    outline: list[dict] = Field(default_factory=list)


class ClauseLookup(BaseModel):
    query: str
    found: bool
    notice: str = ""
    hits: list[ClauseInContext]


class SkippedFile(BaseModel):
    path: str
    reason: str


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
