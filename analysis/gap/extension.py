"""What a definition covers: the members it enumerates (国家机关、事业单位和团体组织), compared
between a draft's definition and the knowledge base's.

Character similarity cannot see that "使用财政性资金的国家机关和事业单位" defines 公共机构 for fewer
bodies than "全部或者部分使用财政性资金的国家机关、事业单位和团体组织": the two share most of their
characters. The enumerated members can. GB/T 1.1—2020 (6.3.2.2, 术语和定义) asks that a term already
defined elsewhere be used with that definition; a draft that narrows or widens its extension
defines another concept under the same name, which is a 术语冲突.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.gap.similarity import similarity

_SEGMENTS = re.compile(r"[，。；：,;:（）()\n]")
_CONJUNCTIONS = re.compile(r"以及|或者|和|及|与|或")
# Where the first member starts (after its qualifier: …使用财政性资金的国家机关) and where the
# last one ends (…团体组织等 / 团体组织从事…的).
_QUALIFIED = re.compile(r"^.*[的指]")
_TRAILING = re.compile(r"(等|的|从事|在|对|为|所).*$")
_LEADING = re.compile(r"^(?:其|对|各类|各种|相关|有关|包括|含)")
MIN_MEMBERS = 2
SAME_MEMBER = 0.75   # character similarity at which two members are one (企事业单位 / 企业事业单位)
GAP = 2              # characters a rewording may put between a member's (配套设施 / 配套的设施)


@dataclass(frozen=True)
class ExtensionChange:
    """Members the knowledge base's definition has and the draft's lacks, and the reverse."""

    missing: list[str]
    extra: list[str]

    @property
    def kind(self) -> str:
        if self.missing and not self.extra:
            return "narrower"
        if self.extra and not self.missing:
            return "wider"
        return "different"

    def describe(self) -> str:
        parts = []
        if self.missing:
            parts.append("未包括“" + "、".join(self.missing) + "”")
        if self.extra:
            parts.append("另加了“" + "、".join(self.extra) + "”")
        word = {"narrower": "窄", "wider": "宽", "different": "不同"}[self.kind]
        return f"范围比已有定义{word}（" + "，".join(parts) + "）"


def members(definition: str) -> list[str]:
    """The members of the enumerations of a definition, in order (a list joined by 、 and, or only,
    by a conjunction: 国家机关和事业单位); none when it enumerates nothing."""
    out: list[str] = []
    for segment in _SEGMENTS.split(definition):
        if "、" not in segment and not _CONJUNCTIONS.search(segment):
            continue
        pieces = segment.split("、")
        pieces[0] = _QUALIFIED.sub("", pieces[0])
        items = [m for p in pieces for m in _CONJUNCTIONS.split(p)]
        items[-1] = _TRAILING.sub("", items[-1])
        items = [_LEADING.sub("", m.strip()) for m in items]
        out += [m for m in items if 2 <= len(m) <= 15]
    return list(dict.fromkeys(out))


def _has(items: list[str], member: str, text: str) -> bool:
    """Whether a definition with these members and this text names `member`: as one of its members,
    or in its words with at most GAP characters between the member's (配套设施 / 配套的设施设备)."""
    if any(member in m or m in member or similarity(member, m) >= SAME_MEMBER for m in items):
        return True
    return re.search(f".{{0,{GAP}}}".join(map(re.escape, member)), text) is not None


def extension_change(draft: str, known: str) -> ExtensionChange | None:
    """How the draft's definition enumerates other members than the knowledge base's, when both
    enumerate and share at least one member (they list the same kind of thing); None otherwise."""
    ours, theirs = members(draft), members(known)
    if len(ours) < MIN_MEMBERS or len(theirs) < MIN_MEMBERS:
        return None
    if not any(_has(theirs, m, known) for m in ours):
        return None
    missing = [m for m in theirs if not _has(ours, m, draft)]
    extra = [m for m in ours if not _has(theirs, m, known)]
    return ExtensionChange(missing, extra) if missing or extra else None
