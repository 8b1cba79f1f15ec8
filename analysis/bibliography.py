"""Reference lists for reference managers: RIS (NoteExpress, Zotero, EndNote) and CSL-JSON (issue 32).

A drafter collects the laws and standards a 编制说明 rests on in a reference manager, so search
results, the 文献综述 and the 编制说明's 参考文献 leave stdkb as one entry per document: type, title,
issuer as the (institutional) author, 发文字号 or standard number, dates, and a link to the clause
page. Several hits from one document make one entry; the clauses found go in its note. Pure
conversion: the faces pass the base URL and the catalogue lookup (for the 施行日期 a Hit lacks).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote

import rispy
from pydantic import BaseModel, Field

from index.results import DocumentInfo, Hit
from ingest.models import ClauseId, Level

from .cite import document_number
from .review.review import Review

Lookup = Callable[[str], DocumentInfo | None]
# A GB/T 7714—2015 numeric style for CSL processors, printing what cite.gbt7714 prints.
GBT7714_STYLE = Path(__file__).resolve().parent / "data" / "gb-t-7714-2015.csl"


@dataclass(frozen=True)
class Kind:
    ris: str   # RIS TY code
    csl: str   # CSL 1.0.2 item type


# What a document of each 效力层级 is in a reference manager. A 法律 or 地方性法规 is made by a
# legislature (全国人大, 地方人大及其常委会): a statute (RIS STAT, CSL legislation). 行政法规 and
# 部门规章 are made by the executive: RIS's "Legal Rule or Regulation" and CSL's "regulation or
# other administrative law". 党内法规与规范性文件 and 试点文件 are 通知/方案 an institution issues:
# RIS's government document, CSL's report ("distributed by an institution"). Standards are STAND /
# standard. 其他 stays generic.
KINDS: dict[str, Kind] = {
    Level.LAW: Kind("STAT", "legislation"),
    Level.LOCAL_REGULATION: Kind("STAT", "legislation"),
    Level.ADMINISTRATIVE_REGULATION: Kind("LEGAL", "regulation"),
    Level.DEPARTMENTAL_RULE: Kind("LEGAL", "regulation"),
    Level.PARTY_REGULATION: Kind("GOVDOC", "report"),
    Level.PILOT: Kind("GOVDOC", "report"),
    Level.NATIONAL_STANDARD: Kind("STAND", "standard"),
    Level.SECTOR_STANDARD: Kind("STAND", "standard"),
    Level.LOCAL_STANDARD: Kind("STAND", "standard"),
    Level.GROUP_STANDARD: Kind("STAND", "standard"),
    Level.STANDARD: Kind("STAND", "standard"),
}
GENERIC = Kind("GEN", "document")


class Reference(BaseModel):
    """One document as a reference manager imports it."""

    source: str
    title: str
    level: str
    status: str
    issuer: str = Field("", description="The issuing institution, exported as the author.")
    number: str = Field("", description="The 发文字号, or the standard number.")
    publish_date: str = ""
    effective_date: str = Field("", description="The 施行日期, when the catalogue has it.")
    url: str = Field("", description="The page of the first clause found; absolute when a base URL is known.")
    articles: list[str] = Field(default_factory=list, description="The clauses found in it, in order.")

    @property
    def kind(self) -> Kind:
        return KINDS.get(self.level, GENERIC)

    def notes(self) -> list[str]:
        """What the entry says beyond the bibliographic fields, one line each."""
        lines = [f"条款：{'、'.join(self.articles)}"] if self.articles else []
        if self.effective_date:
            lines.append(f"施行日期：{self.effective_date}")
        return lines + [f"效力层级：{self.level}", f"时效性：{self.status}"]


def clause_page(source: str, clause_id: str, base_url: str = "") -> str:
    """The clause's place on its document page: /doc/{source}#{key}, as web/pages.py serves it
    (tests/test_references.py holds the two to the same URL)."""
    path = "/doc/" + quote(source, safe="/") + "#" + quote(ClauseId(clause_id).key, safe="")
    return base_url.rstrip("/") + path


def hit_references(hits: Iterable[Hit], base_url: str = "", lookup: Lookup | None = None) -> list[Reference]:
    """One reference per document, in the order its first hit comes; its clauses in the note."""
    by_source: dict[str, Reference] = {}
    for hit in hits:
        ref = by_source.get(hit.source)
        if ref is None:
            info = lookup(hit.source) if lookup else None
            ref = by_source[hit.source] = Reference(
                source=hit.source, title=hit.title.strip() or hit.source, level=hit.level, status=hit.status,
                issuer=hit.issuer.strip(), number=document_number(hit.title, hit.level, hit.doc_number),
                publish_date=hit.publish_date, effective_date=info.effective_date if info else "",
                url=clause_page(hit.source, hit.id, base_url))
        article = hit.article or hit.clause_title or "（正文）"
        if article not in ref.articles:
            ref.articles.append(article)
    return list(by_source.values())


def review_references(review: Review, base_url: str = "", lookup: Lookup | None = None) -> list[Reference]:
    """The 文献综述's reference list, numbered as the review numbers it ([1], [2] …)."""
    ordered = sorted((doc for group in review.groups for doc in group.documents), key=lambda d: d.number)
    return hit_references((c for doc in ordered for c in doc.clauses), base_url, lookup)


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its "1." line before each record: in RIS a record starts at its TY
    line, and an importer that reads strictly (EndNote's) should meet nothing else between records."""

    def set_header(self, count: int) -> str:
        return ""


def ris(references: list[Reference]) -> str:
    """RIS, as NoteExpress, Zotero and EndNote import it."""
    return rispy.dumps([_ris_entry(r) for r in references], implementation=_RisWriter)


def _ris_entry(ref: Reference) -> dict:
    entry: dict = {"type_of_reference": ref.kind.ris, "title": ref.title}
    if ref.issuer:
        # AU: the institution as the author (its name has no comma, so no one splits it into given and family names)
        entry["authors"] = [ref.issuer]
        entry["publisher"] = ref.issuer
    if ref.number:
        entry["number"] = ref.number
    if ref.publish_date:
        parts = ref.publish_date.split("-")
        entry["year"] = parts[0]
        entry["date"] = "/".join((parts + ["", ""])[:3]) + "/"   # RIS DA: YYYY/MM/DD/
    entry["type_of_work"] = ref.level
    entry["language"] = "zh-CN"
    if ref.url:
        entry["urls"] = [ref.url]
    entry["notes"] = ref.notes()
    return entry


def csl_items(references: list[Reference]) -> list[dict]:
    """CSL-JSON items (CSL 1.0.2 schema), one per reference."""
    return [_csl_item(r) for r in references]


def csl_json(references: list[Reference]) -> str:
    return json.dumps(csl_items(references), ensure_ascii=False, indent=1) + "\n"


def _csl_item(ref: Reference) -> dict:
    item: dict = {"id": ref.source, "type": ref.kind.csl, "title": ref.title, "genre": ref.level,
                  "status": ref.status, "language": "zh-CN"}
    if ref.issuer:
        # `literal`: an institution's name is not a person's; CSL processors print it whole.
        item["author"] = [{"literal": ref.issuer}]
        item["authority"] = ref.issuer
    if ref.number:
        item["number"] = ref.number
    if date := _date_parts(ref.publish_date):
        item["issued"] = {"date-parts": [date]}
    if ref.url:
        item["URL"] = ref.url
    # CSL 1.0.2 has no variable for a law's 施行日期, so it goes in the note with the clauses found.
    item["note"] = "\n".join(ref.notes())
    return item


def _date_parts(date: str) -> list[int]:
    parts = []
    for part in date.split("-")[:3]:
        if not part.isdigit():
            break
        parts.append(int(part))
    return parts
