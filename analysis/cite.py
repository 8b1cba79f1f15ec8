"""How a clause or a document is cited: 《题名》第十条 in text, GB/T 7714—2015 in a reference list."""

from __future__ import annotations

import re

# GB/T 7714—2015 document-type codes: S 标准, R 报告, Z 其他 (laws and policy documents have no code of their own).
_STANDARD_LEVELS = {"国家标准", "行业标准", "地方标准", "团体标准", "标准"}
_STANDARD_CODE = re.compile(r"\b(?:GB|DB|[A-Z]{2,3})(?:/[TZ])?\s*\d[\d.]*\s*[—–-]\s*\d{4}")


def short_citation(title: str, article: str) -> str:
    """《中华人民共和国保守国家秘密法》第十条; a standard's clause reads 《…》5.2.1."""
    return f"《{title}》{article}" if article else f"《{title}》"


def gbt7714(doc: dict) -> str:
    """One reference-list entry for a document, following GB/T 7714—2015.

    责任者. 题名: 其他题名信息[类型标识]. 出版年.  The issuer is the 责任者; a 文号 or a standard
    number is the 其他题名信息; the publication date is given in full because laws are told apart
    by it (several versions of one law share a year's worth of citations otherwise).
    """
    title = doc.get("title", "").strip() or doc.get("source", "")
    kind = "S" if doc.get("level") in _STANDARD_LEVELS else "Z"
    extra = doc.get("doc_number", "").strip()
    if kind == "S" and not extra:
        found = _STANDARD_CODE.search(title)
        extra = found.group(0) if found else ""
    head = f"{doc['issuer'].strip()}. " if doc.get("issuer", "").strip() else ""
    body = f"{title}: {extra}" if extra and extra not in title else title
    date = doc.get("publish_date") or "[出版日期不详]"
    return f"{head}{body}[{kind}]. {date}."
