"""Optional synthesised answers from an OpenAI-compatible LLM endpoint (llama-index), off by default.

Nothing the model says is trusted: every 《…》 citation in its answer is resolved against the
knowledge base, and a sentence whose citation does not resolve is removed, never shown.
"""

from __future__ import annotations

import re
from typing import Callable

from ingest.sentences import sentences

from .ask import Answer, LLMAnswer, answer

_CITATION = re.compile(r"《([^《》]{2,80})》\s*(第[零〇一二两三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?"
                       r"|\d+(?:\.\d+)+)?")
PROMPT = """你是机关事务标准化的培训助手。只根据下面的条文回答问题，用简体中文，不超过200字。
每个论断后面用《文件名称》第X条的形式注明出处；条文中没有答案时，回答“知识库中没有相关规定”。

条文：
{evidence}

问题：{question}
回答："""


def citations_in(text: str) -> list[str]:
    """Every 《title》 or 《title》第X条 in `text`, as written."""
    return [m.group(0).strip() for m in _CITATION.finditer(text)]


def keep_resolvable(text: str, resolves: Callable[[str], bool]) -> tuple[str, list[str], int]:
    """`text` without the sentences whose citations do not resolve; the kept citations; how many dropped."""
    kept_sentences, kept, dropped = [], [], 0
    for sentence in sentences(text):
        cited = citations_in(sentence)
        if all(resolves(c) for c in cited):
            kept_sentences.append(sentence)
            kept += [c for c in cited if c not in kept]
        else:
            dropped += 1
    return "".join(kept_sentences), kept, dropped


def resolver(index) -> Callable[[str], bool]:
    """Does a citation name a clause (or, bare, a document) that the knowledge base holds?"""
    def resolves(citation: str) -> bool:
        m = _CITATION.fullmatch(citation)
        if m and not m.group(2):
            return bool(index.works.works_named(m.group(1)))
        return index.clause(citation).found
    return resolves


def synthesise(index, question: str, evidence: list, url: str, model: str, api_key: str = "",
               timeout: float = 60.0) -> LLMAnswer:
    """Ask the configured endpoint to answer from `evidence`; keep only sentences with resolvable citations."""
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(model=model, api_base=url, api_key=api_key or "not-needed", is_chat_model=True,
                     timeout=timeout, max_retries=0, temperature=0.0)
    listing = "\n".join(f"[{n}] {e.citation}：{e.text}" for n, e in enumerate(evidence, start=1))
    raw = llm.complete(PROMPT.format(evidence=listing, question=question)).text
    text, kept, dropped = keep_resolvable(raw.strip(), resolver(index))
    return LLMAnswer(text=text, model=model, citations=kept, dropped=dropped)


def answer_with_llm(index, question: str, filters, url: str = "", model: str = "", api_key: str = "",
                    home: list[str] = ()) -> Answer:
    """The extractive answer, plus the endpoint's answer when one is configured (its errors never hide the first)."""
    result = answer(index, question, filters, home=home)
    if url and result.answered:
        try:
            result.llm = synthesise(index, question, result.evidence, url, model, api_key)
        except Exception as exc:  # someone else's service: say it failed, keep the quoted answer
            result.notice = (result.notice + f" 大模型接口不可用（{type(exc).__name__}），只给出条文摘录。").strip()
    return result
