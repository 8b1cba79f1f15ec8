"""Whom a document is written for, read off its 适用范围 article (第二条 of most laws: "从事生产经营
活动的单位（以下统称生产经营单位）的安全生产，适用本法").

A sentence that names no subject ("从业人员在一百人以下的，应当配备…") binds whom its document binds:
the gap analysis reads that here when the sentence itself is silent (modality.binds_other_bodies).
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.kb import KnowledgeBase

# The article that says what a document applies to: 适用本法 / 本条例适用于 / 应当遵守本法.
SCOPE = re.compile(r"适用本(?:法|条例|规定|办法|细则|决定)|本(?:法|条例|规定|办法|细则)适用于|遵守本(?:法|条例|规定|办法)")
ARTICLES = ("第二条", "第三条", "第一条")


def scope_article(index: KnowledgeBase, title: str) -> str:
    """Whom the document's 适用范围 article binds (bound_by); '' when none of its first articles says."""
    return _scope(index, index.generation(), title)


# "从事生产经营活动的企业事业单位和个体经济组织（以下统称生产经营单位）": the collective term the
# article defines is whom the document binds; the list before it names its members, not others.
COLLECTIVE = re.compile(r"[（(][^（）()]*?以下(?:统称|简称|称)“?([^”，,）)]{2,12})”?[）)]")


def bound_by(scope: str) -> str:
    """The words of a 适用范围 article that say whom it binds: its collective terms when it defines
    some, else the whole article."""
    terms = COLLECTIVE.findall(scope)
    return "、".join(terms) if terms else scope


@lru_cache(maxsize=4096)
def _scope(index: KnowledgeBase, generation: int, title: str) -> str:
    for article in ARTICLES:
        found = index.clause(f"《{title}》{article}")
        text = found.hits[0].text if found.found and found.hits else ""
        if SCOPE.search(text):
            return bound_by(text)
    return ""
