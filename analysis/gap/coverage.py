"""How much of a draft clause a provision holds: the share of the clause's content words, weighted
by rarity, that the provision's words include — of the whole clause, or of one of the duties
(comma fragments) it bundles. The gap analysis decides basis, relevance and the 编制说明's 依据 with it.
Pure functions; the rarity weights and the segmenter come from the knowledge base.
"""

from __future__ import annotations

from ingest.segment import DRAFTING_WORDS

DUTIES = 3                  # duties a clause bundles, at most about: a fragment with a third of it is one
DUTY_HELD = 0.5             # a provision backs a duty (fragment) when it holds most of its words, by rarity


def content_words(text: str, segmenter) -> set[str]:
    return {w for w in segmenter.words(text) if len(w) >= 2 and w not in DRAFTING_WORDS and not w.isdigit()}


def coverage(words: set[str], other: set[str] | str, rarity: dict[str, float],
             synonyms: dict[str, list[str]] | None = None) -> float:
    """Share of `words` (weighted by rarity) that `other` holds — a word of the set, or anywhere in
    the text — as written or, with `synonyms`, in the term the rules use for it (a draft's 食材 is
    the law's 食品原料)."""
    total = sum(rarity.get(w, 0.0) for w in words)
    synonyms = synonyms or {}
    held = sum(rarity.get(w, 0.0) for w in words if w in other or any(t in other for t in synonyms.get(w, ())))
    return held / total if total else 0.0


def clause_coverage(words_of: list[set[str]], other: set[str], rarity: dict[str, float],
                    synonyms: dict[str, list[str]] | None = None) -> float:
    """How much of a clause `other` holds: the best of the whole clause (`words_of[0]`) and the
    duties (fragments) it backs. A provision backs a duty when it holds most of it (DUTY_HELD).
    A fragment of a few common words (并及时向所在地市场监督管理部门报告) is held whole by rules about
    anything (电梯): it counts in full only when it carries a duty's share of the clause (1/DUTIES
    of its words, by rarity), less in proportion."""
    whole = sum(rarity.get(w, 0.0) for w in words_of[0])
    best = coverage(words_of[0], other, rarity, synonyms)
    for words in words_of[1:]:
        share = coverage(words, other, rarity, synonyms)
        if share < DUTY_HELD:   # one shared word of a three-word fragment (摆放) backs no duty
            continue
        weight = min(1.0, DUTIES * sum(rarity.get(w, 0.0) for w in words) / whole) if whole else 1.0
        best = max(best, weight * share)
    return best
