"""Exact lookup of a citation: 《机关事务管理条例》第十条, 保密法第二十条第二款, GB/T 1.1—2020 3.1.

Given what `query.analyse` read off the query, find the clauses it cites, or say precisely what
is missing: a work without a version passing the filters, an article the work does not have (with
its last article), a standard or a clause number the knowledge base does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.results import DocumentInfo
from index.search.citations import ArticleRef, Citation, standard_key
from index.search.query import QueryPlan
from index.search.titles import Work, of_year
from index.store.catalog import Catalog
from ingest.metadata import book_title
from ingest.models import Clause, Status
from ingest.numerals import int_to_cn

# No law has ten thousand articles; larger numbers are typing errors, not missing articles.
MAX_ARTICLE = 9999


@dataclass
class Lookup:
    """The result of resolving a citation: hits found by exact lookup, and what could not be found."""

    hits: list[tuple[Clause, DocumentInfo, str]] = field(default_factory=list)   # (clause, document, full text)
    notices: list[str] = field(default_factory=list)


def resolve(catalog: Catalog, documents: list[DocumentInfo], plan: QueryPlan,
            allowed: set[str] | None = None) -> Lookup:
    """Exact lookup of the citation in `plan` (which must have one)."""
    citation = plan.citation
    assert citation is not None
    if citation.is_standard:
        return _resolve_standard(catalog, documents, citation, allowed)
    out = Lookup()
    # The parts of a code stored in parts (民法典) number their articles through the whole code:
    # a citation of the code finds its article in whichever part holds it.
    groups: dict[str, list[DocumentInfo]] = {}
    for match in plan.cited:
        doc = plan.version_of(match.work, allowed)
        if doc is None:
            out.notices.append(f"{book_title(match.work.versions[-1].title)}没有符合筛选条件的版本。")
            continue
        out.notices.extend(version_notices(match.work, doc, plan))
        groups.setdefault(match.work.code or match.work.key, []).append(doc)
    for docs in groups.values():
        for ref in citation.articles:
            found = next(((doc, clauses) for doc in docs if (clauses := catalog.article(doc.source, ref.number))), None)
            if found is None:
                out.notices.append(_missing_article(docs[0], ref, catalog) if len(docs) == 1
                                   else _missing_in_code(docs, ref))
                continue
            doc, clauses = found
            out.hits.append((clauses[0], doc, "\n".join(c.text for c in clauses)))
    return out


def version_notices(work: Work, shown: DocumentInfo, plan: QueryPlan) -> list[str]:
    """What to tell a user when the version of `work` shown is not the one the query asked for."""
    title, date = book_title(shown.title), shown.publish_date or "日期不详"
    meant = plan.version_of(work)   # among every version, whatever the filters let through
    if meant is not None and meant.source != shown.source:
        return [f"{title}{meant.publish_date}的版本不符合筛选条件，以下是{date}的版本。"]
    year = plan.version_year
    if year and not of_year(shown, year):
        if shown.publish_date[:4] > year:
            return [f"知识库中没有{title}{year}年及以前的版本，以下是{date}的版本。"]
        return [f"知识库中没有{title}{year}年的版本；{year}年时施行的是{date}的版本，以下是该版本。"]
    if plan.older and not plan.before_year and shown.publish_date >= work.current().publish_date:
        return [f"知识库中没有{title}更早的版本，以下是{date}的版本。"]
    return []


def _missing_in_code(parts: list[DocumentInfo], ref: ArticleRef) -> str:
    code = parts[0].title.split()[0]
    return f"{book_title(code)}的各编都没有{ref.label.split('款')[0].split('条')[0]}条。"


def _resolve_standard(catalog: Catalog, documents: list[DocumentInfo], citation: Citation,
                      allowed: set[str] | None) -> Lookup:
    out = Lookup()
    key = standard_key(citation.standard_code)
    docs = [d for d in documents if (allowed is None or d.source in allowed)
            and key in standard_key(d.doc_number + " " + d.title)]
    if citation.standard_year:
        dated = [d for d in docs if citation.standard_year in d.doc_number or
                 d.publish_date.startswith(citation.standard_year)]
        docs = dated or docs
    if not docs:
        out.notices.append(f"知识库中没有标准 {citation.standard_code}"
                           f"{'—' + citation.standard_year if citation.standard_year else ''}。")
        return out
    doc = sorted(docs, key=lambda d: (d.status != Status.CURRENT, d.publish_date))[-1] \
        if not citation.standard_year else docs[-1]
    if not citation.clause_number:
        clauses = catalog.clauses_of(doc.source)[:1]
    else:
        clauses = catalog.clauses_labelled(doc.source, citation.clause_number) or \
            catalog.article(doc.source, citation.clause_number)
    if not clauses:
        out.notices.append(f"{book_title(doc.title)}中没有 {citation.clause_number} 条。")
        return out
    out.hits.append((clauses[0], doc, "\n".join(c.text for c in clauses)))
    return out


def _missing_article(doc: DocumentInfo, ref: ArticleRef, catalog: Catalog) -> str:
    numbers = [c.number for c in catalog.clauses_of(doc.source) if c.kind in ("article", "part")]
    last = max((int(n.split("-")[0]) for n in numbers if n.split("-")[0].isdigit()), default=0)
    if ref.article <= 0 or ref.article > MAX_ARTICLE:
        written = ref.label if len(ref.label) <= 30 else ref.label[:29] + "…"
        return f"“{written}”不是有效的条号。"
    span = f"（共{int_to_cn(last)}条）" if last else ""
    return f"{book_title(doc.title)}（{doc.publish_date}）没有{ref.label.split('款')[0].split('条')[0]}条" \
           f"{'之' + int_to_cn(ref.sub) if ref.sub else ''}{span}。"
