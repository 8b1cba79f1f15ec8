"""What changed between two versions of a document, article by article. Pure functions.

Revisions renumber articles (the 2024 保密法 has twelve more than the 2010 one), so articles are
paired by their text, not by their number: a monotone alignment that maximises the summed
similarity of paired articles, where only pairs above `MIN_SIMILARITY` may pair at all.
"""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import BaseModel, Field

from index.results import DocumentInfo, VersionInfo
from ingest.models import Clause

# Below this share of shared character bigrams two articles are different articles, not one edited.
MIN_SIMILARITY = 0.35


class Article(BaseModel):
    id: str
    label: str
    text: str


class ArticleChange(BaseModel):
    change: Literal["added", "removed", "modified"]
    old: Article | None = None
    new: Article | None = None
    similarity: float = 0.0
    segments: list[tuple[Literal["equal", "delete", "insert"], str]] = Field(
        default_factory=list, description="The modified text as runs kept / deleted / inserted.")


class VersionDiff(BaseModel):
    old: VersionInfo
    new: VersionInfo
    added: int
    removed: int
    modified: int
    unchanged: int = Field(description="Articles with the same text (renumbered ones included).")
    renumbered: int
    changes: list[ArticleChange]


def articles(clauses: list[Clause]) -> list[Article]:
    """Whole articles: the parts a long article was split into are joined back to it."""
    heads: dict[str, Article] = {}
    order: list[str] = []
    for c in clauses:
        if c.parent and c.parent in heads:
            heads[c.parent].text += "\n" + c.text
        elif c.kind != "heading":
            heads[c.id] = Article(id=c.id, label=c.label, text=c.text)
            order.append(c.id)
    return [heads[i] for i in order]


def _bigrams(text: str) -> set[str]:
    compact = "".join(text.split())
    return {compact[i:i + 2] for i in range(len(compact) - 1)} or {compact}


def similarity(a: set[str], b: set[str]) -> float:
    """Dice coefficient of two bigram sets."""
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def align(old: list[Article], new: list[Article]) -> list[tuple[int, int, float]]:
    """Pairs (i, j, similarity) of a monotone alignment with the largest summed similarity."""
    og, ng = [_bigrams(a.text) for a in old], [_bigrams(a.text) for a in new]
    n, m = len(old), len(new)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    sims: dict[tuple[int, int], float] = {}
    for i in range(1, n + 1):
        row, prev = best[i], best[i - 1]
        for j in range(1, m + 1):
            value = max(prev[j], row[j - 1])
            s = similarity(og[i - 1], ng[j - 1])
            if s >= MIN_SIMILARITY:
                sims[i, j] = s
                value = max(value, prev[j - 1] + s)
            row[j] = value
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        s = sims.get((i, j))
        if s is not None and abs(best[i][j] - (best[i - 1][j - 1] + s)) < 1e-9:
            pairs.append((i - 1, j - 1, s))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


# An unchanged run this short between two edits reads better as part of the edit (一切国家机关和 → …).
SHORT_EQUAL = 2


def segments(old: str, new: str) -> list[tuple[str, str]]:
    """`new` against `old` as runs of equal / deleted / inserted characters, short equal runs folded in."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops = matcher.get_opcodes()
    # Each block: (old text, new text, equal?). Short equal blocks between edits join their neighbours.
    blocks: list[list] = []
    for n, (op, i1, i2, j1, j2) in enumerate(ops):
        equal = op == "equal"
        between_edits = 0 < n < len(ops) - 1
        if equal and between_edits and i2 - i1 <= SHORT_EQUAL:
            equal = False
        if blocks and not equal and not blocks[-1][2]:
            blocks[-1][0] += old[i1:i2]
            blocks[-1][1] += new[j1:j2]
        else:
            blocks.append([old[i1:i2], new[j1:j2], equal])
    out: list[tuple[str, str]] = []
    for old_text, new_text, equal in blocks:
        if equal:
            out.append(("equal", old_text))
            continue
        if old_text:
            out.append(("delete", old_text))
        if new_text:
            out.append(("insert", new_text))
    return out


def compare(old_doc: DocumentInfo, old_clauses: list[Clause], new_doc: DocumentInfo,
            new_clauses: list[Clause]) -> VersionDiff:
    """Added, removed and modified articles from `old_doc` to `new_doc`, in the new version's order."""
    old, new = articles(old_clauses), articles(new_clauses)
    pairs = align(old, new)
    paired_old = {i for i, _, _ in pairs}
    changes: list[tuple[float, ArticleChange]] = []
    unchanged = renumbered = 0
    for i, j, s in pairs:
        a, b = old[i], new[j]
        if a.text == b.text:
            unchanged += 1
            renumbered += a.label != b.label
            continue
        changes.append((j, ArticleChange(change="modified", old=a, new=b, similarity=round(s, 3),
                                         segments=segments(a.text, b.text))))
    paired_new = {j for _, j, _ in pairs}
    changes += [(j, ArticleChange(change="added", new=b)) for j, b in enumerate(new) if j not in paired_new]
    # A removed article sits where it would have been in the new version: after its paired predecessor.
    new_position = {i: j for i, j, _ in pairs}
    last = -0.5
    for i, a in enumerate(old):
        if i in new_position:
            last = new_position[i]
        elif i not in paired_old:
            changes.append((last + 0.1, ArticleChange(change="removed", old=a)))
    changes.sort(key=lambda c: c[0])
    counts = {kind: sum(1 for _, c in changes if c.change == kind) for kind in ("added", "removed", "modified")}
    return VersionDiff(old=version_info(old_doc), new=version_info(new_doc), unchanged=unchanged,
                       renumbered=renumbered, changes=[c for _, c in changes], **counts)


def version_info(doc: DocumentInfo) -> VersionInfo:
    return VersionInfo(**doc.model_dump(include=set(VersionInfo.model_fields)))
