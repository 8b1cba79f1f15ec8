"""Every document placed in the framework, from its own text, without labels per document.

Each second-level area is searched by its name and description (the hybrid search: keyword index
and dense encoder together). A document's evidence for an area is the sum of its best `TOP` clause
scores among the hits, plus `TITLE_WEIGHT` when its title holds one of the area's keywords (a
title says what a document regulates better than any clause). A document sits in every area whose
score reaches `THRESHOLD` and `RELATIVE` × its best area's score, strongest first; below that
everywhere it stays unassigned (traffic penalties, pet dogs: outside 机关事务). A drafter's
override (analysis/system/registry.py) replaces the computed areas of that document.
`python -m evaluation.system_eval DIR` scores the constants by folds over an expectation list.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from index.kb import KnowledgeBase
from index.results import Hit
from index.search.filters import SearchFilters

from .framework import Area, leaves, path_of

SEARCH_K = 200        # hits read per area
TOP = 3               # a document's best clauses counted per area (a long code must not win by length)
TITLE_WEIGHT = 1.0
THRESHOLD = 1.2
RELATIVE = 0.6
MIN_TEXT = 10         # characters a clause needs to count as evidence


class Placement(BaseModel):
    source: str
    title: str
    level: str
    areas: list[list[str]]        # [first-level name, second-level name], strongest first; [] unassigned
    score: float                  # the strongest area's score (0 when unassigned)
    area_ids: list[str] = []      # the same areas by id
    overridden: bool = False      # placed by a drafter, not computed


def area_hits(kb: KnowledgeBase, framework: list[Area]) -> dict[str, list[Hit]]:
    """area id → the hits of searching it, for the second-level areas."""
    return {area.id: kb.search(area.query(), k=SEARCH_K, filters=SearchFilters()).hits for area in leaves(framework)}


def evidence_by_document(hits: dict[str, list[Hit]]) -> dict[str, dict[str, float]]:
    """source → {area id → the sum of its best TOP clause scores}."""
    evidence: dict[str, dict[str, float]] = defaultdict(dict)
    for area_id, area_hits_ in hits.items():
        per_doc: dict[str, list[float]] = defaultdict(list)
        for hit in area_hits_:
            if len(hit.text.strip()) >= MIN_TEXT:   # a bare heading (术语定义) regulates nothing
                per_doc[hit.source].append(hit.score)
        for source, scores in per_doc.items():
            evidence[source][area_id] = sum(sorted(scores, reverse=True)[:TOP])
    return evidence


def place_documents(kb: KnowledgeBase, framework: list[Area], hits: dict[str, list[Hit]] | None = None,
                    overrides: dict[str, list[str]] | None = None, threshold: float = THRESHOLD,
                    title_weight: float = TITLE_WEIGHT, relative: float = RELATIVE) -> list[Placement]:
    by_id = {a.id: a for a in framework}
    evidence = evidence_by_document(hits if hits is not None else area_hits(kb, framework))
    overrides = overrides or {}
    placements = []
    for doc in kb.documents().documents:
        scores = dict(evidence.get(doc.source, {}))
        for area in leaves(framework):
            if any(word in doc.title for word in area.keywords):
                scores[area.id] = scores.get(area.id, 0.0) + title_weight
        best = max(scores.values(), default=0.0)
        if doc.source in overrides:
            chosen = [aid for aid in overrides[doc.source] if aid in by_id]
        else:
            chosen = sorted((aid for aid, s in scores.items() if s >= threshold and s >= relative * best),
                            key=lambda aid: -scores[aid])
        placements.append(Placement(
            source=doc.source, title=doc.title, level=doc.level, areas=[path_of(by_id[aid], by_id) for aid in chosen],
            score=round(best if chosen else 0.0, 4), area_ids=chosen, overridden=doc.source in overrides))
    return placements
