"""Definitions of one term across the corpus, side by side: identical wordings grouped together."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from index.kb import KnowledgeBase
from index.results import Definition
from ingest.sentences import sentences

from ..cite import short_citation

_OWN_INSTRUMENT = re.compile(r"^(本|这个)[\u4e00-\u9fff]{1,6}?(所称|中|所指)")
_PUNCTUATION = re.compile(r"[\s，。；：、“”‘’（）()《》,.;:]")


def defining_sentence(text: str, term: str) -> str:
    """The sentence of a clause that defines `term`; the whole clause when none says so."""
    found = [s for s in sentences(text) if term in s and ("指" in s or "是" in s)]
    return found[0] if found else text.strip()


def wording_key(sentence: str) -> str:
    """Two definitions with this key say the same thing (本条例所称 / 本法所称 do not count)."""
    return _PUNCTUATION.sub("", _OWN_INSTRUMENT.sub("", sentence))


class Usage(BaseModel):
    citation: str
    source: str
    id: str
    level: str
    status: str


class Wording(BaseModel):
    """One wording of a definition and the clauses that use it."""

    text: str
    used_by: list[Usage]


class TermDefinitions(BaseModel):
    term: str
    documents: int = Field(description="How many documents define the term.")
    variants: list[Wording] = Field(description="Distinct wordings, most widely used first.")
    definitions: list[Definition]


def definition_variants(definitions: list[Definition]) -> list[Wording]:
    """Group defining clauses by wording, most widely used wording first."""
    groups: dict[str, Wording] = {}
    for d in definitions:
        sentence = defining_sentence(d.text, d.term)
        group = groups.setdefault(wording_key(sentence), Wording(text=sentence, used_by=[]))
        group.used_by.append(Usage(citation=short_citation(d.title, d.article), source=d.source, id=d.id,
                                   level=d.level, status=d.status))
    return sorted(groups.values(), key=lambda g: -len(g.used_by))


def term_definitions(index: KnowledgeBase, term: str, partial: bool = False) -> TermDefinitions:
    """Every clause defining `term`, and its wordings side by side."""
    definitions = index.definitions(term, partial=partial) if term else []
    return TermDefinitions(term=term, documents=len({d.source for d in definitions}),
                           variants=definition_variants(definitions), definitions=definitions)
