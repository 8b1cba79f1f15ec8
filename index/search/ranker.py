"""Clause search: exact citation lookup first, then hybrid retrieval with the query's own evidence.

For one query:
  1. `query.analyse` reads what the query names: a citation, works, regions, levels, terms.
  2. A citation that resolves is answered by exact lookup and ranked first; one naming an article
     that does not exist gets a notice saying so.
  3. Ranked lists, by name (fusion.LISTS): keyword (BM25 over jieba tokens), dense (the configured
     embedder), the same two restricted to the works the query names, and the clauses defining the
     term a definition question asks about; fused by weighted reciprocal rank (fusion.py).
  4. The fused scores are adjusted by what the query says about documents (fusion.Evidence): works
     it names, regions, levels; superseded versions yield to the version in force unless the user
     chose versions by filter.
  5. Parts of one long article collapse into one hit; `confidence` (0..1) weighs how near and
     how well covered the best clauses are, and `low_confidence` is set below the embedder's
     calibrated threshold (see `confidence.py`).
"""

from __future__ import annotations

from index.errors import VectorStoreError
from index.results import DocumentInfo, Hit, SearchResult
from index.search.citations import parse_citation
from index.search.adapter import QueryAdapter
from index.search.confidence import BY_NAME, ConfidenceModel, answered_by_name, model_for, signals
from index.search.filters import SearchFilters, allowed_sources, for_named_version
from index.search.fusion import Evidence, Weights, fuse
from index.search.highlight import query_terms
from index.search.holder import SnapshotHolder
from index.search.lookup import Lookup, resolve, version_notices
from index.search.query import QueryPlan, analyse, clean_query, has_content
from index.search.query_vectors import QueryVectors
from index.search.snapshot import Snapshot
from index.search.titles import Work
from ingest.models import SUPERSEDED, Clause, ClauseId, level_rank
from ingest.segment import Segmenter


class Searcher:
    """Ranks clauses for a query, from the snapshot the holder gives it (one per query)."""

    def __init__(self, holder: SnapshotHolder, query_vectors: QueryVectors, segmenter: Segmenter,
                 weights: Weights = Weights(), confidence: ConfidenceModel | None = None,
                 adapter: QueryAdapter | None = None):
        self.holder = holder
        self.catalog = holder.catalog
        self.vectors = holder.vectors
        self._query_vector = query_vectors
        self.segmenter = segmenter
        self.weights = weights
        self.confidence = confidence or model_for("domain")
        self.adapter = adapter

    def _current(self) -> Snapshot:
        return self.holder.current()

    # --------------------------------------------------------------------------------- search
    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> SearchResult:
        filters = filters or SearchFilters()
        query = clean_query(query)
        if not has_content(query):
            return SearchResult(query=query, low_confidence=True, hits=[],
                                notice="查询中没有可检索的文字（只有空白、标点或控制字符）。")
        terms = query_terms(query, self.segmenter)
        snap = self._current()
        plan = analyse(query, snap.titles)
        asked = for_named_version(filters) if plan.names_version else filters
        widened = asked is not filters
        filters = asked
        allowed = allowed_sources(snap.documents, filters)
        lookup = resolve(self.catalog, snap.documents, plan, allowed) if plan.is_citation else Lookup()
        pinned = [self._hit(0, 1.0, c, d, text) for c, d, text in lookup.hits]
        if plan.citation is not None and plan.citation.is_standard and not pinned:
            # A standard the knowledge base does not hold: its clause 3.1 shares only a number with
            # whatever else matches, so nothing else is offered in its place.
            return SearchResult(query=query, low_confidence=True, hits=[], notice=" ".join(lookup.notices))
        # A query citing an article asks about that work: its other hits come from the work too,
        # which also keeps a citation's cost to the size of the work, not of the knowledge base.
        scope = (self._sources_of([m.work for m in plan.cited], allowed) if pinned else None) or allowed
        fused, nearest, named = self._ranked(snap, plan, scope, filters)
        hits = list(pinned)
        seen = {h.id for h in pinned}   # a pinned hit is an article's first clause; its parts name it as parent
        found = self.catalog.clauses_by_id([cid for cid, _ in fused[: max(k * 4, 40)]])
        for cid, score in fused:
            if len(hits) >= k:
                break
            if cid not in found:
                continue
            clause, doc = found[cid]
            key = clause.parent or clause.id
            if key in seen:
                continue
            seen.add(key)
            hits.append(self._hit(0, score, clause, doc))
        hits = hits[:k]
        for n, h in enumerate(hits, start=1):
            h.rank = n
        measured = signals(plan, hits, self.segmenter, snap.keyword, nearest)
        if pinned or answered_by_name(hits, named):
            score = BY_NAME
        else:
            score = self.confidence.score(measured) if hits else 0.0
        low = not hits or score < self.confidence.threshold
        notices = list(lookup.notices)
        if plan.missing_work:
            # The rules asked for are not here: whatever else matches must not pass for them.
            notices.append(f"知识库中没有名为“{plan.missing_work}”的文件，以下条文仅供参考。")
        low = low or bool(notices and not pinned)
        # Which version is shown tells the user something; it does not make the hits less relevant.
        if not pinned and plan.names_version:
            notices += [n for w in plan.mentioned if (shown := plan.version_of(w, allowed))
                        for n in version_notices(w, shown, plan)]
        if widened and any(h.status in SUPERSEDED for h in hits):
            notices.append("查询指明了版本，因此也显示已被修订或废止的版本（页面默认只显示现行有效的文件）。")
        notices = list(dict.fromkeys(notices))
        if snap.vectors_unavailable and not pinned:
            notices.append("语义检索暂不可用（向量库无法访问），以下结果只来自关键词检索和引用。")
        elif snap.vector_count < len(snap.keyword) and not pinned:
            # An ingest is still embedding (or stopped while embedding): say what the results lack.
            notices.append(f"语义检索尚不完整：{len(snap.keyword) - snap.vector_count} 条条文的向量还在生成，"
                           f"这些条文暂时只能按关键词和引用找到。")
        return SearchResult(query=query, low_confidence=low, confidence=round(score, 4),
                            signals=measured.as_dict(), hits=hits, notice=" ".join(notices), terms=terms)

    def _ranked(self, snap: Snapshot, plan: QueryPlan, allowed: set[str] | None,
                filters: SearchFilters) -> tuple[list[tuple[str, float]], float, set[str]]:
        """(clause id, 0..1 score) best first; the nearest clause's cosine; the named sources."""
        lists, nearest, named = self._lists(snap, plan, allowed)
        evidence = self._evidence(snap, plan, named, filters, lists)
        return fuse(lists, evidence, self.weights), nearest, named

    def _lists(self, snap: Snapshot, plan: QueryPlan,
               allowed: set[str] | None) -> tuple[dict[str, list[tuple[str, float]]], float, set[str]]:
        """The ranked lists a query is answered from (see fusion.LISTS), by name."""
        w = self.weights
        tokens = self.segmenter.query_tokens(plan.text)
        lists = {"keyword": snap.keyword.search(tokens, w.pool, sources=allowed)}
        encoded = self._query_vector(plan.text) if snap.vector_count else None
        vector = self.adapter(encoded) if encoded is not None and self.adapter else encoded
        nearest = 0.0
        if vector is not None:
            lists["dense"] = self._dense(snap, vector, w.pool, allowed)
            # How near the corpus the question is, in the encoder's own space (adapter.py).
            nearest_of = lists["dense"] if self.adapter is None else self._dense(snap, encoded, 1, allowed)
            nearest = nearest_of[0][1] if nearest_of else 0.0
        named = self._sources_of(plan.mentioned, allowed)
        if plan.names_version:   # 2010年保密法…: the version asked for, not every version of the work
            named = {v.source for w in plan.mentioned if (v := plan.version_of(w, allowed))}
        if named:
            content_tokens = self.segmenter.query_tokens(plan.content) or tokens
            lists["named_keyword"] = snap.keyword.search(content_tokens, w.pool, sources=named)
            if vector is not None:
                lists["named_dense"] = self._dense(snap, vector, w.pool, named)
        if plan.terms:
            lists["definition"] = self._definitions(snap, plan, allowed, named)
        return lists, nearest, named

    def _evidence(self, snap: Snapshot, plan: QueryPlan, named: set[str], filters: SearchFilters,
                  lists: dict[str, list[tuple[str, float]]]) -> dict[str, Evidence]:
        """What the query says of each candidate's document; candidates of no current document drop out."""
        out: dict[str, Evidence] = {}
        for cid in {cid for ranked in lists.values() for cid, _ in ranked}:
            doc = snap.by_source.get(ClauseId(cid).source)
            if doc is None:
                continue
            out[cid] = Evidence(
                named=doc.source in named,
                region=bool(plan.regions) and any(doc.title.startswith(r) or r in doc.issuer for r in plan.regions),
                level=bool(plan.levels) and doc.level in plan.levels,
                superseded=doc.status in SUPERSEDED and not filters.chooses_versions
                and not (plan.names_version and doc.source in named))
        return out

    def _dense(self, snap: Snapshot, vector, k: int, sources: set[str] | None) -> list[tuple[str, float]]:
        dense = snap.dense
        if dense is not None:
            return dense.search(vector, k, sources)
        if snap.vectors_unavailable:
            return []
        try:   # too many vectors to hold: the store answers (a server, at large sizes)
            return self.vectors.query(vector, k, sources)
        except VectorStoreError as exc:
            snap.vectors_unavailable = str(exc)
            return []

    def _definitions(self, snap: Snapshot, plan: QueryPlan, allowed: set[str] | None,
                     named: set[str]) -> list[tuple[str, float]]:
        """Clauses defining the asked-for terms: exact term first, in named works, higher levels, current."""
        rows = []
        for term in plan.terms:
            for defined, cid in self.catalog.term_definitions(term):
                source = ClauseId(cid).source
                doc = snap.by_source.get(source)
                if doc is None or (allowed is not None and source not in allowed):
                    continue
                rows.append(((defined != term, source not in named, doc.status in SUPERSEDED, level_rank(doc.level),
                              abs(len(defined) - len(term))), cid))
        rows.sort()
        ranked = list(dict.fromkeys(cid for _, cid in rows))
        return [(cid, 1.0) for cid in ranked]

    def _sources_of(self, works: list[Work], allowed: set[str] | None) -> set[str]:
        return {v.source for w in works for v in w.versions if allowed is None or v.source in allowed}

    def keyword_hits(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        """The clauses sharing most of the query's words by BM25 alone, best first (no embedder, no
        citation lookup): for texts written in the rules' own words, such as a draft's clauses."""
        snap = self._current()
        allowed = allowed_sources(snap.documents, filters or SearchFilters())
        ranked = snap.keyword.search(self.segmenter.query_tokens(clean_query(query)), k, sources=allowed)
        found = self.catalog.clauses_by_id([cid for cid, _ in ranked])
        best = ranked[0][1] if ranked else 1.0
        # The score is relative to the best match (1.0): BM25 has no scale of its own.
        return [self._hit(n, score / best, *found[cid])
                for n, (cid, score) in enumerate(((c, s) for c, s in ranked if c in found), start=1)]

    # ----------------------------------------------------------------------------- citations
    def lookup(self, text: str, filters: SearchFilters | None = None) -> SearchResult:
        """Only the exact lookup of a citation; a notice says why nothing was found."""
        text = clean_query(text)
        snap = self._current()
        allowed = allowed_sources(snap.documents, filters or SearchFilters())
        plan = analyse(text, snap.titles)
        if not plan.is_citation:
            parsed = parse_citation(text)
            if parsed is not None and parsed.title:
                reason = f"知识库中没有名为“{parsed.title}”的文件。"
            elif parsed is not None:
                reason = "引用没有写明文件名称（例如“机关事务管理条例第十条”）。"
            else:
                reason = "这不是条文引用（例如“机关事务管理条例第十条”或“GB/T 30520—2014 3.1”）。"
            return SearchResult(query=text, low_confidence=True, hits=[], notice=reason)
        found = resolve(self.catalog, snap.documents, plan, allowed)
        hits = [self._hit(n, 1.0, c, d, full) for n, (c, d, full) in enumerate(found.hits, start=1)]
        return SearchResult(query=text, low_confidence=not hits, hits=hits, notice=" ".join(found.notices))

    # ---------------------------------------------------------------------------------- hits
    def _hit(self, rank: int, score: float, clause: Clause, doc: DocumentInfo, text: str | None = None) -> Hit:
        hit = make_hit(rank, score, clause, doc)
        if text is not None:
            hit.text = text
        return hit


def make_hit(rank: int, score: float, clause: Clause, doc: DocumentInfo) -> Hit:
    return Hit(rank=rank, score=round(float(score), 4), title=doc.title, publish_date=doc.publish_date,
               level=doc.level, status=doc.status, article=clause.label, heading_path=clause.heading_path,
               text=clause.text, source=doc.source, id=clause.id, kind=clause.kind, clause_title=clause.title,
               issuer=doc.issuer, doc_number=doc.doc_number)


