"""The one door to the knowledge base. `api/`, `web/` and `analysis/` see only these protocols;
`index.index.Index` implements them over SQLite and Chroma. Every method returns typed models.

`KnowledgeBase` holds what the faces need. What analysis reads besides (the text tools search
itself weighs words with, and which documents a name means) comes as two explicit objects,
`kb.text` and `kb.works`, so that the door does not grow with every analysis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Protocol, runtime_checkable

from index.diff import VersionDiff
from index.results import (CheckReport, ClauseLookup, Definition, DocumentInfo, DocumentList, DocumentPage, Hit,
                           IngestReport, SearchResult, Stats)
from index.search.filters import SearchFilters
from index.search.titles import Work
from ingest.models import Document, SkippedFile
from ingest.segment import Segmenter

Progress = Callable[[str, int, int], None]


@runtime_checkable
class TextTools(Protocol):
    """The measures search itself uses, for analyses that must weigh words the same way."""

    segmenter: Segmenter
    """The jieba segmenter the keyword index was built with (content words, synonyms)."""
    embed_model: str
    """The encoder the vectors were built with (models fitted on its cosines are per encoder)."""

    def rarity(self, words: list[str]) -> dict[str, float]:
        """How rare each word is among the clauses (inverse clause frequency); 0 for function words."""

    def similarity(self, query: str, passages: list[str]) -> list[float]:
        """Cosine of each passage to the query by the dense encoder (for choosing a sentence to quote)."""

    def cosines(self, query: str, ids: list[str]) -> list[float | None]:
        """Cosine of each stored clause's vector to the query; None for a clause without one."""

    def regions_in(self, text: str) -> list[str]:
        """The regions of the knowledge base that `text` names (杭州 → 杭州市)."""


@runtime_checkable
class Works(Protocol):
    """Which stored documents a title, a short name or a standard number means."""

    def work(self, name: str) -> Work | None:
        """All versions of the work a title or short name means, when one stands out."""

    def works_named(self, name: str, abbreviations: bool = False) -> list[DocumentInfo]:
        """The current version of each work `name` may mean, best first; with `abbreviations`, also
        the works it abbreviates (节能条例 → 公共机构节能条例)."""

    def standard_documents(self, code: str) -> list[DocumentInfo]:
        """Documents carrying a standard number (GB/T 30520), oldest first."""


@runtime_checkable
class KnowledgeBase(Protocol):
    text: TextTools
    works: Works

    # ---------------------------------------------------------------------------- questions
    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> SearchResult:
        """Citation lookup, then hybrid retrieval (see index/search/ranker.py)."""

    def keyword_search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        """Clauses sharing most of the query's words (BM25 alone), for texts in the rules' own words."""

    def clause(self, citation: str, filters: SearchFilters | None = None) -> ClauseLookup:
        """Exact lookup of a citation, with neighbours and the document's outline."""

    def definitions(self, term: str, partial: bool = False) -> list[Definition]:
        """Clauses defining `term`, current versions and higher levels first."""

    # ---------------------------------------------------------------------------- documents
    def document(self, source: str) -> DocumentPage | None:
        """One document whole; None when absent."""

    def document_info(self, source: str) -> DocumentInfo | None:
        """One document's metadata; None when absent."""

    def documents(self, filters: SearchFilters | None = None, title: str = "", page: int = 1,
                  page_size: int | None = None) -> DocumentList:
        """The documents passing `filters` whose title contains `title`, by source; all when page_size is None."""

    def diff(self, old_source: str, new_source: str) -> VersionDiff:
        """What changed between two stored versions; DocumentNotFound when either is absent."""

    def generation(self) -> int:
        """Goes up with every write (documents, vectors, annotations): views derived from the
        knowledge base are cached per generation."""

    def annotations(self, kind: str) -> dict[str, dict]:
        """What drafters recorded beside the documents, by key (e.g. kind "placement", key a source)."""

    def stats(self) -> Stats:
        """Sizes, documents by level and status, the embedder, whether writes are possible."""

    # ------------------------------------------------------------------------------- writes
    def upsert(self, documents: list[Document], skipped: Iterable[SkippedFile] = (),
               progress: Progress = ..., originals: dict[str, Path] | None = None) -> IngestReport:
        """Store documents parsed by `ingest` (new, replaced, or unchanged and left alone); an
        uploaded document's file (`originals`, by source) is kept in the data directory."""

    def annotate(self, kind: str, key: str, value: dict | None) -> None:
        """Record (or with None, remove) one annotation; it survives re-ingest."""

    def remove(self, source: str) -> bool:
        """Delete a document from every store; False when it was not there."""

    def check(self, repair: bool = False) -> CheckReport:
        """Do the stores agree? With `repair`, make them agree."""

    def close(self) -> None: ...
