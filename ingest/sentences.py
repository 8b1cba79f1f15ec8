"""Splitting clause text into sentences: the one splitter every part of stdkb uses."""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
# Commas cut too, lines do not: a duty listed over two lines is still one phrase.
_PHRASE = re.compile(r"[^。；;！？，,]+[。；;！？，,]?")


def sentences(text: str, at_commas: bool = False, min_chars: int = 1) -> list[str]:
    """The sentences of `text` (ending at 。；！？ or a line end), stripped, in order.

    `at_commas` also cuts at commas: the gap analysis searches each duty of a clause that strings
    several together (“应当……，并……”). Pieces shorter than `min_chars` are dropped.
    """
    pattern = _PHRASE if at_commas else _SENTENCE
    return [s for s in (m.strip() for m in pattern.findall(text)) if len(s) >= min_chars]
