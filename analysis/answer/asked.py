"""What a question asks for, and whether a clause holds it: a question for a number of years, a
period or an amount is not answered by a clause that states none (公务用车使用满几年可以更新？
against 公务用车按照规定年限更新); one asking who is responsible, by a clause naming no body; one
asking whether something may be done (能不能, 可以…吗), by a clause that neither permits nor forbids
that act (公务接待能不能安排宴请？ against 应当严格执行公务接待制度和标准). Such an answer must say
so instead of passing for one."""

from __future__ import annotations

import re

_NUMBER = r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百千万半]+)"
# (what is asked, its words in a question, what a sentence must hold to answer it)
ASKS = (
    ("年限", re.compile(r"几年|多少年|多少个?年头|年限"), re.compile(_NUMBER + r"\s*(?:个)?(?:年|周年)")),
    ("期限", re.compile(r"多长时间|多久|几天|几日|多少天|几个月|多少个?工作日|期限"),
     re.compile(_NUMBER + r"\s*(?:个)?(?:年|月|日|天|小时|工作日|周|分钟|h|min)|每(?:年|半年|季度|月|周|日|天)|年度|季度")),
    ("数值", re.compile(r"多少|几[次个人名度]|多大|多高|多低|多重|最[高低多少]"),
     re.compile(_NUMBER + r"|百分之")),
)
_BODY_ASKED = re.compile(r"由谁|谁来|谁负责|谁管|哪个(?:部门|机关|单位|机构)|哪些(?:部门|机关|单位|机构)|什么(?:部门|机关|机构)")
_BODY = re.compile(r"部门|机关|机构|政府|单位|委员会|管理局|办公厅|办公室|人员|负责人|主管")
# 能不能安排宴请, 可以出租吗, 要不要公开, 是否需要备案: the act asked about follows the marker.
_MAY_ASKED = re.compile(r"(?:能不能|可不可以|可否|能否|是否(?:可以|能|需要|应当|应该|允许)?|要不要|需不需要|用不用|"
                        r"允不允许|可以|能|允许|需要|应当|应该)(?P<act>[^？?。，,吗呢]{1,20})(?:吗|呢)?[？?]?$")
_WH = re.compile(r"什么|哪|谁|怎么|如何|怎样|多少|几")
_A_NOT_A = re.compile(r"能不能|可不可以|要不要|需不需要|用不用|允不允许")
_MODAL = re.compile(r"应当|应|不得|可以|可|禁止|严禁|必须|须|允许|无需|不需要|不应")
# Two characters of the act that say nothing of it on their own (安排宴请 is about 宴请).
_EMPTY = {"安排", "进行", "开展", "通过", "实行", "组织", "使用", "办理", "提供", "可以", "需要", "一下", "自己"}
NOT_STATED = {"年限": "条文未规定具体年限。", "期限": "条文未规定具体期限。", "数值": "条文未规定具体数值。",
              "主体": "条文未规定由哪个机关或部门负责。", "可否": "条文没有直接规定可否这样做。"}


def asked_for(question: str) -> str | None:
    """The kind of answer the question asks for (年限, 期限, 数值, 主体, 可否), or None for any other."""
    asked = next((kind for kind, words, _ in ASKS if words.search(question)), None)
    if asked:
        return asked
    if _BODY_ASKED.search(question):
        return "主体"
    # 应当遵循什么原则 asks for the principle, not whether: only a question without a wh-word, or in
    # the A-not-A form (能不能, 要不要), asks whether an act may be done.
    if _WH.search(question) and not _A_NOT_A.search(question):
        return None
    return "可否" if _MAY_ASKED.search(question.strip()) else None


def holds(kind: str, clause: str, question: str = "") -> bool:
    """Whether the clause states an answer of that kind: a number of years, a period, a number; a body;
    or, for 可否, a modal verb and the act the question asks about."""
    if kind == "主体":
        return bool(_BODY.search(clause))
    if kind == "可否":
        m = _MAY_ASKED.search(question.strip())
        act = m.group("act") if m else ""
        pairs = {act[i:i + 2] for i in range(len(act) - 1)} - _EMPTY
        return bool(_MODAL.search(clause)) and any(p in clause for p in pairs)
    return bool(next(pattern for k, _, pattern in ASKS if k == kind).search(clause))
