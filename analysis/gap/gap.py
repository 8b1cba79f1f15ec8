"""Gap analysis of a draft standard (协调性分析): for each clause, what supports, duplicates or
contradicts it; which applicable provisions the draft leaves out; whether its references are current.

How a clause is labelled, first rule that holds:
  conflict  — a relevant provision of an applicable jurisdiction sets a numeric requirement on the
              same thing that the draft loosens, or says the opposite of the same act (conflicts.py);
  duplicate — a provision, or one of its 款, says the same nearly word for word (similarity ≥ DUPLICATE);
  basis     — search is confident and a provision of a normative level, in force where the draft
              applies and written for its kind of body, covers enough of the clause;
  no_basis  — nothing relates (normal for operational details such as tray colours).
Candidates come from searching the whole clause and each of its sentences, so a clause that
bundles several duties finds the provision behind each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from pydantic import BaseModel, Field

from index.kb import KnowledgeBase
from index.results import Hit
from index.search.filters import SearchFilters
from ingest.models import Document, Status
from ingest.sentences import sentences

from ..cite import short_citation
from .candidate import Candidate
from . import onpoint
from .conflicts import conflicts, opposite_statements
from .coverage import DUTY_HELD, clause_coverage, content_words, coverage
from .draft import Draft, read_draft, structure_problems
from .drafting import DraftingFinding, drafting_findings
from .missing import MissingHit, missing_provisions
from .neighbourhood import duties_to_check
from .modality import antonyms, binds_other_bodies, kinds, statements
from .references import ReferenceCheck, check_reference, newer_edition_in_draft
from .regions import NON_NORMATIVE, applicable
from .sanctions import sanctions
from .scope import scope_article
from .similarity import copied_from

DUPLICATE = 0.85            # character similarity of a near word-for-word restatement
BASIS_COVERAGE = 0.2        # share (by rarity) of the clause's words a supporting provision must hold (clause_coverage)
FUSION_K = 5                # reciprocal-rank fusion constant across the clause's queries
EVIDENCE = 3
MAX_CONFLICTS = 6           # conflict rows per clause: one per pair of limits or statements
CONFLICT_COVERAGE = 0.25    # how much of the clause a provision must share to be compared with it
RELATED_FLOOR = 0.15       # least share of the clause a provision shown as "related" must hold
PER_QUERY = 8
PER_KEYWORD = 4             # provisions added per query by shared words alone


class GapHit(Hit):
    relation: str = Field(description="basis, duplicate, conflict or related")
    coverage: float = Field(0.0, description="Share of the clause's words (by rarity) the provision holds.")
    note: str = ""
    citation: str = ""


class ClauseFinding(BaseModel):
    number: str
    text: str
    label: str
    evidence: list[GapHit]


class Structure(BaseModel):
    ok: bool
    problems: list[str]


class GapReport(BaseModel):
    draft: str
    title: str
    regions: list[str] = Field(default_factory=list, description="Jurisdictions the draft applies in.")
    clauses: list[ClauseFinding]
    missing: list[MissingHit]
    to_check: list[MissingHit] = Field(default_factory=list, description="Duties of the documents the draft rests "
                                       "on that no clause states, nearest its subject first: for the drafter to check, "
                                       "not findings (neighbourhood.py).")
    references: list[ReferenceCheck]
    structure: Structure
    drafting: list[DraftingFinding] = Field(default_factory=list,
                                            description="GB/T 1.1—2020 drafting checks (analysis/gap/drafting.py)")


def candidates(index: KnowledgeBase, text: str, filters: SearchFilters) -> tuple[list[Candidate], bool]:
    """Provisions found for the whole clause or any of its sentences; True when search was confident."""
    parts = [text] + [s for s in (p.rstrip("；;。，,") for p in sentences(text, at_commas=True, min_chars=6))
                      if s != text and len(s) >= 6]
    # A rule against what the draft allows is written in the opposite words (高档 → 节俭): ask for it
    # too. It only finds provisions; coverage is of what the draft itself says.
    queries = parts + [text.replace(w, others[0]) for w, others in antonyms().items() if w in text][:2]
    found: dict[str, Candidate] = {}
    confident = False
    for qi, query in enumerate(queries):
        result = index.search(query, k=PER_QUERY, filters=filters)
        if qi == 0:  # whole-clause confidence: a short fragment finds something for almost anything
            confident = not result.low_confidence
        # A draft is written in the rules' own words, so the provisions sharing its words are
        # candidates whatever the embedder ranks first (e5 ranks penalties and look-alikes above them).
        for hits in (result.hits, index.keyword_search(query, k=PER_KEYWORD, filters=filters)):
            for rank, hit in enumerate(hits):
                c = found.get(hit.id)
                if c is None:  # segment each provision once, however many of the clause's queries find it
                    words = content_words(" ".join([hit.title, hit.clause_title, hit.text]), index.text.segmenter)
                    c = found[hit.id] = Candidate(hit, words, scope=scope_article(index, hit.title))
                c.fused += 1 / (FUSION_K + rank)
    words_of = [content_words(p, index.text.segmenter) for p in parts]
    rarity = index.text.rarity(sorted(set().union(*words_of)))
    either_way = {w: index.text.segmenter.synonyms.get(w, []) + antonyms().get(w, [])
                  for w in set(index.text.segmenter.synonyms) | set(antonyms())}
    for c in found.values():   # of the text, whichever query found the provision
        c.coverage = clause_coverage(words_of, c.words, rarity, index.text.segmenter.synonyms)
        c.relevance = clause_coverage(words_of, c.words, rarity, either_way)
        c.whole = coverage(words_of[0], c.words, rarity, either_way)
    ranked = sorted(found.values(), key=lambda c: -c.score)
    return ranked, confident


def label_clause(index: KnowledgeBase, number: str, text: str, filters: SearchFilters, regions: list[str],
                 draft_kinds: set[str] = frozenset()) -> ClauseFinding:
    cands, confident = candidates(index, text, filters)
    normative = [c for c in cands if c.hit.level not in NON_NORMATIVE]
    in_force_here = [c for c in normative if applicable(c.hit, regions)]
    relevant = [c for c in in_force_here if c.relevance >= CONFLICT_COVERAGE]
    # Whatever could be shown as a basis is first asked whether it says the opposite: a rule must
    # never be cited for the clause it forbids (不得出租办公用房 for 可出租给社会单位使用).
    could_support = [c for c in in_force_here if c.relevance >= BASIS_COVERAGE]
    rarity = index.text.rarity(sorted(content_words(text, index.text.segmenter) | {w for c in could_support for w in c.words}))
    # A limit is on the same thing only when the provision is about the clause, not about one
    # fragment's measure: 评估档案的保存期限 says nothing of how long a 用车申请 keeps 乘车人's data.
    found = conflicts(text, [c for c in relevant if c.whole >= CONFLICT_COVERAGE], index.text.segmenter, draft_kinds) + \
        opposite_statements(text, could_support, index.text.segmenter, rarity, draft_kinds)
    if found:
        evidence = [_gap_hit(c, "conflict", note) for c, note in found[:MAX_CONFLICTS]]
        return ClauseFinding(number=number, text=text, label="conflict", evidence=evidence)
    copies = sorted(((copied_from(text, c.hit.text), c) for c in normative), key=lambda x: -x[0])
    if copies and copies[0][0] >= DUPLICATE:
        s, c = copies[0]
        return ClauseFinding(number=number, text=text, label="duplicate", evidence=[
            _gap_hit(c, "duplicate", f"与{short_citation(c.hit.title, c.hit.article)}几乎逐字相同（相似度 {s:.2f}），标准中宜引用而不照抄")])
    # A basis must bind the kind of body the draft is about: a rule for 生产经营单位 is shown as related.
    # A provision that fines the breach (法律责任) is not what a requirement rests on: shown as related.
    # Another region's rule binds nobody where the draft applies: it is shown as related, never as basis.
    # A provision that requires nothing (适用有关小餐饮店的规定, a definition, a purpose) is context, not a basis.
    support = [c for c in in_force_here if c.coverage >= BASIS_COVERAGE and _sets_duties(c)
               and not _for_other_bodies(c, draft_kinds) and not sanctions(c.hit)]
    support = on_point(index, text, support)
    if confident and support:
        return ClauseFinding(number=number, text=text, label="basis", evidence=[
            _gap_hit(c, "basis", f"覆盖草案条款要点 {c.coverage:.0%}") for c in support[:EVIDENCE]])
    # Below the floor a provision shares too little with the clause to be worth a reader's time:
    # the report then says that nothing was found, rather than showing noise.
    related = [_gap_hit(c, "related", _related_note(c, regions)) for c in normative[:2] if c.coverage >= RELATED_FLOOR]
    return ClauseFinding(number=number, text=text, label="no_basis", evidence=related)


def analyse_draft(index: KnowledgeBase, source: Path | str | Document, levels: list[str] | None = None,
                  regions: list[str] | None = None, name: str = "",
                  progress: Callable[[str, int, int], None] = lambda stage, done, total: None) -> GapReport:
    """The whole 协调性 analysis of one draft: a file, or a document parsed already (an upload).

    `name` is how the report calls the draft; by default the file's name. Never its path: a
    report travels (to reviewers, into the 编制说明), and a path tells them about the drafter's disk.
    """
    draft = read_draft(source)
    draft_regions = regions if regions is not None else draft_jurisdiction(index, draft)
    filters = SearchFilters(status=[Status.CURRENT], level=levels or [])
    draft_kinds = kinds(f"{draft.title}\n{draft.scope}") or {"public"}   # a 机关事务 draft is about public bodies
    findings = []
    for n, c in enumerate(draft.clauses, 1):
        findings.append(label_clause(index, c.number, c.text, filters, draft_regions, draft_kinds))
        progress("clauses", n, len(draft.clauses))
    # A provision the draft contradicts or copies is one it speaks of. One it merely rests on can
    # still be missing: its area's words (保密) appear nowhere in the draft, so no clause states its duty.
    spoken_of = {e.id for f in findings for e in f.evidence if e.relation in ("conflict", "duplicate")}
    progress("applicable provisions the draft leaves out", 0, 1)
    # A clause a provision backs by most of its words speaks of that provision's area (疏散通道 rests
    # on the 消防法 though the draft never writes 消防).
    rests_on = "\n".join(_sentence_behind(index, f.text, e.text) for f in findings for e in f.evidence
                         if e.relation == "basis" and e.coverage >= DUTY_HELD)
    missing = missing_provisions(index, draft, draft_regions, filters, exclude=spoken_of, draft_kinds=draft_kinds,
                                 also_said=rests_on)
    findings = [_without_bases(f, {m.id for m in missing}) for f in findings]
    to_check = duties_to_check(index, draft, findings, draft_regions, draft_kinds, exclude={m.id for m in missing})
    progress("applicable provisions the draft leaves out", 1, 1)
    references = [newer_edition_in_draft(check_reference(index, line), draft.text) for line in draft.references]
    problems = structure_problems(draft)
    progress("drafting rules (GB/T 1.1—2020)", 0, 1)
    drafting = drafting_findings(draft, index)
    progress("drafting rules (GB/T 1.1—2020)", 1, 1)
    return GapReport(draft=name or Path(draft.source).name, title=draft.title, regions=draft_regions, clauses=findings,
                     missing=missing, to_check=to_check, references=references, structure=Structure(ok=not problems, problems=problems),
                     drafting=drafting)


def draft_jurisdiction(index: KnowledgeBase, draft: Draft) -> list[str]:
    """Regions named on the cover and in 范围 (杭州市地方标准, 适用于杭州市…); [] for a national draft."""
    from .regions import with_parents

    head = "\n".join(draft.document.clauses[0].text.splitlines()[:12]) if draft.document else ""
    return with_parents(index.text.regions_in(f"{draft.title}\n{head}\n{draft.scope}"))


def _sentence_behind(index: KnowledgeBase, clause: str, provision: str) -> str:
    """The sentence of a provision that says most of the clause: what the clause rests on, not the
    rest of a long article (反食品浪费法第七条 speaks of 餐厨垃圾 too)."""
    words = content_words(clause, index.text.segmenter)
    rarity = index.text.rarity(sorted(words))
    return max(sentences(provision) or [provision],
               key=lambda s: coverage(words, content_words(s, index.text.segmenter), rarity))


def _without_bases(finding: ClauseFinding, missing: set[str]) -> ClauseFinding:
    """The clause without the bases the draft is found to leave out: a rule whose duty the draft
    never states is not what the clause rests on."""
    if finding.label != "basis" or not any(e.id in missing for e in finding.evidence):
        return finding
    kept = [e for e in finding.evidence if e.id not in missing]
    return finding.model_copy(update={"evidence": kept, "label": "basis" if kept else "no_basis"})


def on_point(index: KnowledgeBase, text: str, support: list[Candidate]) -> list[Candidate]:
    """The provisions the on-point model keeps as bases of the clause (onpoint.py): sharing a
    clause's words is not stating its duty. Without a model for the encoder, all of them."""
    model = onpoint.model_for(index.text.embed_model)
    if model is None or not support:
        return support
    measured = onpoint.signals(index, text, [c.hit for c in support])
    return [c for c, s in zip(support, measured) if s is None or model.score(s) >= model.threshold]


def _sets_duties(c: Candidate) -> bool:
    return bool(statements(c.hit.text))


def _for_other_bodies(c: Candidate, draft_kinds: set[str]) -> bool:
    found = statements(c.hit.text)
    return bool(found) and all(binds_other_bodies(st, c.who, draft_kinds) for st in found)


def _related_note(c: Candidate, regions: list[str]) -> str:
    if not applicable(c.hit, regions):
        return f"其他地区的规定（覆盖要点 {c.coverage:.0%}），在本文件适用地区不具约束力，仅供参考"
    return f"相关度较低（{c.coverage:.0%}），仅供参考"


def _gap_hit(c: Candidate, relation: str, note: str) -> GapHit:
    return GapHit(**c.hit.model_dump(), relation=relation, coverage=round(c.coverage, 3), note=note,
                  citation=short_citation(c.hit.title, c.hit.article))
