"""Answers for trainees: the sentence(s) of the best clause that answer a question, with the evidence.

The extractive answer is always there. It says plainly when the knowledge base has no provision
on the question (search reports low confidence) instead of quoting something unrelated.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from ingest.sentences import sentences
from index.filters import SearchFilters
from index.kb import KnowledgeBase
from index.highlight import query_terms, spans
from index.results import Hit

from ..cite import short_citation

EVIDENCE = 5
NO_PROVISION = "知识库中没有关于这个问题的规定。"
# A sentence ending like this introduces the items that follow it (……下列情形之一：).
_INTRODUCES_LIST = ("：", ":")


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
    llm: LLMAnswer | None = None


def best_sentences(text: str, terms: list[str]) -> str:
    """The sentence of `text` sharing most of `terms` (weighted by length), with its list if it opens one."""
    parts = sentences(text)
    if not parts:
        return text.strip()
    scores = [sum(len(t) for t in terms if t in s.lower()) for s in parts]
    best = max(range(len(parts)), key=lambda i: (scores[i], -i))
    chosen = [parts[best]]
    if parts[best].endswith(_INTRODUCES_LIST):
        chosen += parts[best + 1:best + 9]
    return "\n".join(chosen) if len(chosen) > 1 else chosen[0]


def answer(index: KnowledgeBase, question: str, filters: SearchFilters | None = None) -> Answer:
    """Search the question; quote the best clause's answering sentence(s) unless confidence is low."""
    result = index.search(question, k=EVIDENCE, filters=filters)
    evidence = [Evidence(**h.model_dump(), citation=short_citation(h.title, h.article)) for h in result.hits]
    if not evidence or result.low_confidence:
        notice = NO_PROVISION + (" 下面是最接近的条文，仅供参考。" if evidence else "")
        return Answer(question=question, answered=False, answer="", notice=(result.notice + " " + notice).strip(),
                      evidence=evidence)
    terms = query_terms(question, index.segmenter)
    quoted = best_sentences(evidence[0].text, terms)
    return Answer(question=question, answered=True, answer=quoted, highlights=spans(quoted, terms),
                  citation=evidence[0].citation, notice=result.notice, evidence=evidence)
