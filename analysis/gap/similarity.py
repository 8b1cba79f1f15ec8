"""How alike two texts are, character by character: a duplicate clause (gap.py) and a definition
repeated word for word (drafting.py) are both a near-copy."""

from __future__ import annotations

import difflib
import re

_PUNCTUATION = re.compile(r"[\s，。；：、,.;:“”\"（）()]")


def similarity(a: str, b: str) -> float:
    """Character similarity of two texts, ignoring punctuation and spacing."""
    a, b = _PUNCTUATION.sub("", a), _PUNCTUATION.sub("", b)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() if a and b else 0.0


def copied_from(clause: str, provision: str) -> float:
    """How nearly `clause` copies the provision or one of its paragraphs (款): a drafter copies
    one 款 of a three-款 article as often as the whole of it."""
    paragraphs = [p for p in provision.splitlines() if p.strip()]
    return max([similarity(clause, provision)] + [similarity(clause, p) for p in paragraphs if len(paragraphs) > 1])
