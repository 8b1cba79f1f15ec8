"""Definitions of one term across the corpus, side by side: identical wordings grouped together."""

from __future__ import annotations

import re

from .ask import sentences
from .cite import short_citation

_OWN_INSTRUMENT = re.compile(r"^(本|这个)[\u4e00-\u9fff]{1,6}?(所称|中|所指)")
_PUNCTUATION = re.compile(r"[\s，。；：、“”‘’（）()《》,.;:]")


def defining_sentence(text: str, term: str) -> str:
    """The sentence of a clause that defines `term`; the whole clause when none says so."""
    found = [s for s in sentences(text) if term in s and ("指" in s or "是" in s)]
    return found[0] if found else text.strip()


def wording_key(sentence: str) -> str:
    """Two definitions with this key say the same thing (本条例所称 / 本法所称 do not count)."""
    return _PUNCTUATION.sub("", _OWN_INSTRUMENT.sub("", sentence))


def definition_variants(definitions: list[dict]) -> list[dict]:
    """Group defining clauses (hit dicts with a `term`) by wording, most widely used wording first."""
    groups: dict[str, dict] = {}
    for d in definitions:
        sentence = defining_sentence(d["text"], d["term"])
        group = groups.setdefault(wording_key(sentence), {"text": sentence, "used_by": []})
        group["used_by"].append({"citation": short_citation(d["title"], d["article"]), "source": d["source"],
                                 "id": d["id"], "level": d["level"], "status": d["status"]})
    return sorted(groups.values(), key=lambda g: -len(g["used_by"]))
