"""Conflicts of a draft clause with provisions, decided from what both sentences say, never from
nearness alone: a numeric requirement on the same thing that the draft loosens (冬季不高于24 ℃
against 二十摄氏度), and opposite statements on the same act (可安排高档菜肴 against 节俭安排用餐、不得超过
规定的标准). A provision written for another kind of body than the draft's never conflicts.
Pure functions over the candidates the gap analysis found (candidate.Candidate).
"""

from __future__ import annotations

import re

from ..cite import short_citation
from .candidate import Candidate
from .coverage import content_words, coverage
from .modality import Statement, binds_other_bodies, opposed, other_addressees, statements
from .quantities import Requirement, looser, requirements

SEGMENT_OVERLAP = 0.5       # share of the words around two numbers that must match to compare them
SAME_ACT = 0.6              # share (by rarity) of the draft act's words an opposite statement must hold


def conflicts(text: str, cands: list[Candidate], segmenter, draft_kinds: set[str]) -> list[tuple[Candidate, str]]:
    """Provisions whose numeric requirement on the same thing the draft loosens: one note for each
    pair of limits (夏季 and 冬季 are two rows), never from a provision for another kind of body,
    never between two periods of different acts or from different events."""
    draft_reqs = requirements(text)
    if not draft_reqs:
        return []
    out = []
    for c in cands:
        provision_reqs = _requirements_with_statements(c.hit.text)
        for d in draft_reqs:
            d_words = content_words(d.segment.replace(d.phrase, ""), segmenter)
            for p, st in provision_reqs:
                if st is not None and binds_other_bodies(st, c.who, draft_kinds):
                    continue
                p_words = content_words(p.segment.replace(p.phrase, ""), segmenter)
                shared = len(d_words & p_words) / max(min(len(d_words), len(p_words)), 1)
                if shared >= SEGMENT_OVERLAP and looser(d, p) and not other_periods(d, p, segmenter):
                    says = "禁止" if p.listed else "规定"   # 不得有下列行为：……超过4小时
                    out.append((c, f"草案“{d.phrase}”，而{short_citation(c.hit.title, c.hit.article)}{says}“{p.phrase}”"
                                   f"（{p.segment.strip()}）"))
                    break
    return out


_START = re.compile(r"自(.+?)(?:之日)?起")


def other_periods(d: Requirement, p: Requirement, segmenter) -> bool:
    """Two time limits of different things, though the words around them are alike: a period for
    another act (七日内作出执行裁定 / 五日内受理) or from another event (自受理之日起 / 自作出执行裁定之日起)."""
    if d.dimension != "duration" or p.dimension != "duration":
        return False

    def act(r: Requirement) -> set[str]:
        return content_words(r.segment[r.segment.find(r.phrase) + len(r.phrase):], segmenter)

    def start(r: Requirement) -> set[str]:
        m = _START.search(r.segment)
        return content_words(m.group(1), segmenter) if m else set()

    acts, starts = (act(d), act(p)), (start(d), start(p))
    return all(acts) and not acts[0] & acts[1] or all(starts) and not starts[0] & starts[1]


def _requirements_with_statements(text: str) -> list[tuple[Requirement, Statement | None]]:
    """Each numeric requirement of a provision with the statement that sets it: the sentence it
    stands in, or for an item under "不得有下列行为：" the lead-in that forbids it. A number in a
    sentence that requires nothing (a definition's 一万吨以上) is no limit; without any statement,
    every number counts."""
    found = statements(text)
    if not found:
        return [(p, None) for p in requirements(text)]
    out = []
    for p in requirements(text):
        st = next((st for st in found if p.segment in st.sentence), None)
        if st is None and p.listed:
            at = text.find(p.segment)
            st = next((st for st in reversed(found) if 0 <= text.find(st.sentence) < at), None)
        if st is not None:
            out.append((p, st))
    return out


def opposite_statements(text: str, cands: list[Candidate], segmenter, rarity: dict[str, float],
                        draft_kinds: set[str]) -> list[tuple[Candidate, str]]:
    """Provisions that forbid what the draft permits or requires, require what it waives or forbids,
    or require the act done the opposite way (高档 ↔ 节俭); both sentences quoted."""
    out = []
    for d in statements(text):
        d_words = content_words(d.act, segmenter)
        if not d_words:
            continue
        for c in cands:
            for p in statements(c.hit.text):
                if binds_other_bodies(p, c.who, draft_kinds) or other_addressees(d, p):
                    continue
                kind = opposed(d, p)
                if not kind:
                    continue
                p_words = content_words(p.act, segmenter)
                # Held anywhere in the other act's text: 超编制 holds 编制; and 高于 is 超过 (synonyms).
                overlap = coverage(d_words, p.act, rarity, segmenter.synonyms)
                # A permission or waiver contradicts any prohibition or duty of its act. A requirement
                # against a prohibition only when both speak of the very same act: "不得约定以第三方付款
                # 为支付条件" forbids a manner of paying, not the payment the draft requires.
                if {d.modality, p.modality} == {"require", "forbid"}:
                    overlap = min(overlap, coverage(p_words, d_words, rarity))   # words, not text: 支付款项 holds no 付款
                if (kind == "modality" and overlap >= SAME_ACT) or (kind == "manner" and d_words & p_words):
                    out.append((c, f"草案“{d.sentence}”，而{short_citation(c.hit.title, c.hit.article)}规定“{p.sentence}”"))
                    break
    return out
