"""Literature review for a drafting topic: the relevant documents, grouped by level, with citations.

The order is the one a 编制说明 uses: 法律 → 行政法规 → 部门规章 → 党内法规/规范性文件 → 地方性法规
→ 标准 → 试点文件; within a level, current versions first, then by relevance.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from index.kb import KnowledgeBase
from index.results import Hit
from index.search.filters import SearchFilters
from ingest.models import Status, level_rank

from ..cite import gbt7714, short_citation

# How many hits of the topic search are read to find the documents (more reaches rarer documents).
SEARCH_DEPTH = 100
# A clause is on the topic when its text, title or headings hold this share of the topic's words,
# weighted by rarity. A review lists provisions that talk about the topic, not ones merely near it
# in embedding space: 公务用车 should not bring in 道路交通安全法 for its 车辆 clauses, and
# 机关食堂 should bring in 单位食堂 (rare 食堂) but not every clause with 机关 (common).
MIN_TOPIC_COVERAGE = 0.6


class ReviewClause(Hit):
    citation: str


class ReviewDocument(BaseModel):
    source: str
    title: str
    level: str
    status: str
    issuer: str
    doc_number: str
    publish_date: str
    reference: str = Field(description="The GB/T 7714—2015 reference-list entry.")
    number: int = Field(0, description="Its number in the reference list, [1], [2] …")
    clauses: list[ReviewClause]


class ReviewGroup(BaseModel):
    level: str
    documents: list[ReviewDocument]


class Review(BaseModel):
    topic: str
    generated: str
    low_confidence: bool
    notice: str = ""
    documents: int
    groups: list[ReviewGroup]


def topic_words(topic: str, segmenter) -> dict[str, list[str]]:
    """The topic's words, each with the parts it is made of: 办公用房 → [办公, 公用, 用房]."""
    words = {w for w in segmenter.words(topic) if len(w) >= 2}
    return {w: [t for t in segmenter.tokens(w) if t != w and len(t) >= 2] for w in sorted(words)}


def on_topic(hit: Hit, words: dict[str, list[str]], rarity: dict[str, float], segmenter) -> bool:
    """Does the clause (with its title and headings) say enough of the topic, weighting rare words higher?

    A topic word counts in full when the clause has it, in part when the clause has some of its
    parts as words of its own: 单位食堂 covers most of 机关食堂 (食堂 is rare), while 专用车道
    covers nothing of 公务用车 (its 用车 is not a word there).
    """
    total = sum(rarity[w] for w in words)
    if total <= 0:
        return True
    where = " ".join([hit.title, *hit.heading_path, hit.clause_title, hit.text]).lower()
    clause_words = set(segmenter.words(where))
    covered = 0.0
    for word, parts in words.items():
        if word in where:
            covered += rarity[word]
        elif parts:
            share = sum(rarity[p] for p in parts if p in clause_words) / (sum(rarity[p] for p in parts) or 1)
            covered += rarity[word] * share
    return covered >= MIN_TOPIC_COVERAGE * total


def literature_review(index: KnowledgeBase, topic: str, filters: SearchFilters | None = None, max_documents: int = 30,
                      clauses_per_document: int = 3) -> Review:
    """Search the topic, keep the best `max_documents` documents and their best clauses, group by level."""
    result = index.search(topic, k=SEARCH_DEPTH, filters=filters)
    words = topic_words(topic, index.text.segmenter)
    rarity = index.text.rarity(sorted({*words, *(p for parts in words.values() for p in parts)}))
    by_source: dict[str, list[Hit]] = {}
    for hit in result.hits:
        if on_topic(hit, words, rarity, index.text.segmenter):
            by_source.setdefault(hit.source, []).append(hit)
    chosen = sorted(by_source.values(), key=lambda hits: hits[0].rank)[:max_documents]
    meta = {d.source: d for d in index.documents().documents}
    docs = []
    for hits in chosen:
        d = meta[hits[0].source]
        docs.append((hits[0].rank, ReviewDocument(
            source=d.source, title=d.title, level=d.level, status=d.status, issuer=d.issuer,
            doc_number=d.doc_number, publish_date=d.publish_date, reference=gbt7714(d),
            clauses=[ReviewClause(**h.model_dump(), citation=short_citation(h.title, h.article))
                     for h in hits[:clauses_per_document]])))
    docs.sort(key=lambda r: (level_rank(r[1].level), r[1].status != Status.CURRENT, r[0]))
    groups: list[ReviewGroup] = []
    for number, (_, doc) in enumerate(docs, start=1):
        doc.number = number
        if not groups or groups[-1].level != doc.level:
            groups.append(ReviewGroup(level=doc.level, documents=[]))
        groups[-1].documents.append(doc)
    return Review(topic=topic, generated=dt.date.today().isoformat(), low_confidence=result.low_confidence,
                  notice=result.notice, documents=len(docs), groups=groups)
