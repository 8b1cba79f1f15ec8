"""Which documents of the knowledge base a 自查表 or a training set is made of: one named by its
title or short name, or every document the 标准体系 places in an area."""

from __future__ import annotations

from pathlib import Path

from index.errors import DocumentNotFound
from index.kb import KnowledgeBase
from index.results import DocumentPage
from index.search.filters import SearchFilters

from .checklist import Checklist, checklist
from .training import TrainingSet, training_set


def document_named(kb: KnowledgeBase, name: str) -> DocumentPage:
    """The current document a title or short name means (《公共机构节能条例》, 节能条例); DocumentNotFound."""
    found = kb.works.works_named(name.strip(), abbreviations=True) if name.strip() else []
    page = kb.document(found[0].source) if found else None
    if page is None:
        raise DocumentNotFound(name)
    return page


def current_titles(kb: KnowledgeBase) -> list[str]:
    """The titles of the documents in force: the choices of the pages, the distractors of 文件题."""
    return sorted({d.title for d in kb.documents(SearchFilters(status=["现行有效"])).documents})


def checklist_of(kb: KnowledgeBase, name: str) -> tuple[DocumentPage, Checklist]:
    page = document_named(kb, name)
    return page, checklist(page.title, page.clauses)


def area_documents(kb: KnowledgeBase, area: str, system_file: Path | None = None) -> list[str]:
    """The titles of the documents the 标准体系 places in `area` (an id, or the first digits of ids)."""
    from analysis.system.system import build_system

    report = build_system(kb, system_file)
    return [p.title for p in report.documents if any(a.startswith(area) for a in p.area_ids)]


# A paper is read by a person: more documents than this make no paper (and an area of the whole
# system, 3, would otherwise make a set of every document placed in it).
MAX_DOCUMENTS = 20


def paper_of(kb: KnowledgeBase, names: list[str], n: int = 30, area: str = "",
             system_file: Path | None = None) -> TrainingSet:
    """A training set of `n` questions on these documents (and those of `area`), the documents taken
    in turn so that each has its share; seeded, so the same request gives the same paper (the page
    scores an answer sheet by making the paper again)."""
    names = list(dict.fromkeys([*names, *(area_documents(kb, area, system_file) if area else [])]))[:MAX_DOCUMENTS]
    if not names:
        raise DocumentNotFound(f"area {area}" if area else "(no document named)")
    others = current_titles(kb)
    sets = []
    for name in names:
        page = document_named(kb, name)
        sets.append(training_set(page.title, checklist(page.title, page.clauses).items, n=n, other_titles=others))
    if len(sets) == 1:
        return sets[0]
    questions = [q for row in zip(*(s.questions + [None] * n for s in sets)) for q in row if q is not None][:n]
    return TrainingSet(document="、".join(s.document for s in sets), questions=questions)
