"""A document's outline (chapters → sections → clauses) and neighbours of a clause. Pure functions."""

from __future__ import annotations

from index.results import OutlineClause, OutlineEntry
from ingest.models import Clause


def outline(clauses: list[Clause]) -> list[OutlineEntry]:
    """Nested headings (第二章 经费管理 → …), each with the clauses directly under it.

    Clauses outside any heading sit in an entry whose heading is "".
    """
    root = OutlineEntry(heading="")
    for c in clauses:
        if c.parent:  # later parts of a split article are not separate entries
            continue
        node = root
        for heading in c.heading_path:
            child = next((ch for ch in node.children if ch.heading == heading), None)
            if child is None:
                child = OutlineEntry(heading=heading)
                node.children.append(child)
            node = child
        node.clauses.append(OutlineClause(label=c.label, title=c.title, id=c.id))
    entries = root.children
    if root.clauses:
        entries = [OutlineEntry(heading="", clauses=root.clauses)] + entries
    return entries


def article_neighbours(clauses: list[Clause], clause_id: str) -> tuple[Clause | None, Clause | None]:
    """The articles (first parts) before and after the article that `clause_id` belongs to."""
    heads = [c for c in clauses if not c.parent]
    by_id = {c.id: c for c in clauses}
    target = by_id.get(clause_id)
    if target is None:
        return None, None
    head_id = target.parent or target.id
    ids = [c.id for c in heads]
    if head_id not in ids:
        return None, None
    i = ids.index(head_id)
    return (heads[i - 1] if i > 0 else None), (heads[i + 1] if i + 1 < len(heads) else None)
