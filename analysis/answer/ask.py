"""Answers for trainees: the sentence(s) of the best clause that answer a question, with the evidence.

The extractive answer is always there. It says plainly when the knowledge base has no provision
on the question (search reports low confidence) instead of quoting something unrelated.
"""

from __future__ import annotations

import re
from typing import Callable

from pydantic import BaseModel, Field

from index.kb import KnowledgeBase
from index.results import Hit
from index.search.filters import SearchFilters
from index.search.highlight import spans
from ingest.regions import province_of
from ingest.sentences import sentences

from ..cite import short_citation
from ..gap.regions import NATIONAL_LEVELS, region_of_hit, with_parents
from .asked import NOT_STATED, asked_for, holds

EVIDENCE = 5
NO_PROVISION = "知识库中没有关于这个问题的规定。"
# A sentence ending like this introduces the items that follow it (……下列情形之一：).
_INTRODUCES_LIST = ("：", ":")
# The items of such a list: （一） (1) 一、 1. 1、
_LIST_ITEM = re.compile(r"[（(][一二三四五六七八九十百\d]+[)）]|[一二三四五六七八九十百]+、|\d+[.、．]")
# How much the question's own words count next to the encoder's cosine when choosing the sentence
# to quote (evaluation/answer_eval.py: the quoted sentence against the dev questions' answer hints).
LEXICAL_WEIGHT = 0.1


class Evidence(Hit):
    citation: str


class LLMAnswer(BaseModel):
    text: str = Field(description="The model's answer; sentences citing what the store lacks are removed.")
    model: str
    citations: list[str] = Field(default_factory=list, description="Citations in the text, all resolved.")
    dropped: int = Field(0, description="Sentences removed because a citation in them did not resolve.")


class Answer(BaseModel):
    question: str
    answered: bool = Field(description="False when the knowledge base has no provision on the question.")
    answer: str = Field(description="Sentence(s) quoted from the best clause; empty when not answered.")
    highlights: list[tuple[int, int]] = Field(default_factory=list, description="Spans of `answer` matching the question.")
    citation: str = ""
    notice: str = ""
    evidence: list[Evidence]
    terms: list[str] = Field(default_factory=list, description="The question's words as search matched them.")
    whose: str = Field("", description="Whose rule the quoted clause is: 全国性规定, 本地规定（杭州市）, "
                       "外地规定（山东省）, or 地方规定（…） when no home region is set.")
    llm: LLMAnswer | None = None


def lexical_share(sentence: str, terms: list[str]) -> float:
    """The share of the query's words (by length) that the sentence contains."""
    total = sum(len(t) for t in terms)
    lowered = sentence.lower()
    return sum(len(t) for t in terms if t in lowered) / total if total else 0.0


def best_sentences(text: str, terms: list[str], similarity: Callable[[list[str]], list[float]] | None = None) -> str:
    """The sentence of `text` that answers best, with its list if it opens one (……下列情形之一：).

    Best means nearest to the question by the encoder (`similarity`, cosines) plus LEXICAL_WEIGHT ×
    the share of the question's words it contains; without an encoder, the words alone decide.
    """
    parts = sentences(text)
    if not parts:
        return text.strip()
    scores = [LEXICAL_WEIGHT * lexical_share(p, terms) for p in parts]
    if similarity is not None and len(parts) > 1:
        scores = [s + cos for s, cos in zip(scores, similarity(parts))]
    best = max(range(len(parts)), key=lambda i: (scores[i], -i))
    chosen = [parts[best]]
    if parts[best].endswith(_INTRODUCES_LIST):
        for item in parts[best + 1:]:
            if not _LIST_ITEM.match(item):
                break
            chosen.append(item)
    return "\n".join(chosen) if len(chosen) > 1 else chosen[0]


PREFERRED_AMONG = 3   # the first hits a national or home-region rule is looked for in


def whose_rule(hit: Hit, home: list[str]) -> tuple[str, str]:
    """(全国性规定 | 本地规定（region） | 外地规定（region）, the other region when it is one); without
    a home region a local rule is only 地方规定（region）."""
    if hit.level in NATIONAL_LEVELS:
        return "全国性规定", ""
    region = region_of_hit(hit)
    if not region:
        return "", ""
    if not home:
        return f"地方规定（{region}）", ""
    if region in with_parents(home) or province_of().get(region) in home:
        return f"本地规定（{region}）", ""
    return f"外地规定（{region}）", region


def preferred_first(evidence: list, home: list[str], wanted: str | None = None, question: str = "") -> list:
    """The evidence with the best of the first few moved to the front: one that states what the
    question asks for (a number, a period) first, then a national or home-region rule before
    another region's — a trainee in 杭州 asking about air-conditioning is told 杭州's 26℃ first."""
    def key(n: int):
        e = evidence[n]
        return (bool(wanted) and not holds(wanted, e.text, question), not whose_rule(e, home)[0].startswith(("全国", "本地")), n)

    if not evidence:
        return evidence
    best = evidence[min(range(min(PREFERRED_AMONG, len(evidence))), key=key)]
    return [best, *(e for e in evidence if e is not best)]


def answer(index: KnowledgeBase, question: str, filters: SearchFilters | None = None,
           home: list[str] = ()) -> Answer:
    """Search the question; quote the best clause's answering sentence(s) unless confidence is low.

    Of the first hits, a national rule or one of the user's `home` regions (杭州市, 浙江省) is quoted
    before another region's; the answer says whose rule it quotes."""
    result = index.search(question, k=EVIDENCE, filters=filters)
    evidence = [Evidence(**h.model_dump(), citation=short_citation(h.title, h.article)) for h in result.hits]
    wanted = asked_for(question)
    evidence = preferred_first(evidence, list(home), wanted, question)
    if not evidence or result.low_confidence:
        notice = NO_PROVISION + (" 下面是最接近的条文，仅供参考。" if evidence else "")
        return Answer(question=question, answered=False, answer="", notice=(result.notice + " " + notice).strip(),
                      evidence=evidence, terms=result.terms)
    terms = result.terms
    quoted = best_sentences(evidence[0].text, terms, lambda parts: index.text.similarity(question, parts))
    if wanted and not holds(wanted, evidence[0].text, question):
        # The nearest clause is about the question but does not answer what it asks: say so.
        return Answer(question=question, answered=False, answer="", citation=evidence[0].citation,
                      notice=(result.notice + " " + NOT_STATED[wanted] + " 下面是最接近的条文，仅供参考。").strip(),
                      evidence=evidence, terms=result.terms)
    whose, elsewhere = whose_rule(evidence[0], list(home))
    notice = (result.notice + (f" 这是{elsewhere}的规定，不一定适用于本地。" if elsewhere else "")).strip()
    return Answer(question=question, answered=True, answer=quoted, highlights=spans(quoted, terms),
                  citation=evidence[0].citation, notice=notice, evidence=evidence, terms=result.terms, whose=whose)
