"""A draft standard as the gap analysis sees it: its clauses, its 规范性引用文件, its chapters.

The text is parsed by ingestion's own parser (`ingest.parse`), as any standard in the corpus is;
this module only reads the parts a 编制说明 is about. Pure apart from reading the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.models import Document
from ingest.parse import parse_file

# GB/T 1.1—2020: the first three chapters of every standard, in this order (8.1–8.3, 5.2).
REQUIRED_CHAPTERS = ("范围", "规范性引用文件", "术语和定义")
# Chapter 2 opens with boilerplate (下列文件中的内容…) or says there is nothing to list.
_BOILERPLATE = re.compile(r"下列文件|本文件没有规范性引用文件|不注日期的引用文件|注日期的引用文件")


@dataclass
class DraftClause:
    number: str
    text: str
    heading_path: list[str]
    chapter: str          # title of the chapter it sits in: 管理要求


@dataclass
class Draft:
    title: str
    source: str
    clauses: list[DraftClause]           # clauses with requirement text (after 范围, 引用文件, 术语)
    scope: str                           # text of chapter 1 范围
    references: list[str]                # chapter 2 entries, as written
    chapters: list[tuple[str, str]]      # (number, title) of top-level chapters, in order
    numbers: list[str]                   # every clause and heading number, in order
    text: str                            # all clause text, for "is this word anywhere in the draft"
    has_foreword: bool = False
    document: Document | None = field(default=None, repr=False)


def read_draft(source: Path | str | Document) -> Draft:
    """A draft from a file (.md, .txt, .docx, .pdf) or from a document parsed already.

    DocumentError naming the file when it cannot be read.
    """
    doc = source if isinstance(source, Document) else parse_file(Path(source))
    chapters: list[tuple[str, str]] = []
    numbers: list[str] = []
    clauses: list[DraftClause] = []
    scope, references = "", []
    titles = {c.label: (c.title or "").strip() for c in doc.clauses}
    has_foreword = any(c.kind == "preamble" and (c.title or c.label).strip() == "前言" for c in doc.clauses)
    for c in doc.clauses:
        if not re.fullmatch(r"\d+(?:\.\d+)*|[A-Z](?:\.\d+)*", c.label):
            continue
        numbers.append(c.label)
        top = c.label.split(".")[0]
        if "." not in c.label:
            chapters.append((c.label, titles.get(c.label, "")))
        chapter = titles.get(top, "")
        if chapter == "范围":
            scope = "\n".join(x for x in (scope, c.text) if x)
        elif chapter == "规范性引用文件":
            references += [line.strip() for line in c.text.splitlines()
                           if line.strip() and not _BOILERPLATE.search(line)]
        elif chapter != "术语和定义" and c.kind not in ("heading", "term") and c.text.strip():
            clauses.append(DraftClause(number=c.label, text=c.text.strip(), heading_path=c.heading_path,
                                       chapter=chapter))
    text = "\n".join(c.text for c in doc.clauses)
    return Draft(title=doc.title, source=doc.source if isinstance(source, Document) else str(source), clauses=clauses, scope=scope, references=references,
                 chapters=chapters, numbers=numbers, text=text, has_foreword=has_foreword, document=doc)


def structure_problems(draft: Draft) -> list[str]:
    """Missing or misplaced required chapters, a missing 前言, gaps in the clause numbering."""
    problems = []
    if not draft.has_foreword:
        problems.append("missing 前言")
    titles = [t for _, t in draft.chapters]
    for position, required in enumerate(REQUIRED_CHAPTERS, start=1):
        if required not in titles:
            problems.append(f"missing {required}")
        elif titles.index(required) + 1 != position:
            number = draft.chapters[titles.index(required)][0]
            problems.append(f"order: {required} is chapter {number}, GB/T 1.1 puts it at chapter {position}")
    problems += numbering_gaps(draft.numbers)
    return problems


def numbering_gaps(numbers: list[str]) -> list[str]:
    """Siblings must count 1, 2, 3 … under their parent: 4.1.3 right after 4.1.1 is a gap."""
    problems, last_child = [], {}
    for number in numbers:
        if not re.fullmatch(r"\d+(?:\.\d+)*", number):
            continue
        parts = number.split(".")
        parent, n = ".".join(parts[:-1]), int(parts[-1])
        expected = last_child.get(parent, 0) + 1
        if n != expected:
            problems.append(f"numbering: {number} where {parent + '.' if parent else ''}{expected} was expected")
        last_child[parent] = max(n, last_child.get(parent, 0))
    return problems


_IN_CHINESE = (
    (re.compile(r"^missing (.+)$"), "缺少“{0}”"),
    (re.compile(r"^order: (.+) is chapter (\S+), GB/T 1.1 puts it at chapter (\S+)$"), "“{0}”是第{1}章，GB/T 1.1 要求为第{2}章"),
    (re.compile(r"^numbering: (\S+) where (\S+) was expected$"), "条号 {0} 处应为 {1}"),
)


def problem_in_chinese(problem: str) -> str:
    """A structure problem as the page and the reports say it (the JSON keeps the English form
    the gold files use: "missing 术语和定义")."""
    for pattern, chinese in _IN_CHINESE:
        m = pattern.match(problem)
        if m:
            return chinese.format(*m.groups())
    return problem

