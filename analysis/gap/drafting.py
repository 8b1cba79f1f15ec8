"""GB/T 1.1—2020 checks of a draft's drafting: each finding names the clause, the rule, what is
wrong and what to write instead. The rules a drafter can read are here and in `data/modal_verbs.tsv`:

  element_order   前言, then 1 范围, 2 规范性引用文件, 3 术语和定义, in that order; 附录 after the body
  lead_in         chapters 2 and 3 open with the standard sentences (or say there is nothing to list)
  self_reference  the document calls itself 本文件, not 本标准 / 本规范 / 本规程 / 本指南
  modal_verb      requirements use 应/不应/宜/不宜/可/不必/能/不能 (附录 C); 必须, 严禁, 禁止 … are flagged
  numbering       gaps and jumps in clause numbers; a lone sub-clause (4.1 with only 4.1.1) is not numbered
  term_conflict   a term the knowledge base defines with another meaning (the defining clause as evidence)
  term_duplicate  a definition copied word for word: cite the defining document instead
  reference_form  a dated reference without the em dash, an entry never cited, a cited standard not listed
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from index.kb import KnowledgeBase
from index.results import Hit
from ingest.tables import read_table

from ..cite import short_citation
from .draft import Draft, numbering_gaps
from .references import STANDARD_NUMBER
from .extension import extension_change
from .similarity import similarity

DATA = Path(__file__).resolve().parent / "data"
REQUIRED = ("范围", "规范性引用文件", "术语和定义")
REFERENCES_LEAD_IN = ("下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款", "本文件没有规范性引用文件")
TERMS_LEAD_IN = ("下列术语和定义适用于本文件", "界定的以及下列术语和定义适用于本文件", "界定的术语和定义适用于本文件",
                 "本文件没有需要界定的术语和定义")
_SELF = re.compile(r"本(标准|规范|规程|指南)")
_TITLES = re.compile(r"《[^《》]*》")
TERM_DUPLICATE = 0.85      # character similarity of a copied definition
TERM_CONFLICT = 0.35       # below this, the knowledge base's definition means something else


class DraftingFinding(BaseModel):
    clause: str = Field(description="the clause number (or 前言, 封面)")
    rule: str
    message: str
    suggestion: str
    evidence: list[Hit] = Field(default_factory=list)


@lru_cache(maxsize=1)
def modal_words() -> dict[str, tuple[str, str]]:
    rows = read_table(DATA / "modal_verbs.tsv", ["word", "suggestion", "reason"], required=["word", "suggestion"])
    return {r["word"]: (r["suggestion"], r["reason"]) for r in rows}


def drafting_findings(draft: Draft, kb: KnowledgeBase | None = None) -> list[DraftingFinding]:
    """Every finding, in the draft's order of rules; `kb` for the term checks (skipped without it)."""
    findings = element_order(draft) + lead_in(draft) + self_reference(draft) + modal_verb(draft) + numbering(draft)
    if kb is not None:
        findings += terms(draft, kb)
    return findings + reference_form(draft)


def _body(draft: Draft):
    """(number, text) of every numbered clause with text, titles in 《》 blanked (they are names)."""
    doc = draft.document
    for c in doc.clauses if doc else []:
        if c.kind == "preamble":
            continue
        yield c.label, _TITLES.sub(lambda m: "《" + "＿" * (len(m.group()) - 2) + "》", c.text)


def element_order(draft: Draft) -> list[DraftingFinding]:
    out = []
    if not draft.has_foreword:
        out.append(DraftingFinding(clause="前言", rule="element_order", message="缺少前言",
                                   suggestion="在范围之前加“前言”，说明起草依据（按照 GB/T 1.1—2020 的规定起草）、提出和归口单位、起草单位"))
    titles = [t for _, t in draft.chapters]
    for position, required in enumerate(REQUIRED, start=1):
        if required not in titles:
            lead = "本文件没有需要界定的术语和定义。" if required == "术语和定义" else ""
            out.append(DraftingFinding(clause=str(position), rule="element_order", message=f"缺少第 {position} 章“{required}”",
                                       suggestion=f"第 {position} 章应为“{required}”" + (f"；没有术语时写“{lead}”" if lead else "")))
        elif titles.index(required) + 1 != position:
            number = draft.chapters[titles.index(required)][0]
            out.append(DraftingFinding(clause=number, rule="element_order",
                                       message=f"“{required}”是第 {number} 章", suggestion=f"“{required}”应为第 {position} 章"))
    seen_annex = False
    for number in draft.numbers:
        if re.fullmatch(r"[A-Z](?:\.\d+)*", number):
            seen_annex = True
        elif seen_annex and "." not in number:
            out.append(DraftingFinding(clause=number, rule="element_order", message=f"第 {number} 章在附录之后",
                                       suggestion="附录放在正文各章之后"))
    return out


def lead_in(draft: Draft) -> list[DraftingFinding]:
    out = []
    doc = draft.document
    chapters = {c.title.strip(): c for c in (doc.clauses if doc else []) if "." not in c.label and c.title}
    for title, sentences, example in (("规范性引用文件", REFERENCES_LEAD_IN, REFERENCES_LEAD_IN[0] + "。……"),
                                      ("术语和定义", TERMS_LEAD_IN, "下列术语和定义适用于本文件。")):
        chapter = chapters.get(title)
        if chapter is not None and not any(s in chapter.text.replace(" ", "") for s in sentences):
            out.append(DraftingFinding(clause=chapter.label, rule="lead_in", message=f"“{title}”缺少引导语",
                                       suggestion=f"以“{example}”开头"))
    return out


def self_reference(draft: Draft) -> list[DraftingFinding]:
    out = []
    foreword = [("前言", _TITLES.sub("《》", c.text)) for c in (draft.document.clauses if draft.document else [])
                if c.kind == "preamble" and (c.title or c.label).strip() == "前言"]
    for number, text in foreword + list(_body(draft)):
        words = sorted(set(m.group() for m in _SELF.finditer(text)))
        if words:
            out.append(DraftingFinding(clause=number, rule="self_reference", message=f"自称“{'、'.join(words)}”",
                                       suggestion="文件自称“本文件”（GB/T 1.1—2020 9.3）"))
    return out


def modal_verb(draft: Draft) -> list[DraftingFinding]:
    out = []
    table = modal_words()
    for number, text in _body(draft):
        for word, (suggestion, reason) in table.items():
            if word in text:
                out.append(DraftingFinding(clause=number, rule="modal_verb", message=f"使用了“{word}”",
                                           suggestion=f"改为“{suggestion}”：{reason}"))
    return out


def numbering(draft: Draft) -> list[DraftingFinding]:
    out = []
    for problem in numbering_gaps(draft.numbers):
        m = re.match(r"numbering: (\S+) where (\S+) was expected", problem)
        if m:
            out.append(DraftingFinding(clause=m.group(1), rule="numbering", message=f"编号 {m.group(1)} 处应为 {m.group(2)}",
                                       suggestion="条的编号在同一层次内连续，不跳号、不重号"))
    # A number that does not follow on is read as text of the clause before it (ingest's parser only
    # opens a clause at the next number), so a jump shows as a numbered line inside a clause.
    jumped = []
    for c in draft.document.clauses if draft.document else []:
        for line in c.text.splitlines()[1:]:
            m = re.match(r"(\d+(?:\.\d+)+)\s+[\u4e00-\u9fff]", line.strip())
            if m:
                jumped.append(m.group(1))
                out.append(DraftingFinding(clause=m.group(1), rule="numbering",
                                           message=f"编号 {m.group(1)} 接在 {c.label} 之后，跳号或重号",
                                           suggestion="条的编号在同一层次内连续，不跳号、不重号"))
    # A jumped number is a sub-clause all the same: 6.2.1 followed by 6.2.3 is not a lone 6.2.1.
    numbered = [n for n in draft.numbers + jumped if re.fullmatch(r"\d+(?:\.\d+)*", n)]
    for parent in dict.fromkeys(n.rsplit(".", 1)[0] for n in numbered if "." in n):
        children = [n for n in numbered if n.rsplit(".", 1)[0] == parent and n.count(".") == parent.count(".") + 1]
        if len(children) == 1:
            out.append(DraftingFinding(clause=children[0], rule="numbering", message=f"{parent} 之下只有一条 {children[0]}",
                                       suggestion="某章或条中只有一个下一层次的条时，不对其编号（GB/T 1.1—2020 7.3）"))
    return out


def terms(draft: Draft, kb: KnowledgeBase) -> list[DraftingFinding]:
    out = []
    for number, term, definition in draft_terms(draft):
        defined = [d for d in kb.definitions(term) if d.level not in ("试点文件", "其他")]
        if not defined:
            continue
        best = max(defined, key=lambda d: similarity(definition, _definition_text(d.text, term)))
        score = similarity(definition, _definition_text(best.text, term))
        cited = short_citation(best.title, best.article)
        change = extension_change(definition, _definition_text(best.text, term))
        if change is not None:
            # Most characters shared, another set of bodies or things: another concept, one name.
            out.append(DraftingFinding(clause=number, rule="term_conflict",
                                       message=f"“{term}”的定义{change.describe()}，见{cited}：{best.text[:80]}",
                                       evidence=[best], suggestion="采用已有定义，或换用不同的术语以免混淆"))
        elif score >= TERM_DUPLICATE:
            out.append(DraftingFinding(clause=number, rule="term_duplicate", message=f"“{term}”的定义照抄了{cited}",
                                       evidence=[best], suggestion=f"改为引用：“《{best.title}》界定的以及下列术语和定义"
                                                                   "适用于本文件”，删去重复的定义"))
        elif score < TERM_CONFLICT:
            out.append(DraftingFinding(clause=number, rule="term_conflict",
                                       message=f"“{term}”在{cited}中另有定义：{best.text[:80]}",
                                       evidence=[best], suggestion="采用已有定义，或换用不同的术语以免混淆"))
    return out


def draft_terms(draft: Draft) -> list[tuple[str, str, str]]:
    """(number, term, definition) of each entry of the 术语和定义 chapter. An entry is written
    "3.1" on its own line, the term (with its English equivalent) on the next, then the definition;
    or "3.1 term" on one line. Read from the chapter's text, whichever clauses the parser made of it."""
    chapter = next((n for n, t in draft.chapters if t == "术语和定义"), None)
    doc = draft.document
    if chapter is None or doc is None:
        return []
    lines = []
    for c in doc.clauses:
        if c.label == chapter or c.label.startswith(chapter + "."):
            if c.label != chapter:
                lines.append(f"{c.label} {c.title}".strip())
            lines += [x.strip() for x in c.text.splitlines() if x.strip()]
    entries, current = [], None
    for line in lines:
        m = re.fullmatch(r"(\d+(?:\.\d+)+)\s*(.*)", line)
        if m:
            current = [m.group(1), m.group(2).strip(), []]
            entries.append(current)
        elif current is not None:
            if not current[1]:
                current[1] = line
            elif not re.fullmatch(r"[A-Za-z][A-Za-z ;,\-]*", line) and not line.startswith(("注", "示例", "[来源")):
                current[2].append(line)
    out = []
    for number, term, definition in entries:
        term = re.split(r"\s+[A-Za-z]", term)[0].strip()
        if term and definition:
            out.append((number, term, " ".join(definition)))
    return out


def _definition_text(text: str, term: str) -> str:
    """The defining part of a clause: after "X，是指" / "X: " when the clause names the term first."""
    m = re.search(re.escape(term) + r"[”\"]?[，,：:]?\s*(?:是指|指|，是)?", text)
    return text[m.end():] if m else text


def reference_form(draft: Draft) -> list[DraftingFinding]:
    out = []
    chapter2 = next((n for n, t in draft.chapters if t == "规范性引用文件"), "2")
    listed_codes = set()
    for entry in draft.references:
        m = STANDARD_NUMBER.search(entry)
        if m and _is_standard(m.group("code")):
            code = re.sub(r"\s+", "", m.group("code"))
            listed_codes.add(code)
            dash = m.group(0)[len(m.group("code")):].strip()[:1]   # what stands between number and year
            if m.group("year") and dash != "—":
                out.append(DraftingFinding(clause=chapter2, rule="reference_form", message=f"“{entry}”的年号连接号有误",
                                           suggestion=f"标准编号与年号之间用一字线“—”：{code}—{m.group('year')}"))
            if not _cited_in_body(draft, code):
                out.append(DraftingFinding(clause=chapter2, rule="reference_form", message=f"“{entry}”列入了规范性引用文件，但正文没有引用",
                                           suggestion="正文中没有规范性引用的文件不列入第 2 章（可移入参考文献）"))
    for number, text in _body(draft):
        if number.split(".")[0] in (chapter2,):
            continue
        for m in STANDARD_NUMBER.finditer(text):
            code = re.sub(r"\s+", "", m.group("code"))
            if _is_standard(code) and code not in listed_codes:
                out.append(DraftingFinding(clause=number, rule="reference_form", message=f"正文引用了 {code}，但第 2 章没有列出",
                                           suggestion="规范性引用的文件列入第 2 章“规范性引用文件”"))
                listed_codes.add(code)   # one finding per document
    return out


def _is_standard(code: str) -> bool:
    """A national or local standard (GB, DB…), or a sector one written with its slash (WB/T):
    bare capitals and a number (ICS 03) are not."""
    return code[:2] in ("GB", "DB") or "/" in code


def _cited_in_body(draft: Draft, code: str) -> bool:
    chapter2 = next((n for n, t in draft.chapters if t == "规范性引用文件"), "2")
    plain = code.replace(" ", "")
    return any(plain in text.replace(" ", "") for number, text in _body(draft) if number.split(".")[0] != chapter2)
