"""Duties of the rules a draft rests on that no clause of the draft states, for the drafter to
check: found from what the draft does, not from a list of areas.

A draft whose clauses find several articles of one document as their basis (or copy or contradict
them) implements that document. Its other articles that impose a duty on the draft's kind of body
and that no clause of the draft holds are listed, nearest the draft's subject and scope first (by
the encoder) — the duty an 档案 standard may leave out of the 档案法 it follows. They are not
findings: many such duties bind the unit without belonging in a standard, which only a drafter can
judge. The findings of 草案未体现的规定 stay those of missing.py (cross-cutting duties, 燃气, 消防).
"""

from __future__ import annotations

from collections import defaultdict

from index.kb import KnowledgeBase
from index.results import DocumentPage, Hit

from ..cite import short_citation
from .coverage import DUTY_HELD, content_words, coverage
from .draft import Draft
from .missing import OBLIGATION, MissingHit, subject_of
from .modality import binds_other_bodies, statements
from .regions import NON_NORMATIVE, applicable
from .sanctions import sanctions
from .scope import scope_article

ANCHOR_CLAUSES = 2   # a document the draft rests on backs at least this many of its clauses
MAX_TO_CHECK = 5


def anchors(findings) -> dict[str, set[str]]:
    """Documents that back, are copied by or contradict at least ANCHOR_CLAUSES draft clauses:
    source → the numbers of those clauses."""
    backed: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        for e in f.evidence:
            if e.relation in ("basis", "duplicate", "conflict"):
                backed[e.source].add(f.number)
    return {source: numbers for source, numbers in backed.items() if len(numbers) >= ANCHOR_CLAUSES}


def articles(page: DocumentPage) -> list[Hit]:
    """Each article of a document whole (its parts joined), as a hit for the report."""
    parts: dict[str, list] = defaultdict(list)
    for c in page.clauses:
        parts[c.parent or c.id].append(c)
    out = []
    for clauses in parts.values():
        head = clauses[0]
        out.append(Hit(rank=0, score=0.0, title=page.title, publish_date=page.publish_date, level=page.level,
                       status=page.status, article=head.label, heading_path=head.heading_path,
                       text="\n".join(c.text for c in clauses), source=page.source, id=head.id, kind=head.kind,
                       clause_title=head.title, issuer=page.issuer, doc_number=page.doc_number))
    return out


def duties_to_check(index: KnowledgeBase, draft: Draft, findings, regions: list[str], draft_kinds: set[str],
                    exclude: set[str]) -> list[MissingHit]:
    """Up to MAX_TO_CHECK duties of the documents the draft rests on that it does not state, nearest
    its subject first; `exclude` are provisions reported already."""
    backed = anchors(findings)
    shown = {e.id for f in findings for e in f.evidence} | exclude
    segmenter = index.text.segmenter
    clause_words = [content_words(c.text, segmenter) for c in draft.clauses]
    found: list[tuple[Hit, str, str]] = []   # (article, its duty sentence, the clauses behind the document)
    for source, numbers in backed.items():
        page = index.document(source)
        if page is None or page.level in NON_NORMATIVE:
            continue
        who = f"{page.title}\n{scope_article(index, page.title)}"
        for article in articles(page):
            if article.id in shown or sanctions(article) or not applicable(article, regions):
                continue
            sentence = _duty_sentence(article.text, who, draft_kinds)
            if sentence:
                found.append((article, sentence, "、".join(sorted(numbers, key=_clause_order)[:4])))
    if not found:
        return []
    topic = f"{subject_of(draft)}\n{draft.scope}"
    near = index.text.similarity(topic, [s for _, s, _ in found])
    rarity = index.text.rarity(sorted(set().union(*clause_words, *(content_words(s, segmenter) for _, s, _ in found))))
    out = []
    for (article, sentence, numbers), cosine in sorted(zip(found, near), key=lambda x: -x[1]):
        if len(out) >= MAX_TO_CHECK:
            break
        words = content_words(sentence, segmenter)
        if max((coverage(words, held, rarity) for held in clause_words), default=0.0) >= DUTY_HELD:
            continue   # a clause of the draft says it
        reason = (f"草案条款 {numbers} 以{short_citation(article.title, '')}为依据，但没有体现其中的这项义务："
                  f"“{sentence.rstrip('；;。')}”。")
        out.append(MissingHit(**{**article.model_dump(), "score": round(float(cosine), 4)}, reason=reason,
                              citation=short_citation(article.title, article.article)))
    return out


def _clause_order(number: str) -> tuple:
    """5.2 before 10.1, as a draft numbers them."""
    return tuple(int(p) if p.isdigit() else 0 for p in number.split("."))


def _duty_sentence(text: str, who: str, draft_kinds: set[str]) -> str:
    """The first sentence of an article that imposes a duty on the draft's kind of body; '' when none."""
    for statement in statements(text):
        if statement.modality in ("require", "forbid") and OBLIGATION.search(statement.sentence) \
                and not statement.sentence.rstrip().endswith(("：", ":")) \
                and not binds_other_bodies(statement, who, draft_kinds):
            return statement.sentence
    return ""
