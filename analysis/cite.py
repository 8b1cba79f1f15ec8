"""How a clause or a document is cited: 《题名》第十条 in text, GB/T 7714—2015 in a reference list."""

from __future__ import annotations

import re

from index.results import DocumentInfo, Hit
from ingest.metadata import book_title
from ingest.models import STANDARD_LEVELS

_STANDARD_CODE = re.compile(r"\b(?:GB|DB|[A-Z]{2,3})(?:/[TZ])?\s*\d[\d.]*\s*[—–-]\s*\d{4}")


def short_citation(title: str, article: str) -> str:
    """《中华人民共和国保守国家秘密法》第十条; a standard's clause reads 《…》5.2.1."""
    return book_title(title) + (article or "")


def gbt7714(doc: DocumentInfo) -> str:
    """One reference-list entry for a document, following GB/T 7714—2015.

    责任者. 题名: 其他题名信息[类型标识]. 出版年.  The issuer is the 责任者; a 文号 or a standard
    number is the 其他题名信息; the publication date is given in full because laws are told apart
    by it (several versions of one law share a year's worth of citations otherwise).
    """
    title = doc.title.strip() or doc.source
    # GB/T 7714—2015 document-type codes: S 标准, Z 其他 (laws and policy documents have no code of their own).
    kind = "S" if doc.level in STANDARD_LEVELS else "Z"
    extra = document_number(title, doc.level, doc.doc_number)
    head = f"{doc.issuer.strip()}. " if doc.issuer.strip() else ""
    body = f"{title}: {extra}" if extra and extra not in title else title
    date = doc.publish_date or "[出版日期不详]"
    return f"{head}{body}[{kind}]. {date}."


def document_number(title: str, level: str, doc_number: str) -> str:
    """The 发文字号, or for a standard without one the standard number its title carries (GB/T 30520—2014)."""
    if doc_number.strip() or level not in STANDARD_LEVELS:
        return doc_number.strip()
    found = _STANDARD_CODE.search(title)
    return found.group(0) if found else ""


def hit_reference(hit: Hit) -> str:
    """The GB/T 7714 entry of the document a search hit comes from."""
    return gbt7714(DocumentInfo(source=hit.source, title=hit.title, level=hit.level, status=hit.status,
                                issuer=hit.issuer, doc_number=hit.doc_number, publish_date=hit.publish_date))
