"""A self-assessment checklist (自查表) of a document: one item for every sentence that requires
(应、应当、须、必须), forbids (不应、不得、禁止、严禁), recommends (宜、不宜) or permits (可、可以),
with its clause, what kind it is, and the kinds of evidence that show it is met.

Pure functions over a document's clauses; the modal words are those the gap analysis reads
(analysis/gap/modality.py), plus 宜 for the recommendations of GB/T 1.1—2020 附录 C.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Literal, Protocol

from pydantic import BaseModel, Field

from ingest.sentences import sentences
from ingest.tables import read_table

from ..gap.modality import MODALS

Kind = Literal["要求", "禁止", "推荐", "允许"]
EVIDENCE_FILE = Path(__file__).resolve().parent / "data" / "evidence.tsv"
# 宜 recommends; 适宜、便宜、事宜 and 宜居 do not.
_RECOMMEND = re.compile(r"(?<![适便事])宜(?![居人])")
_MODAL = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in MODALS))
_KIND_OF = {"require": "要求", "forbid": "禁止", "permit": "允许", "waive": "允许"}
# The modal reading leaves 应对 out (应对突发事件: to cope with); "食堂应对每餐次的菜品进行留样" is
# 应 + 对, a requirement, unless 应对 is the verb of coping.
_SHOULD_TOWARDS = re.compile(r"(?<![为以极效同妥善于])应对(?!突发|风险|危机|气候|变化|挑战|措施|处置|工作)")
# Clauses that state no requirement of the reader: headings, front matter, definitions, and the
# chapters of a standard that say what it covers and cites (其他公共机构食堂可参照执行 permits nothing).
_SKIPPED_KINDS = {"heading", "preamble", "term", "section"}
_SKIPPED_CHAPTERS = ("范围", "规范性引用文件", "术语和定义")


class ChecklistItem(BaseModel):
    clause: str = Field(description="The clause number (5.1.2) or article (第十条) the requirement stands in.")
    requirement: str = Field(description="The sentence, as written.")
    kind: Kind = Field(description="要求 (应), 禁止 (不应、不得), 推荐 (宜, not required), 允许 (可).")
    evidence: list[str] = Field(description="What shows it is met: 记录, 资料, 现场, 系统.")


class Checklist(BaseModel):
    document: str
    items: list[ChecklistItem]


class ClauseLike(Protocol):
    label: str
    kind: str
    text: str
    title: str
    heading_path: list[str]


def checklist(title: str, clauses: Iterable[ClauseLike]) -> Checklist:
    """The checklist of a document with this title and these clauses, in the document's order."""
    items = []
    for clause in clauses:
        if clause.kind in _SKIPPED_KINDS or _chapter(clause) in _SKIPPED_CHAPTERS:
            continue
        for sentence in sentences(clause.text):
            kind = kind_of(sentence)
            if kind:
                items.append(ChecklistItem(clause=clause.label, requirement=sentence, kind=kind,
                                           evidence=evidence_for(sentence)))
    return Checklist(document=title, items=items)


def _chapter(clause: ClauseLike) -> str:
    """The name of the chapter a clause stands in ("1 范围" → 范围), or of the chapter it is."""
    top = clause.heading_path[0] if clause.heading_path else clause.title
    return re.sub(r"^[\d.]+\s*", "", top).strip()


def kind_of(sentence: str) -> Kind | None:
    """What a sentence asks of the reader, by its first modal word; None when it asks nothing."""
    modal = _MODAL.search(sentence)
    recommend = _RECOMMEND.search(sentence)
    if recommend and (modal is None or recommend.start() < modal.start()):
        return "推荐"
    towards = _SHOULD_TOWARDS.search(sentence)
    if towards and (modal is None or towards.start() < modal.start()):
        return "要求"
    return _KIND_OF[modal.lastgroup] if modal else None


def evidence_for(sentence: str) -> list[str]:
    found = [kind for kind, words in _evidence_words() if any(w in sentence for w in words)]
    return found or ["现场", "资料"]


@lru_cache(maxsize=1)
def _evidence_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows = read_table(EVIDENCE_FILE, ["evidence", "words", "source"], required=["evidence", "words", "source"])
    return tuple((r["evidence"], tuple(r["words"].split())) for r in rows)
