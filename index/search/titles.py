"""Which documents a name means: full titles, titles without 中华人民共和国, short names, regions.

Drafters write "节能法" for 中华人民共和国节约能源法, "保密法" for 保守国家秘密法 and
"楼堂馆所条例" for 机关团体建设楼堂馆所管理条例. Rather than a hand-kept alias list, a name
matches a title when its characters appear in the title in order and both end in the same kind
of instrument (法 / 条例 / 办法 …): the short names in use are built that way. Exact and suffix
matches rank above such abbreviations, so "预算法" never means anything but 预算法.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field

from index.results import DocumentInfo
from index.search.citations import clean_title
from ingest.models import Level, Status, level_rank
from ingest.regions import region_names

# Kinds of instrument, longest first so that 实施条例 is not read as 条例.
_KINDS = ("实施细则", "实施条例", "实施办法", "暂行办法", "暂行规定", "议事规则", "编制说明", "实施方案",
          "办法", "条例", "规定", "细则", "规则", "决定", "通知", "方案", "标准", "规范", "意见", "法")
_REGION_RE = re.compile(r"^(.{2,6}?(?:自治区|自治州|省|市|县|区))")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff《》]+")
# How a question refers to a law in general words: "食品安全法律" means 食品安全法.
_QUERY_NORMALISE = (("法律", "法"),)
# A code stored in parts: "中华人民共和国民法典 合同编" is part 合同编 of the code 民法典, whose
# articles are numbered through all its parts. A title of this shape names the code and the part.
_CODE_PART = re.compile(r"^(?:中华人民共和国)?(\S+?(?:法典|法))\s+(\S*(?:编|总则|附则))$")
_MAX_GAPS = 2


def kind_of(name: str) -> str:
    for kind in _KINDS_BY_LAST.get(name[-1:], ()):
        if name.endswith(kind):
            return kind
    return ""


_KINDS_BY_LAST: dict[str, tuple[str, ...]] = {}
for _kind in _KINDS:
    _KINDS_BY_LAST[_kind[-1]] = _KINDS_BY_LAST.get(_kind[-1], ()) + (_kind,)


def region_of(title: str) -> str:
    """'杭州市会展业促进条例' → '杭州市'; '' for national documents. A province or city of the region
    table first; a county or district (安吉县…) by the shape of its name."""
    title = clean_title(title)
    known = next((name for name in region_names() if title.startswith(name)), "")
    if known:
        return known
    m = _REGION_RE.match(title)
    return m.group(1) if m else ""


@dataclass
class Work:
    """All versions of one title. `versions` are document rows, oldest first."""

    key: str
    base: str                     # key without its region prefix
    region: str
    kind: str
    level_rank: int
    versions: list[DocumentInfo] = field(default_factory=list)
    code: str = ""                # for a part of a code stored in parts (民法典 合同编): the code's key

    @property
    def first(self) -> tuple[str, str]:
        """The oldest version's date and source: the order works are listed in."""
        return self.versions[0].publish_date, self.versions[0].source

    def current(self) -> DocumentInfo:
        """The version in force: the newest 现行有效 one, else simply the newest."""
        return self.pick()

    def pick(self, year: str = "", allowed: set[str] | None = None, older: bool = False,
             before: str = "") -> DocumentInfo | None:
        """The version a citation means, of those `allowed`: the one of `year` if there is one, else the
        one in force in `year` (the newest published by then); with `older` (旧版, 修订前) the newest
        before the current one, or before the year `before` (2024年修正前); else the current one."""
        versions = [v for v in self.versions if allowed is None or v.source in allowed]
        if not versions:
            return None
        if year:
            for v in reversed(versions):
                if of_year(v, year):
                    return v
            by_then = [v for v in versions if v.publish_date and v.publish_date[:4] <= year]
            if by_then:
                return by_then[-1]
        in_force = [v for v in versions if v.status == Status.CURRENT]
        current = (in_force or versions)[-1]
        if older:
            # 2024年修正前: before the amendment of 2024; 旧版 alone: before the version in force
            limit = before or current.publish_date
            earlier = [v for v in versions if v.publish_date and v.publish_date[:len(limit)] < limit]
            return earlier[-1] if earlier else current
        return current


def of_year(doc: DocumentInfo, year: str) -> bool:
    """Whether `doc` is the version of `year` (published or taking effect in it)."""
    return doc.publish_date.startswith(year) or doc.effective_date.startswith(year)


@dataclass(frozen=True)
class WorkMatch:
    work: Work
    quality: float   # 4 exact, 3 same name in another region, 2 suffix, 1–2 abbreviation


class TitleIndex:
    """Resolve names to works, find the works and regions a question mentions."""

    def __init__(self, documents: list[DocumentInfo]):
        self._works: dict[str, Work] = {}
        # Every match (exact, regional, suffix, abbreviation) holds all of the name's characters, so a
        # name is compared only with the works that have its rarest character: a few dozen of
        # 15,000 works instead of all of them, whatever the size of the knowledge base.
        self._with_char: dict[str, list[str]] = {}
        self._key_of: dict[str, str] = {}            # document source → its work's key
        self._regions: Counter[str] = Counter()
        self._parts: dict[str, list[str]] = {}       # a code's key → the keys of its parts
        by_key: dict[str, list[DocumentInfo]] = {}
        for d in documents:
            by_key.setdefault(clean_title(d.title), []).append(d)
        for key, versions in by_key.items():
            self._add(_work(key, versions))
        self._region_names = _region_names(self._regions)

    @property
    def works(self) -> list[Work]:
        return list(self._works.values())

    def updated(self, documents: list[DocumentInfo], changed: set[str]) -> "TitleIndex":
        """This index with the documents of `changed` replaced by `documents` (those of them still
        there): the works they touch are rebuilt, every other one is shared. A server refreshing
        after one document then does not regroup 15,000 titles."""
        new = copy.copy(self)
        new._works, new._with_char = dict(self._works), dict(self._with_char)
        new._key_of, new._regions = dict(self._key_of), Counter(self._regions)
        new._parts = {code: list(keys) for code, keys in self._parts.items()}
        arriving: dict[str, list[DocumentInfo]] = {}
        for d in documents:
            arriving.setdefault(clean_title(d.title), []).append(d)
        touched = {self._key_of[s] for s in changed if s in self._key_of} | set(arriving)
        for key in touched:
            old = new._remove(key)
            kept = [v for v in (old.versions if old else []) if v.source not in changed]
            if kept or arriving.get(key):
                new._add(_work(key, kept + arriving.get(key, [])))
        if set(new._regions) != set(self._regions):
            new._region_names = _region_names(new._regions)
        return new

    def _add(self, work: Work) -> None:
        self._works[work.key] = work
        for ch in set(work.key):
            self._with_char[ch] = self._with_char.get(ch, []) + [work.key]
        self._key_of.update((v.source, work.key) for v in work.versions)
        if work.region:
            self._regions[work.region] += 1
        if work.code:
            self._parts.setdefault(work.code, []).append(work.key)

    def _remove(self, key: str) -> Work | None:
        work = self._works.pop(key, None)
        if work is not None:
            for ch in set(key):
                self._with_char[ch] = [k for k in self._with_char[ch] if k != key]
            for v in work.versions:
                self._key_of.pop(v.source, None)
            if work.region:
                self._regions[work.region] -= 1
                if not self._regions[work.region]:
                    del self._regions[work.region]
            if work.code:
                self._parts[work.code] = [k for k in self._parts[work.code] if k != key]
                if not self._parts[work.code]:
                    del self._parts[work.code]
        return work

    # -------------------------------------------------------------------------------- resolve
    def resolve(self, name: str, strict: bool = False) -> list[WorkMatch]:
        """Works `name` may mean, best first. `strict` drops abbreviation (subsequence) matches."""
        q = clean_title(name)
        if len(q) < 2:
            return []
        parts = self._code_parts(q)
        if parts:
            return parts
        matches = []
        kind = kind_of(q)
        # A name of one kind of instrument can only match works of that kind, or a title exactly.
        rarest = min((self._with_char.get(ch, ()) for ch in set(q)), key=len)
        for w in (self._works[k] for k in rarest):
            if kind and w.kind != kind:
                continue
            quality = _quality(q, w, kind)
            if quality and (not strict or quality >= 2):
                matches.append(WorkMatch(w, quality))
        if any(m.quality >= 4 for m in matches):
            matches = [m for m in matches if m.quality >= 4]
        # National before local, then the shortest title, then the oldest work (whatever order the
        # index was built or updated in).
        return sorted(matches, key=lambda m: (-m.quality, m.work.level_rank, len(m.work.key), m.work.first))

    def _code_parts(self, q: str) -> list[WorkMatch]:
        """A code stored in parts, named whole (民法典: every part) or
        by a part with or without 编 (民法典总则编 → 民法典 总则)."""
        if q in self._parts:
            return [WorkMatch(self._works[k], 4.0) for k in sorted(self._parts[q])]
        if q.endswith("编") and q[:-1] in self._works and self._works[q[:-1]].code:
            return [WorkMatch(self._works[q[:-1]], 4.0)]
        return []

    def resolve_in_text(self, text: str) -> list[WorkMatch]:
        """The works a citation's title part names. Leading words that are not part of the name
        ("请问根据") are dropped by trying ever shorter endings of the text."""
        q = clean_title(text)
        for start in range(0, max(len(q) - 1, 0)):
            found = self.resolve(q[start:])
            if found:
                return found
        return []

    def mentions(self, query: str) -> list[Work]:
        """Works a question names somewhere inside it ("按现行突发事件应对法，…")."""
        text = query
        for general, specific in _QUERY_NORMALISE:
            text = text.replace(general, specific)
        found: dict[str, Work] = {}
        for run in _CJK_RUN.findall(text):
            run = run.replace("《", "").replace("》", "")
            for end in range(len(run), 1, -1):
                if not kind_of(run[:end]):
                    continue
                for start in range(0, end - 2):
                    fragment = run[start:end]
                    matches = [m for m in self.resolve(fragment) if _mention_ok(fragment, m)]
                    if matches:
                        for m in matches:
                            found.setdefault(m.work.key, m.work)
                        break
        return list(found.values())

    def regions(self, query: str) -> list[str]:
        """Regions a question names (杭州 → 杭州市); a region inside a longer one is not counted twice."""
        hits, text = [], query
        for name, region in self._region_names:
            if name in text:
                if region not in hits:
                    hits.append(region)
                text = text.replace(name, " ")
        return hits


def _work(key: str, versions: list[DocumentInfo]) -> Work:
    versions = sorted(versions, key=lambda d: (d.publish_date, d.source))
    first = versions[0]
    region = region_of(first.title) if first.level not in (Level.LAW, Level.ADMINISTRATIVE_REGULATION) else ""
    code = _CODE_PART.match(first.title.strip())
    return Work(key=key, base=key.removeprefix(region), region=region, kind=kind_of(key),
                level_rank=level_rank(first.level), versions=versions,
                code=clean_title(code.group(1)) if code else "")


def _region_names(regions) -> list[tuple[str, str]]:
    """Each region is recognised by its full name and by its name without 省/市 (杭州, 浙江)."""
    return sorted({(name, r) for r in regions for name in (r, re.sub(r"(自治区|自治州|省|市|县|区)$", "", r))
                   if len(name) >= 2}, key=lambda x: (-len(x[0]), x))


def _quality(q: str, w: Work, kind: str) -> float:
    if q == w.key:
        return 4.0
    if w.region and q == w.base:
        return 3.0
    if kind != w.kind or not kind:
        return 0.0
    stem = len(q) - len(kind)   # the name without 法/条例: 管理条例 has too little of it to name anything
    if w.key.endswith(q) and stem >= 3:
        return 2.0 + len(q) / len(w.key) * 0.5
    # An abbreviation keeps the first character (节能法, 保密法) or a long stretch (楼堂馆所条例).
    if stem < 2 or (stem < 4 and q[0] != w.base[0]):
        return 0.0
    gaps = _subsequence_gaps(q, w.base)
    if gaps is not None and gaps <= _MAX_GAPS:
        return 1.0 + len(q) / len(w.base) * 0.5 - gaps * 0.1
    return 0.0


def _mention_ok(fragment: str, match: WorkMatch) -> bool:
    """Inside a question a name must start where the title (or its regional base) starts, unless
    it matches exactly: "会展业条例" may mean every region's 会展业(促进)条例, "业条例" nothing."""
    w = match.work
    return match.quality >= 2 or fragment[0] == w.base[0] or fragment[0] == w.key[0]


def _subsequence_gaps(q: str, title: str) -> int | None:
    """Number of gaps when q's characters are found in order in title (greedy), None if not found."""
    pos, gaps, last = 0, 0, -1
    for ch in q:
        idx = title.find(ch, pos)
        if idx < 0:
            return None
        if last >= 0 and idx != last + 1:
            gaps += 1
        last, pos = idx, idx + 1
    return gaps
