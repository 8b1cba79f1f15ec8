"""What a sentence permits, requires, forbids or waives, and of whom: for conflicts that have no
number in them (草案“会议可安排高档菜肴”，而规定“不得超过规定的标准”) and for provisions written
for another kind of body (生产经营单位), which never make a conflict for a draft about 机关事务.

A statement is a modal verb with the act after it and the subject before it, within one sentence
or semicolon-separated part. Opposite statements on the same act conflict:
  draft permits or requires  ↔  provision forbids;
  draft forbids or waives     ↔  provision requires;
  draft permits or requires an act done one way ↔ provision requires it done the opposite way
  (`data/opposites.tsv`: 高档 ↔ 节俭).
Pure functions over text; `data/subjects.tsv` and `data/opposites.tsv` are the word lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.tables import read_table

DATA = Path(__file__).resolve().parent / "data"
# Longest first; lookarounds keep 可 out of 许可/可能/可靠 and 应 out of 供应/相应/应急.
MODALS = [
    ("forbid", r"不得|禁止|严禁|不应当|不应|不准|不许|不能"),
    ("waive", r"不必|无需|无须|可以不|可不"),
    ("require", r"应当|必须|(?<![供响适相对反效答呼感顺])应(?![急用对变答聘届])|须(?![知要])"),
    ("permit", r"可以|(?<![许认宁不])可(?![能靠持行视见信疑观])|允许|准许|有权"),
]
_MODAL = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in MODALS))
_PARTS = re.compile(r"[。；;！？\n]")
_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
OPPOSITE = {"permit": {"forbid"}, "require": {"forbid"}, "forbid": {"require"}, "waive": {"require"}}
# 不得低于二十六摄氏度 bounds a number (analysis/gap/quantities.py compares those), it forbids no act.
_COMPARATIVE = re.compile(r"^(少于|低于|高于|超过|多于|小于|大于|短于|长于)[^，,、]*\d|^(少于|低于|高于|多于|小于|大于)")


@dataclass(frozen=True)
class Statement:
    modality: str      # permit | require | forbid | waive
    subject: str       # the words before the modal verb in its part of the sentence
    act: str           # the words after it
    sentence: str      # the part of the sentence it was read from, as written
    addressee: str = ""  # the body the modal verb binds (被审计单位 in "审计机关进行审计时，被审计单位
                         # 不得拒绝"); "" when the sentence names no body (会议室应…)


def statements(text: str) -> list[Statement]:
    """Every modal verb of every part: "应当节俭安排用餐，不得超过规定的标准" is a requirement and a
    prohibition. The subject is what comes before the part's first modal verb. A part that names
    none, or only a condition ("（四）提供团体用餐服务的，应当…"), speaks of the subject named last
    before it: the items under "餐饮服务经营者应当采取下列措施：" bind the 餐饮服务经营者."""
    out = []
    carried = ""
    for part in _PARTS.split(text):
        part = part.strip()
        found = list(_MODAL.finditer(part))
        if not found:
            continue
        subject = part[:found[0].start()].strip("，,、 ")
        if len(subject) < 2 or subject.endswith("的") or _ITEM.match(subject):
            subject = f"{carried} {subject}".strip()
        else:
            carried = subject
        for m, following in zip(found, found[1:] + [None]):
            act = part[m.end():following.start() if following else len(part)].strip("，,、 ")
            if len(act) >= 2:
                out.append(Statement(m.lastgroup, subject, act, part, _addressee(part[:m.start()])))
    return out


_CLAUSE_BREAK = re.compile(r"[，,：:]")
# A body, as Chinese names one: its last character or word says it is a person or an organisation
# (申请人, 被审计单位, 审计机关, 住房公积金管理中心, 经营者). Things (会议室, 公务用车) are no body,
# and a body is named before any 的 or preposition: "闲置的办公用房经单位研究同意" binds no 单位.
_BODY = re.compile(r"^(?:经|由|对|向)?((?:(?![的经由对向在按将把])[\u4e00-\u9fff]){1,14}(人员|人(?!员)|单位|机关|机构|部门|政府|中心|法院|检察院|委员会|企业|组织|者))")


def _addressee(before: str) -> str:
    """The body a modal verb binds: the words right before it (after the last comma) when they
    name a body, or else the body the sentence opens with (申请人申请…的，应当…); "" when neither does."""
    right_before = _ITEM.sub("", _CLAUSE_BREAK.split(before)[-1].strip())
    m = _BODY.match(right_before)
    if m and m.end() == len(right_before):
        return m.group(1)
    m = _BODY.match(_ITEM.sub("", before.strip()))
    return m.group(1) if m else ""


def other_addressees(a: Statement, b: Statement) -> bool:
    """Whether two statements bind different bodies: a permission for 审计机关 says nothing against
    a prohibition for 被审计单位. Kinds of body decide when both name one (subjects.tsv); otherwise
    the word that makes each a body (机关 / 单位, 人 / 法院; 会议服务人员 and 工作人员 are both 人员).
    A statement naming no body (a standard's 会议室应…) binds whoever the rule binds."""
    if not a.addressee or not b.addressee:
        return False
    ka, kb = kinds(a.addressee), kinds(b.addressee)
    if ka and kb:
        return not (ka & kb)
    return _BODY.match(a.addressee).group(2) != _BODY.match(b.addressee).group(2)


@lru_cache(maxsize=1)
def subject_words() -> dict[str, str]:
    rows = read_table(DATA / "subjects.tsv", ["word", "kind", "source"], required=["word", "kind", "source"])
    return dict(sorted(((r["word"], r["kind"]) for r in rows), key=lambda x: -len(x[0])))


@lru_cache(maxsize=1)
def opposite_manners() -> list[tuple[set[str], set[str]]]:
    rows = read_table(DATA / "opposites.tsv", ["lavish", "frugal", "source"], required=["lavish", "frugal", "source"])
    return [(set(r["lavish"].split()), set(r["frugal"].split())) for r in rows]


@lru_cache(maxsize=1)
def antonyms() -> dict[str, list[str]]:
    """Each manner word and the words of its opposite manner (高档 → 节俭 节约 …, and back): a rule
    that requires 节俭 speaks of the very thing a draft's 高档 is about."""
    out: dict[str, list[str]] = {}
    for lavish, frugal in opposite_manners():
        for words, others in ((lavish, frugal), (frugal, lavish)):
            for w in words:
                out.setdefault(w, []).extend(sorted(others))
    return out


# Conjuncts of a subject: "机关、事业单位和大型企业", "县级以上人民政府及其有关部门".
_CONJUNCTION = re.compile(r"[、，,；;]|以及|或者|及其|和|与|及|或")


def kinds(text: str) -> set[str]:
    """The kinds of body `text` names, one per conjunct: its head, the kind word that ends last
    ("县级以上人民政府食品安全监督管理部门" is a 监督管理部门, not a 政府). Longest words first, so
    单位食堂 is not read as 单位."""
    found = set()
    for conjunct in _CONJUNCTION.split(text):
        heads = []   # (end, kind) of each kind word in the conjunct
        rest = conjunct
        for word, kind in subject_words().items():
            at = rest.find(word)
            while at >= 0:
                heads.append((at + len(word), kind))
                rest = rest[:at] + "\0" * len(word) + rest[at + len(word):]
                at = rest.find(word)
        if heads:
            found.add(max(heads)[1])
    return found


def binds_other_bodies(statement: Statement, document: str, draft_kinds: set[str]) -> bool:
    """True when the provision's subject (or, without one, its document: title and whom its 适用范围
    binds, scope.py) names only kinds of body the draft is not about: a rule for 生产经营单位 says
    nothing of a canteen run by a 机关."""
    if not draft_kinds:
        return False
    named = kinds(statement.subject) or kinds(document)
    return bool(named) and not (named & draft_kinds)


@lru_cache(maxsize=1)
def violation_words() -> tuple[str, ...]:
    return tuple(r["word"] for r in read_table(DATA / "violations.tsv", ["word"], required=["word"]))


def _violation(act: str) -> bool:
    return any(w in act for w in violation_words())


# "应当节俭，不上高档菜肴": a part of the act that opens with a negation says the manner is avoided.
_NEGATED = re.compile(r"^(不|没有|无|未|杜绝|禁止|严禁|避免|反对|防止|拒绝|谢绝)")


def _affirmed_parts(act: str) -> list[str]:
    return [part for part in re.split(r"[，,、；;]", act) if part and not _NEGATED.match(part.strip())]


def opposed(draft: Statement, provision: Statement) -> str:
    """"modality" or "manner" when the two say opposite things of an act, "" otherwise
    (whether it is the same act is the caller's question)."""
    if _COMPARATIVE.match(provision.act) or _COMPARATIVE.match(draft.act):
        return ""
    d, p = draft.modality, provision.modality
    # Forbidding a violation asks for the proper act: "不得迟延支付" agrees with "应及时支付", and a
    # draft's "不得超出标准提供" with a rule that requires the service.
    if (d, p) == ("require", "forbid") and _violation(provision.act) or (d, p) == ("forbid", "require") and _violation(draft.act):
        return ""
    if p in OPPOSITE.get(d, set()):
        return "modality"
    if draft.modality in ("permit", "require"):
        for lavish, frugal in opposite_manners():
            draft_lavish = any(w in part for part in _affirmed_parts(draft.act) for w in lavish)
            if draft_lavish and ((provision.modality == "require" and any(w in provision.act for w in frugal))
                                 or (provision.modality == "forbid" and any(w in provision.act for w in lavish))):
                return "manner"
    return ""
