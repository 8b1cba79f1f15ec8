"""The 编制说明 written from the evidence: the sections the knowledge base can support, in the shape
of the Hangzhou 编制说明 (试点文件/004), and marked placeholders for what only the drafters know.

  3.1 编制原则            GB/T 1.1—2020 statement and the drafting-check summary
  3.2 主要技术要求的依据   chapter by chapter, the provisions each chapter rests on
  4.1 与法律法规、政策文件的协调性   by level (法律 → 行政法规 → 党内法规 → 部门规章 → 地方性法规 → 规范性文件),
                          conflicts and what the draft leaves out, each with a line for how it was resolved
  4.2 与国家标准、行业标准、地方标准的协调性   the standards the draft cites and related standards, with status
Citations read 《题名》第X条 (nested titles with 〈〉), and a 参考文献 list in GB/T 7714 closes it.
"""

from __future__ import annotations

from collections import OrderedDict

from pydantic import BaseModel, Field

from index.results import Hit
from ingest.metadata import book_title
from ingest.models import STANDARD_LEVELS, Level

from ..cite import hit_reference, short_citation
from .coverage import DUTY_HELD
from .draft import Draft
from .gap import ClauseFinding, GapHit, GapReport
from .render import DRAFTING_RULES, REFERENCE_STATUS

PLACEHOLDER = "【待起草组填写】"
# 4.1 by level, as the 编制说明 reads them; documents of other levels follow as 规范性文件.
LAW_LEVELS = (Level.LAW, Level.ADMINISTRATIVE_REGULATION, Level.PARTY_REGULATION, Level.DEPARTMENTAL_RULE,
              Level.LOCAL_REGULATION)
GUIDANCE = {
    "1": ("项目背景", "写明本领域的现状和存在的问题（1.1 现状；1.2 存在的问题），说明为什么需要这项标准。"),
    "2": ("工作简况", "写明立项计划（文号、项目名称）、起草单位和起草人、主要工作过程（调研、起草、征求意见、修改的时间和内容）。"),
    "5": ("定量、定性技术要求在本行政区域内的验证情况", "写明主要技术要求在哪些单位试行、试行多久、验证结论。"),
    "6": ("重大意见分歧的处理依据和结果", "列出征求意见中的重大分歧、处理依据和结果；没有时写“无”。"),
    "7": ("预期的社会、经济、生态效益及贯彻实施标准的要求、措施", "写明预期效益（7.1）和实施措施（7.2：宣贯、培训、监督检查）。"),
}


class Table(BaseModel):
    header: list[str]
    rows: list[list[str]]


class Section(BaseModel):
    number: str
    heading: str
    blocks: list[str | Table] = []  # paragraphs and tables, in reading order
    placeholder: bool = False       # only the drafters can write it: guidance, to be replaced


class Explanation(BaseModel):
    title: str
    sections: list[Section]
    references: list[str]           # GB/T 7714 entries of every document cited
    cited: list[Hit] = Field(default_factory=list, description="Every clause cited, in order of citation: "
                             "the 参考文献 as RIS or CSL-JSON (analysis/bibliography.py), one entry a document.")


def explain(report: GapReport, draft: Draft) -> Explanation:
    cited: OrderedDict[str, str] = OrderedDict()     # source → GB/T 7714 entry, in order of first citation
    clauses: list[Hit] = []

    def cite(hit) -> str:
        cited.setdefault(hit.source, hit_reference(hit))
        clauses.append(Hit.model_validate(hit.model_dump(include=set(Hit.model_fields))))
        return short_citation(hit.title, hit.article)

    strong = {e.source for f in report.clauses for e in f.evidence
              if e.relation in ("basis", "duplicate") and e.coverage >= DUTY_HELD}

    def rests_on(finding: ClauseFinding) -> list[GapHit]:
        """The provision a clause rests on, as a 编制说明 names it: the strongest basis that holds most
        of the clause, or comes from a document the draft rests on elsewhere. A provision of some
        other document sharing a few words (评价服务质量 with a 中医药 rule) is no 依据 to sign."""
        return [e for e in finding.evidence if e.relation in ("basis", "duplicate")
                and (e.coverage >= DUTY_HELD or e.source in strong)][:1]

    sections = [_placeholder("1"), _placeholder("2"),
                Section(number="3", heading="编制原则和确定主要技术要求的依据"),
                _principles(report), _chapters(report, draft, cite, rests_on),
                Section(number="4", heading="国内外现行相关法律、法规和标准情况"),
                _laws(report, cite, rests_on), _standards(report, cite),
                _placeholder("5"), _placeholder("6"), _placeholder("7")]
    name = report.title.replace("（草案）", "").strip()
    return Explanation(title=f"《{name}》编制说明" if not name.startswith("《") else f"{name}编制说明",
                       sections=sections, references=list(cited.values()), cited=clauses)


def _placeholder(number: str) -> Section:
    heading, guidance = GUIDANCE[number]
    return Section(number=number, heading=heading, blocks=[f"{PLACEHOLDER}{guidance}"], placeholder=True)


def _principles(report: GapReport) -> Section:
    paragraphs = ["本文件按照 GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草，"
                  "遵循合法合规、协调统一、科学适用、简明可操作的原则，与现行法律法规和相关标准协调一致。"]
    if report.drafting:
        rules = OrderedDict()
        for f in report.drafting:
            rules.setdefault(f.rule, []).append(f.clause)
        summary = "；".join(f"{DRAFTING_RULES.get(rule, rule)}（{'、'.join(clauses)}）" for rule, clauses in rules.items())
        paragraphs.append(f"按 GB/T 1.1—2020 逐项检查，尚有 {len(report.drafting)} 处需要修改：{summary}。"
                          f"{PLACEHOLDER}修改后删去本段，或写明保留的理由。")
    else:
        paragraphs.append("按 GB/T 1.1—2020 逐项检查（要素顺序、引导语、自称、助动词、编号、术语、引用形式），未发现问题。")
    return Section(number="3.1", heading="标准编制原则", blocks=paragraphs)


def _chapters(report: GapReport, draft: Draft, cite, rests_on) -> Section:
    titles = dict(draft.chapters)
    by_chapter: OrderedDict[str, list] = OrderedDict((n, []) for n, _ in draft.chapters)
    for f in report.clauses:
        by_chapter.setdefault(f.number.split(".")[0], []).append(f)
    paragraphs = []
    for number, findings in by_chapter.items():
        title = titles.get(number, "")
        if title == "范围":
            paragraphs.append(f"{number}　范围：规定了本文件的适用范围。{draft.scope.splitlines()[0] if draft.scope else ''}")
            continue
        if title == "规范性引用文件":
            listed = "、".join(r.cited for r in report.references) or "无"
            paragraphs.append(f"{number}　规范性引用文件：列出了 {listed}。")
            continue
        basis = OrderedDict()
        weak = 0
        for f in findings:
            # a clause's strongest provision only: 3.2 says what each chapter rests on, not all that is near it
            named = [e for e in f.evidence if e.relation == "conflict"][:1] or rests_on(f)
            for e in named:
                basis.setdefault(cite(e), None)
            weak += f.label == "basis" and not named
        own = sum(1 for f in findings if f.label == "no_basis")
        text = f"{number}　{title}：共 {len(findings)} 条。"
        if basis:
            text += f"主要依据{'、'.join(list(basis)[:8])}{'等' if len(basis) > 8 else ''}。"
        if own:
            text += f"其中 {own} 条为结合本地实际提出的操作性要求，知识库中没有对应的上位规定。"
        if weak:
            text += f"{weak} 条在知识库中只找到部分相关的条文，未列为依据。{PLACEHOLDER}核实或补充依据。"
        paragraphs.append(text)
    return Section(number="3.2", heading="主要技术要求的依据", blocks=paragraphs)


def _laws(report: GapReport, cite, rests_on) -> Section:
    by_level: OrderedDict[str, OrderedDict] = OrderedDict((lv, OrderedDict()) for lv in (*LAW_LEVELS, "规范性文件"))
    conflicts = []
    for f in report.clauses:
        # Every conflict, but of the bases only what each clause rests on, as in 3.2: a 编制说明 names
        # what the draft rests on, not every provision near it.
        for e in [e for e in f.evidence if e.relation == "conflict"] + rests_on(f):
            if e.level in STANDARD_LEVELS:
                continue
            level = e.level if e.level in LAW_LEVELS else "规范性文件"
            cite(e)
            by_level[level].setdefault(e.title, book_title(e.title))
            if e.relation == "conflict":
                conflicts.append([f.number, cite(e), e.note, f"{PLACEHOLDER}已按上位规定修改为……／保留的理由"])
    paragraphs = []
    for level, docs in by_level.items():
        if docs:
            titles = "、".join(docs.values())
            paragraphs.append(f"{level}：本文件与{titles}的有关规定相协调。")
    if not paragraphs:
        paragraphs.append("知识库中没有找到与本文件相关的法律法规和政策文件。")
    blocks: list[str | Table] = list(paragraphs)
    if conflicts:
        blocks.append(f"分析发现 {len(conflicts)} 处与上位规定不一致，处理情况如下：")
        blocks.append(Table(header=["草案条款", "条文", "不一致之处", "处理情况"], rows=conflicts))
    else:
        blocks.append("未发现与上位规定不一致之处。")
    laws = [r for r in report.references if r.cited.lstrip().startswith("《")]
    if laws:
        blocks.append("本文件引用的法律法规和政策文件及其状态如下表。")
        blocks.append(Table(header=["引用的文件", "状态", "说明"],
                            rows=[[r.cited, REFERENCE_STATUS[r.status], r.note or _in_force(r)] for r in laws]))
    if report.missing:
        blocks.append("下列适用的规定草案尚未体现，宜补充或说明理由：")
        blocks.append(Table(header=["条文", "为什么适用", "处理情况"],
                            rows=[[cite(m), m.reason, f"{PLACEHOLDER}已在……条补充／不补充的理由"] for m in report.missing]))
    return Section(number="4.1", heading="与法律法规、政策文件的协调性", blocks=blocks)


def _in_force(reference) -> str:
    return f"现行版本：{reference.current.publish_date}" if reference.current else ""


def _standards(report: GapReport, cite) -> Section:
    related = OrderedDict()
    for f in report.clauses:
        for e in f.evidence:
            if e.level in STANDARD_LEVELS and e.relation != "related":
                related.setdefault(e.title, cite(e))
    paragraphs = []
    standards = [r for r in report.references if not r.cited.lstrip().startswith("《")]
    if standards:
        paragraphs.append("本文件引用的标准及其状态如下表。")
    if related:
        paragraphs.append(f"本文件与{'、'.join(related.values())}的有关规定相协调。")
    if not standards and not related:
        paragraphs.append(f"知识库中没有与本文件相关的国家标准、行业标准和地方标准。{PLACEHOLDER}补充检索到的相关标准。")
    blocks: list[str | Table] = list(paragraphs)
    if standards:
        blocks.insert(1, Table(header=["引用的标准", "状态", "说明"],
                               rows=[[r.cited, REFERENCE_STATUS[r.status], r.note] for r in standards]))
    return Section(number="4.2", heading="与国家标准、行业标准、地方标准的协调性", blocks=blocks)


def explanation_markdown(doc: Explanation) -> str:
    lines = [f"# {doc.title}", ""]
    for s in doc.sections:
        lines += [f"{'##' if '.' not in s.number else '###'} {s.number} {s.heading}", ""]
        for block in s.blocks:
            if isinstance(block, Table):
                lines += ["| " + " | ".join(block.header) + " |", "|" + " --- |" * len(block.header)]
                lines += ["| " + " | ".join(c.replace("|", "｜").replace("\n", " ") for c in row) + " |" for row in block.rows]
                lines.append("")
            else:
                lines += [block, ""]
    if doc.references:
        lines += ["## 参考文献", ""] + [f"[{i}] {r}" for i, r in enumerate(doc.references, 1)]
    return "\n".join(lines).rstrip() + "\n"


def explanation_docx(doc: Explanation) -> bytes:
    from ..docx import add_table, new_document, to_bytes

    document = new_document()
    document.add_heading(doc.title, level=0)
    for s in doc.sections:
        document.add_heading(f"{s.number}　{s.heading}", level=1 if "." not in s.number else 2)
        for block in s.blocks:
            if isinstance(block, Table):
                add_table(document, tuple(block.header), [tuple(row) for row in block.rows])
            else:
                document.add_paragraph(block)
    if doc.references:
        document.add_heading("参考文献", level=1)
        for i, r in enumerate(doc.references, 1):
            document.add_paragraph(f"[{i}] {r}")
    return to_bytes(document)
