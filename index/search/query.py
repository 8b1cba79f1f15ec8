"""What a query asks for, read before any retrieval: a citation, the works and regions it names,
the levels it restricts itself to, the terms whose definition it wants.

`analyse` is pure given a TitleIndex; the retrieval in `search.py` acts on the plan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from index.results import DocumentInfo
from index.search.citations import Citation, clean_title, parse_citation
from index.search.titles import TitleIndex, Work, WorkMatch, kind_of

# Words that name a level of document in a question ("浙江省地方性法规要求…").
LEVEL_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("地方性法规", ("地方性法规",)),
    ("行政法规", ("行政法规",)),
    ("部门规章", ("部门规章",)),
    ("规章", ("部门规章",)),
    ("党内法规", ("党内法规与规范性文件",)),
    ("国家标准", ("国家标准", "标准")),
    ("行业标准", ("行业标准", "标准")),
    ("地方标准", ("地方标准", "标准")),
    ("试点", ("试点文件",)),
)
# A version named in words: 2010年保守国家秘密法…, 保密法（2010年版）…, 旧版保密法…, 修订前的…
_VERSION_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?!度)\s*(版|修订|修正|修改|施行)?")
_BEFORE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:修订|修正|修改)前")
_OLDER = re.compile(r"旧版|老版|修订前|修改前|修正前|原版本|以前的版本|之前的版本|上一版")
# "什么是X" / "X是指什么" / "X是什么意思" / "如何定义X" / "X的定义" …
_DEFINITION_PATTERNS = (
    re.compile(r"什么(?:是|叫|叫做)[“\"「]?([^？?，,。“”\"」]{2,20})"),
    re.compile(r"[“\"「]?([^？?，,。“”\"」\s]{2,20}?)[”\"」]?(?:的)?(?:是指什么|指什么|是什么意思|什么意思|是什么|的含义|的定义|的概念|包括哪些|怎么定义|如何定义|下了什么定义)"),
    re.compile(r"(?:怎么|如何|怎样)(?:定义|界定)[“\"「]?([^？?，,。“”\"」]{2,20})"),
)
_QUOTED = re.compile(r"[“\"「]([^”\"」]{2,20})[”\"」]")
_DEFINITION_CUES = ("是指", "指什么", "什么是", "定义", "含义", "概念", "什么意思", "是什么", "所称", "界定")
# Leading words that are not part of a term ("法律上讲的节约能源" → 节约能源).
_TERM_NOISE = re.compile(r"^.*?(?:所称的|所说的|讲的|说的|所称|里的|里|中的|上的)")


@dataclass
class QueryPlan:
    text: str
    citation: Citation | None = None
    cited: list[WorkMatch] = field(default_factory=list)
    mentioned: list[Work] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    content: str = ""     # the query without the names of works and regions: what is asked about
    missing_work: str = ""  # a cited instrument (…条例第二十条) that the knowledge base does not hold
    version_year: str = ""  # the year of the version asked for (2010年保密法…)
    older: bool = False     # an earlier version asked for (旧版, 修订前, 2024年修正前)
    before_year: str = ""   # the year of the amendment whose earlier version is asked for

    def version_of(self, work: Work, allowed: set[str] | None = None) -> DocumentInfo | None:
        """The version of `work` the query asks for, of those `allowed` (the current one if it names none)."""
        return work.pick(self.version_year, allowed, self.older, self.before_year)

    @property
    def names_version(self) -> bool:
        """The query asks for a version of a work it names, not simply for the rule in force."""
        return bool(self.cited or self.mentioned) and bool(self.version_year or self.older)

    @property
    def is_citation(self) -> bool:
        return self.citation is not None and bool(self.cited or self.citation.is_standard)


def clean_query(query: str) -> str:
    """The query as searched: control and format characters and lone surrogates removed, spaces collapsed.

    Queries come from terminals, pasted PDFs and HTTP clients; none of these characters carry
    meaning, and some (lone surrogates) break the embedder's tokenizer.
    """
    kept = (" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in query
            if unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn") or ch in "\t\n")
    return re.sub(r"\s+", " ", "".join(kept)).strip()


def has_content(query: str) -> bool:
    """Whether there is anything to search for: a letter or digit of any script."""
    return any(ch.isalnum() for ch in query)


def analyse(query: str, titles: TitleIndex) -> QueryPlan:
    plan = QueryPlan(text=query)
    citation = parse_citation(query)
    if citation is not None:
        if citation.is_standard:
            plan.citation = citation
        elif citation.title:
            cited = titles.resolve_in_text(citation.title)
            if cited:
                best = cited[0].quality
                plan.citation = citation
                plan.cited = [m for m in cited if m.quality >= best - 1e-9]
            elif kind_of(clean_title(citation.title)):
                plan.missing_work = citation.title
    plan.mentioned = titles.mentions(query)
    plan.regions = titles.regions(query)
    for word, levels in LEVEL_WORDS:
        if word in query:
            plan.levels.extend(lv for lv in levels if lv not in plan.levels)
    plan.terms = definition_terms(query)
    before = _BEFORE_YEAR.search(query)
    if before:   # 2024年修正前的会计法: the version the amendment of 2024 replaced
        plan.before_year, plan.older = before.group(1), True
    else:
        plan.version_year = (citation.year if citation is not None and citation.year else "") or \
            _year_of_version(query, plan.mentioned)
        plan.older = bool(_OLDER.search(query))
    content = query
    for w in plan.mentioned:
        for name in (w.key, w.base):
            content = content.replace(name, " ")
    plan.content = content
    return plan


def _year_of_version(query: str, mentioned: list[Work]) -> str:
    """A year that names a version: with a version word (2010年版, 2018年修正), or written against a
    work's name (2010年保密法, 保密法（2010年）). 2023年以来 and 2023年度 are years, not versions."""
    names = [n for w in mentioned for n in (w.key, w.base) if n]
    for m in _VERSION_YEAR.finditer(query):
        after, before = query[m.end():].lstrip("《的 "), query[:m.start()].rstrip("（( ")
        if m.group(2) or any(after.startswith(n) for n in names) or \
                (before != query[:m.start()] and any(before.rstrip("》").endswith(n) for n in names)):
            return m.group(1)
    return ""


def definition_terms(query: str) -> list[str]:
    """Terms whose definition the query asks for; [] when it does not ask for one."""
    if not any(cue in query for cue in _DEFINITION_CUES):
        return []
    quoted = [q.strip() for q in _QUOTED.findall(query)]
    if quoted:
        return list(dict.fromkeys(quoted))
    for pattern in _DEFINITION_PATTERNS:
        m = pattern.search(query)
        if m:
            term = _TERM_NOISE.sub("", m.group(1)).strip("“”\"「」 的")
            if len(term) >= 2:
                return [term]
    return []
