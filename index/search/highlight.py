"""Which stretches of a clause's text match a query: for highlighting in the CLI and the pages."""

from __future__ import annotations

from ingest.segment import Segmenter


def query_terms(query: str, segmenter: Segmenter) -> list[str]:
    """The words worth highlighting: query tokens and their synonyms, longest first, no single characters."""
    terms = {t for t in segmenter.query_tokens(query) if len(t) >= 2}
    return sorted(terms, key=lambda t: (-len(t), t))


def spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) character spans of `terms` in `text`, in order."""
    taken = [False] * len(text)
    found = []
    lowered = text.lower()
    for term in terms:
        start = lowered.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                found.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = lowered.find(term, end)
    return sorted(found)


def mark(text: str, terms: list[str], before: str, after: str) -> str:
    """`text` with every matched span wrapped in `before`…`after`."""
    out, last = [], 0
    for start, end in spans(text, terms):
        out.append(text[last:start])
        out.append(before + text[start:end] + after)
        last = end
    out.append(text[last:])
    return "".join(out)
