"""Is every question of a training set decided by its clause's own text? Checked here from the
clause, independently of analysis/implement/training.py and analysis/gap/quantities.py, over every
document of a corpus (tests/test_checklist.py checks three documents with the same rules).

    python -m evaluation.training_check [CORPUS] --out docs/measurements/training-check.json

A question passes when its proof is a sentence of its clause and:
- 判断题: 正确 exactly when the statement is a sentence of the clause; a false one with a changed
  number is not implied by the true one (不少于3次 holds 不少于2次);
- 填空题: the answer put in the blank gives back the proof;
- 单选题: exactly one of four different options gives back the proof, and no wrong option is one
  the clause allows (under 不少于3次, 5次 complies);
- 文件题: the answer is among four options.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path

BLANK = "（    ）"
_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"
_LOWER = re.compile(r"(?:不少于|不低于|至少|不得少于|不得低于|不应少于|不应低于)\s*" + _NUMBER)
_UPPER = re.compile(r"(?:不超过|不得超过|不高于|不得高于|最多|不应超过)\s*" + _NUMBER)
_AFTER = re.compile(_NUMBER + r"\s*(?:个工作日|工作日|小时|h|日|天|个月|年|次|人|名|g|℃)\s*(以上|以内|以下|内|前)")


def clause_sentences(clauses) -> dict[str, list[str]]:
    """Each clause label's sentences, cut at 。 ； and line ends."""
    out: dict[str, list[str]] = {}
    for c in clauses:
        out.setdefault(c.label, []).extend(s.strip() for s in re.split(r"(?<=[。；])|\n", c.text) if s and s.strip())
    return out


def bound(sentence: str, number: str) -> str:
    """Which way `number` binds in `sentence`: "min", "max" or "exact"."""
    for pattern, kind in ((_LOWER, "min"), (_UPPER, "max")):
        if any(m.group(1) == number for m in pattern.finditer(sentence)):
            return kind
    for m in _AFTER.finditer(sentence):
        if m.group(1) == number:
            return "min" if m.group(2) in ("以上", "前") else "max"
    return "exact"


def value(text: str) -> float:
    from ingest.numerals import cn_to_int

    return float(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else float(cn_to_int(text))


def changed_number(stem: str, proof: str) -> tuple[str, str] | None:
    """(number in the proof, number in the stem) where the stem differs from the proof only there."""
    for m in re.finditer(_NUMBER, proof):
        for n in re.finditer(_NUMBER, stem):
            if proof[:m.start()] == stem[:n.start()] and proof[m.end():] == stem[n.end():] and m.group() != n.group():
                return m.group(), n.group()
    return None


def problems(q, sentences: list[str]) -> list[str]:
    """What is wrong with question `q` by the sentences of its clause; [] when it is decided by them."""
    if q.proof not in sentences:
        return ["the proof is no sentence of the clause"]
    out = []
    if q.kind == "判断题":
        if (q.answer == "正确") != (q.stem in sentences):
            out.append("正确 is not the same as being a sentence of the clause")
        if q.answer == "错误":
            changed = changed_number(q.stem, q.proof)
            if changed:
                kind, (was, now) = bound(q.proof, changed[0]), map(value, changed)
                if (kind == "min" and now < was) or (kind == "max" and now > was):
                    out.append("the false statement is implied by the true one")
    elif q.kind == "填空题":
        if q.stem.replace(BLANK, q.answer) != q.proof:
            out.append("the answer in the blank does not give back the proof")
    elif q.kind == "单选题":
        supported = [o for o in q.options if q.stem.replace(BLANK, o, 1).replace(" ", "") == q.proof.replace(" ", "")]
        if supported != [q.answer] or len(set(q.options)) != len(q.options) or len(q.options) != 4:
            out.append("not exactly one of four different options gives back the proof")
        number = re.match(_NUMBER, q.answer)
        if number is None:
            out.append("the answer is no number")
        else:
            kind, right = bound(q.proof, number.group()), value(number.group())
            for wrong in (o for o in q.options if o != q.answer):
                found = re.match(_NUMBER, wrong)
                v = value(found.group()) if found else None
                if v is not None and ((kind == "min" and v > right) or (kind == "max" and v < right)):
                    out.append(f"the wrong option {wrong} is one the clause allows")
    elif q.answer not in q.options or len(q.options) != 4:
        out.append("the answer is not among four options")
    return out


def main() -> None:
    from analysis.implement.checklist import checklist
    from analysis.implement.training import training_set
    from ingest.collect import collect

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"))
    ap.add_argument("-n", type=int, default=30)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    started = time.time()
    documents, _ = collect([Path(args.corpus)])
    others = sorted({d.title for d in documents})
    kinds, failing = Counter(), []
    for doc in documents:
        questions = training_set(doc.title, checklist(doc.title, doc.clauses).items, n=args.n,
                                 other_titles=others).questions
        text = clause_sentences(doc.clauses)
        for q in questions:
            kinds[q.kind] += 1
            if found := problems(q, text.get(q.citation.article, [])):
                failing.append({"document": doc.source, "kind": q.kind, "stem": q.stem, "problems": found})
    report = {"corpus": "../shared/corpus", "documents": len(documents), "questions": sum(kinds.values()),
              "kinds": dict(kinds), "failing": failing, "seconds": round(time.time() - started, 1),
              "command": f"python -m evaluation.training_check --out {args.out}"}
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{report['documents']} documents, {report['questions']} questions, {len(failing)} not decided by their clause")


if __name__ == "__main__":
    main()
