"""Each entry of a draft's 规范性引用文件 resolved against the knowledge base.

current     — the cited document (undated: its newest version) is in force;
superseded  — the draft cites a dated version while a newer one is in force (named in `current`);
repealed    — the work is in the knowledge base but no version of it is in force;
not_in_kb   — nothing in the knowledge base carries that title or standard number.
GB/T 1.1—2020 9.4: an undated reference means the newest version, so it is current whenever the
work is in force.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from index.kb import KnowledgeBase
from index.results import DocumentInfo
from ingest.metadata import book_title, parse_cn_date
from ingest.models import Status
from ingest.numerals import to_halfwidth_digits

# A standard's number and year (GB/T 1.1—2020), wherever it stands; the standards system reads
# citations with it too. Not \b before the code: it often follows Chinese text directly
# (按照GB/T 1.1—2020), and CJK is \w.
STANDARD_NUMBER = re.compile(r"(?<![A-Za-z0-9/])(?P<code>(?:GB|DB\s*\d{2,6}|[A-Z]{2,4})(?:\s*/\s*[TZ])?\s*\d+(?:\.\d+)*)"
                             r"(?:\s*[—–\-－]\s*(?P<year>\d{4}))?")
_TITLE = re.compile(r"《([^《》]+)》")
_YEAR = re.compile(r"(\d{4})\s*年")


class DocRef(BaseModel):
    title: str
    publish_date: str
    source: str
    status: str = ""


class ReferenceCheck(BaseModel):
    cited: str
    status: Literal["current", "superseded", "repealed", "not_in_kb"]
    matched: DocRef | None = None
    current: DocRef | None = None
    note: str = ""


def _ref(d: DocumentInfo | None) -> DocRef | None:
    return DocRef(title=d.title, publish_date=d.publish_date, source=d.source, status=d.status) if d else None


def check_reference(index: KnowledgeBase, line: str) -> ReferenceCheck:
    text = to_halfwidth_digits(line).replace("\u3000", " ")
    standard = STANDARD_NUMBER.search(text)
    if standard and not text.lstrip().startswith("《"):
        return _check_standard(index, line, re.sub(r"\s+", " ", standard.group("code")), standard.group("year") or "")
    m = _TITLE.search(text)
    name = m.group(1) if m else text.strip()
    work = index.works.work(name)
    if work is None:
        return ReferenceCheck(cited=line, status="not_in_kb", note=f"知识库中没有{book_title(name)}")
    current = next((v for v in reversed(work.versions) if v.status == Status.CURRENT), None)
    rest = text[m.end():] if m else ""
    date = parse_cn_date(rest)
    year = (_YEAR.search(rest) or [None, ""])[1] if not date else ""
    if date or year:
        matched = next((v for v in work.versions if date in (v.publish_date, v.effective_date)), None) if date \
            else next((v for v in reversed(work.versions) if v.publish_date.startswith(year)), None)
        if matched is None:
            return ReferenceCheck(cited=line, status="not_in_kb", current=_ref(current),
                                  note=f"知识库中没有{date or year + '年'}的版本")
    else:
        matched = current or work.versions[-1]
    if current is None:
        successor = successor_of(index, matched.title)
        return ReferenceCheck(cited=line, status="repealed", matched=_ref(matched), current=_ref(successor),
                              note=f"已废止，由{book_title(successor.title)}（{successor.publish_date}）代替" if successor
                              else "知识库中该文件没有现行有效的版本")
    if matched.source != current.source:
        return ReferenceCheck(cited=line, status="superseded", matched=_ref(matched), current=_ref(current),
                              note=f"引用的是{matched.publish_date}版，现行版本为{current.publish_date}版")
    return ReferenceCheck(cited=line, status="current", matched=_ref(matched), current=_ref(current))


def successor_of(index: KnowledgeBase, title: str) -> DocumentInfo | None:
    """The document in force that repealed `title`: its closing article says 《title》同时废止."""
    from index.search.filters import SearchFilters

    named = f"《{title}》"
    for hit in index.search(f"{named}同时废止", k=10, filters=SearchFilters(status=[Status.CURRENT])).hits:
        at = hit.text.find(named)
        if at >= 0 and "废止" in hit.text[at + len(named):at + len(named) + 8] and hit.title != title:
            return index.document_info(hit.source)
    return None


def newer_edition_in_draft(check: ReferenceCheck, draft_text: str) -> ReferenceCheck:
    """A reference to an older edition of a standard the draft itself cites in a newer one
    (GB/T 1.1—2009 listed, GB/T 1.1—2020 in the 前言) is superseded by the draft's own word."""
    m = STANDARD_NUMBER.search(to_halfwidth_digits(check.cited).replace("\u3000", " "))
    if not m or not m.group("year") or check.status == "superseded":
        return check
    code = re.sub(r"\s+", "", m.group("code"))
    years = [y.group("year") for y in STANDARD_NUMBER.finditer(to_halfwidth_digits(draft_text).replace("\u3000", " "))
             if y.group("year") and re.sub(r"\s+", "", y.group("code")) == code]
    newest = max(years, default="")
    if newest > m.group("year"):
        return check.model_copy(update={
            "status": "superseded", "current": DocRef(title=f"{m.group('code')}—{newest}", publish_date=newest, source=""),
            "note": f"草案自身引用了 {m.group('code')}—{newest}，{m.group('year')} 版已被代替"})
    return check


def _check_standard(index, line: str, code: str, year: str) -> ReferenceCheck:
    docs = index.works.standard_documents(code)
    if not docs:
        return ReferenceCheck(cited=line, status="not_in_kb", note=f"知识库中没有标准 {code}")
    current = next((d for d in reversed(docs) if d.status == Status.CURRENT), None)
    matched = next((d for d in docs if year and (year in d.doc_number or d.publish_date.startswith(year))),
                   None) if year else (current or docs[-1])
    if matched is None:
        return ReferenceCheck(cited=line, status="not_in_kb", current=_ref(current), note=f"知识库中没有 {code}—{year}")
    if current is None:
        successor = successor_of(index, matched.title)
        return ReferenceCheck(cited=line, status="repealed", matched=_ref(matched), current=_ref(successor),
                              note=f"已废止，由{successor.title}代替" if successor else "知识库中没有该标准的现行版本")
    if matched.source != current.source:
        return ReferenceCheck(cited=line, status="superseded", matched=_ref(matched), current=_ref(current),
                              note=f"{code}—{year} 已被 {current.title} 代替")
    return ReferenceCheck(cited=line, status="current", matched=_ref(matched), current=_ref(current))
