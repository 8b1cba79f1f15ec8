"""Provisions that apply to a draft's subject but that no clause of the draft reflects.

The candidates come from a checklist of cross-cutting duties (`data/duties.tsv`: gas safety, fire
safety, waste sorting, food safety, energy saving, confidentiality …): an area is checked when the
draft mentions one of its trigger words but none of the area's own words (a canteen standard that
speaks of 用气 and 炉灶 but never of 燃气). The area's words are then searched together with the
draft's subject, in the jurisdictions that bind the draft, and the best provision that imposes a
duty (应当/必须/不得/禁止) in a sentence naming the area is reported, with that sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from index.kb import KnowledgeBase
from index.results import Hit
from index.search.filters import SearchFilters
from ingest.models import Status
from ingest.sentences import sentences
from ingest.tables import read_table

from ..cite import short_citation
from .draft import Draft
from .regions import NATIONAL_LEVELS, NON_NORMATIVE, applicable, region_of_hit
from .scope import scope_article

DUTIES_FILE = Path(__file__).resolve().parent / "data" / "duties.tsv"
OBLIGATION = re.compile(r"应当|必须|不得|禁止|严禁")
MAX_MISSING = 8
PER_QUERY = 10


class MissingHit(Hit):
    reason: str = Field(description="Why the provision applies and what the draft does not say.")
    citation: str = ""


@dataclass(frozen=True)
class Duty:
    area: str
    triggers: tuple[str, ...]
    query: str
    keys: tuple[str, ...]


@lru_cache(maxsize=1)
def duties() -> tuple[Duty, ...]:
    rows = read_table(DUTIES_FILE, ["area", "triggers", "search", "must_contain", "source"],
                      required=["area", "triggers", "search", "must_contain", "source"])
    return tuple(Duty(r["area"], tuple(r["triggers"].split()), r["search"], tuple(r["must_contain"].split()))
                 for r in rows)


_STAGE = re.compile(r"[（(]?(征求意见稿|草案|送审稿|报批稿)[)）]?")


def subject_of(draft: Draft) -> str:
    """What the draft is about, in its own words: the title without the series prefix (引导要素)
    and 草案. A title read without its spaces (机关事务管理会议服务规范, as some files give it) is
    split where the cover writes it spaced (机关事务管理　会议服务规范)."""
    title = _STAGE.sub("", draft.title).strip()
    if len(title.split()) == 1:
        flat = title
        for line in draft.text.splitlines():
            line = _STAGE.sub("", line).strip()
            if len(line.split()) > 1 and "".join(line.split()) == flat:
                title = line
                break
    return title.split()[-1] if title.split() else title


def duty_sentence(text: str, duty: Duty, subject: str = "") -> tuple[str, int]:
    """The sentence of a provision that names the area, imposes a duty and says most of the area's
    words (and of the draft's subject); with its score. ('', 0) when no sentence qualifies."""
    words = duty.query.split() + [subject[i:i + 2] for i in range(0, max(len(subject) - 1, 0), 2)]
    best, best_score = "", 0
    for sentence in sentences(text):
        if not any(k in sentence for k in duty.keys) or not OBLIGATION.search(sentence):
            continue
        score = 1 + sum(len(w) for w in words if w in sentence)
        if score > best_score and not sentence.endswith(("：", ":")):
            best, best_score = sentence, score
    return best, best_score


def missing_provisions(index: KnowledgeBase, draft: Draft, regions: list[str], filters: SearchFilters, exclude: set[str],
                       draft_kinds: set[str] = frozenset(), also_said: str = ""):
    """Up to MAX_MISSING provisions the draft should reflect, each with the reason it applies; never
    one whose duty sentence binds another kind of body than the draft's (`draft_kinds`). An area
    is spoken of when its words are in the draft or in `also_said` (the provisions its clauses rest on)."""
    from .modality import binds_other_bodies, statements

    subject = subject_of(draft)
    out: list[tuple[int, MissingHit]] = []
    for duty in duties():
        triggered = [t for t in duty.triggers if t in draft.text]
        if not triggered or any(k in draft.text or k in also_said for k in duty.keys):
            continue  # not concerned, or the draft already speaks of it
        found_in = [c.number for c in draft.clauses if any(t in c.text for t in triggered)]
        result = index.search(f"{subject} {duty.query}", k=PER_QUERY,
                              filters=SearchFilters(status=[Status.CURRENT], level=filters.level))
        best = None  # (score, rank, hit, sentence): the provision whose duty sentence says most of the area
        for rank, hit in enumerate(result.hits):
            if hit.id in exclude or hit.level in NON_NORMATIVE or not applicable(hit, regions):
                continue
            sentence, score = duty_sentence(hit.text, duty, subject)
            document = f"{hit.title}\n{scope_article(index, hit.title)}"
            if sentence and any(binds_other_bodies(st, document, set(draft_kinds)) for st in statements(sentence)[:1]):
                continue
            # The draft's own jurisdictions before places inside them (浙江省 rules for a 浙江省 draft).
            own = hit.level in NATIONAL_LEVELS or region_of_hit(hit) in regions or not regions
            score = (own, score)
            if sentence and (best is None or score > best[0]):
                best = (score, rank, hit, sentence)
        if best is None:
            continue
        _, rank, hit, sentence = best
        where = f"（{'、'.join(found_in[:4])}）" if found_in else ""
        binds = "全国" if hit.level in NATIONAL_LEVELS else (region_of_hit(hit) or "本地区")
        reason = (f"草案涉及“{'、'.join(triggered[:3])}”{where}，但没有提到“{'”“'.join(duty.keys)}”。"
                  f"{duty.area}：本条在{binds}适用，规定“{sentence.rstrip('；;。')}”。")
        out.append((rank, MissingHit(**hit.model_dump(), reason=reason, citation=short_citation(hit.title, hit.article))))
    out.sort(key=lambda x: x[0])
    return [m for _, m in out[:MAX_MISSING]]
