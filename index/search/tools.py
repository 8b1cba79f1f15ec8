"""What analysis reads of the knowledge base besides search: its text tools and its works.

`TextTools` are the measures the index itself uses (the segmenter, word rarity, the encoder's
similarity, the regions it knows), so that an analysis weighs words as search does. `Works`
answers which documents a name or a standard number means. Both read the holder's current
snapshot, so they agree with search at every generation.
"""

from __future__ import annotations

from typing import Callable

from index.embed.model import Embedder
from index.results import DocumentInfo
from index.search.citations import standard_key
from index.search.dense import one_blas_thread
from index.search.holder import SnapshotHolder
from index.search.query import clean_query
from index.search.query_vectors import QueryVectors
from index.search.titles import Work
from ingest.segment import STOPWORDS, Segmenter


class HeldTextTools:
    """`kb.text` (see index/kb.py), read from the current snapshot."""

    def __init__(self, holder: SnapshotHolder, segmenter: Segmenter, embedder: Callable[[], Embedder],
                 query_vectors: QueryVectors, embed_model: str = ""):
        self._holder = holder
        self.embed_model = embed_model
        """The name of the encoder the vectors were built with (models fitted on its cosines are per encoder)."""
        self.segmenter = segmenter
        """The jieba segmenter the keyword index was built with (for highlighting and content words)."""
        self._embedder = embedder
        self._query_vector = query_vectors

    def rarity(self, words: list[str]) -> dict[str, float]:
        """Inverse clause frequency of each word (see KeywordIndex.idf), high for rare words.

        A function word the index drops (根据, 必须, 情况) is never counted there, which would make
        it look rarer than any term: it carries no rarity instead."""
        keyword = self._holder.current().keyword
        return {w: 0.0 if w in STOPWORDS else keyword.idf(w) for w in words}

    def similarity(self, query: str, passages: list[str]) -> list[float]:
        """Cosine of each passage to the query, by the embedder the vectors were built with."""
        if not passages:
            return []
        vectors = self._embedder().encode(passages)
        with one_blas_thread():
            return [float(v) for v in vectors @ self._query_vector(clean_query(query))]

    def cosines(self, query: str, ids: list[str]) -> list[float | None]:
        """Cosine of each stored clause vector to the query (None for a clause without a vector):
        what the dense list ranks by, without embedding the clauses again."""
        dense = self._holder.current().dense
        if dense is None or not ids:
            return [None] * len(ids)
        vector = self._query_vector(clean_query(query))
        found = [dense.vector_of(cid) for cid in ids]
        return [None if v is None else float(v @ vector) for v in found]

    def regions_in(self, text: str) -> list[str]:
        """The regions of the knowledge base that `text` names (杭州 → 杭州市)."""
        return self._holder.current().titles.regions(text)


class HeldWorks:
    """`kb.works` (see index/kb.py), read from the current snapshot."""

    def __init__(self, holder: SnapshotHolder):
        self._holder = holder

    def work(self, name: str) -> Work | None:
        """The work (all versions) a title or short name means, when one stands out; None otherwise."""
        matches = self._holder.current().titles.resolve(name, strict=True)
        return matches[0].work if matches else None

    def works_named(self, name: str, abbreviations: bool = False) -> list[DocumentInfo]:
        """The current version of each work `name` may mean, best first; with `abbreviations`, also
        the works it abbreviates as a citation would (节能条例 → 公共机构节能条例)."""
        return [m.work.current() for m in self._holder.current().titles.resolve(name, strict=not abbreviations)]

    def standard_documents(self, code: str) -> list[DocumentInfo]:
        """Documents carrying a standard number (GB 31654, DB33/T 1234), oldest first."""
        key = standard_key(code)
        return sorted((d for d in self._holder.current().documents if key in standard_key(d.doc_number + " " + d.title)),
                      key=lambda d: d.publish_date)
