"""Score a gap analysis against a gold file (format of ../shared/drafts/*_gold.json).

A labelled clause is right when its label matches and, unless it is no_basis, one of its evidence
provisions is a gold (or also-acceptable) one — same document path and article. Missing
provisions and references are matched the same way. Flags (conflict, duplicate, missing) outside
the gold are counted as possible false flags: a person has to judge them. Our own golds
(evaluation/drafts/) may add `must_not` (a clause that must not get a label: a rule for another
kind of body is no conflict) and `more_references` (statuses the shared verifier does not know).
Usage: .venv/bin/python evaluation/gap_eval.py DRAFT GOLD --data-dir DIR [--out docs/measurements/gap-….json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _provisions(entry: dict) -> set[tuple[str, str]]:
    return {(e["path"], e["article"]) for e in entry.get("evidence", []) + entry.get("also_acceptable", [])} | \
        ({(entry["path"], entry["article"])} if "path" in entry else set())


def _reference_right(found: dict | None, gold: dict) -> bool:
    """Right status; a repealed reference must also name the successor the gold gives."""
    if not found or found["status"] != gold["expect"]:
        return False
    successor = (gold.get("current") or {}).get("path")
    return gold["expect"] != "repealed" or not successor or (found.get("current") or {}).get("source") == successor


def score(report: dict, gold: dict) -> dict:
    by_number = {c["number"]: c for c in report["clauses"]}
    clauses = {}
    for number, g in gold["clauses"].items():
        found = by_number.get(number)
        cited = {(e["source"], e["article"]) for e in found["evidence"]} if found else set()
        right_label = bool(found) and found["label"] == g["expect"]
        right_evidence = g["expect"] == "no_basis" or bool(cited & _provisions(g))
        clauses[number] = {"expect": g["expect"], "got": found["label"] if found else None,
                           "ok": right_label and right_evidence, "planted": bool(g.get("planted"))}
    reported_missing = {(m["source"], m["article"]) for m in report["missing"]}
    missing = {f"{m['title']} {m['article']}": bool(_provisions(m) & reported_missing) for m in gold["missing"]}
    # The list for the drafter to check (not findings, so not in the planted score): does it hold them?
    listed = {(m["source"], m["article"]) for m in report.get("to_check", [])}
    to_check = {f"{m['title']} {m['article']}": bool(_provisions(m) & listed) for m in gold["missing"]}
    refs = {r["cited"]: r for r in report["references"]}
    references = {g["cited"]: _reference_right(refs.get(g["cited"]), g)
                  for g in gold["references"] + gold.get("more_references", [])}
    must_not = {f'{m["clause"]} not {m["label"]}': by_number.get(m["clause"], {}).get("label") != m["label"]
                for m in gold.get("must_not", [])}
    structure_ok = report["structure"]["ok"] == gold["structure"]["expect_ok"] and \
        set(gold["structure"]["problems"]) <= set(report["structure"]["problems"])
    gold_flagged = {n for n, g in gold["clauses"].items() if g["expect"] in ("conflict", "duplicate")}
    clause_flags = [c["number"] for c in report["clauses"] if c["label"] in ("conflict", "duplicate")]
    extra_clause_flags = [n for n in clause_flags if n not in gold_flagged]
    unlabelled = [c["number"] for c in report["clauses"]
                  if c["number"] not in gold["clauses"] and c["number"] not in {m["clause"] for m in gold.get("must_not", [])}]
    gold_missing = set().union(*(_provisions(m) for m in gold["missing"])) if gold["missing"] else set()
    extra_missing = [f"{m['title']} {m['article']}" for m in report["missing"]
                     if (m["source"], m["article"]) not in gold_missing]
    flags = len(clause_flags) + len(report["missing"])
    planted = [ok for c in clauses.values() if c["planted"] for ok in [c["ok"]]] + list(missing.values()) + \
        [references[g["cited"]] for g in gold["references"] + gold.get("more_references", []) if g.get("planted")] + \
        list(must_not.values())
    return {
        "clauses_right": sum(c["ok"] for c in clauses.values()), "clauses": len(clauses),
        "planted_found": sum(planted), "planted": len(planted),
        "missing": missing, "to_check": to_check, "to_check_listed": len(listed), "references": references, "must_not": must_not, "structure_ok": structure_ok,
        "flags": flags, "flags_outside_gold": extra_clause_flags + extra_missing,
        "share_outside_gold": round(len(extra_clause_flags + extra_missing) / flags, 3) if flags else 0.0,
        "unlabelled_flagged": round(len([n for n in clause_flags if n in unlabelled]) / len(unlabelled), 3) if unlabelled else 0.0,
        "wrong": {n: c for n, c in clauses.items() if not c["ok"]},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("draft")
    ap.add_argument("gold")
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--out", help="also write the score, with the commit and timing, as a measurements file")
    args = ap.parse_args()
    import time

    from analysis.gap.gap import analyse_draft
    from api.settings import load_settings

    kb = load_settings(data_dir=Path(args.data_dir)).open_index()   # the embedder of STDKB_EMBED_MODEL
    kb.search("预热", k=1)
    started = time.perf_counter()
    report = analyse_draft(kb, args.draft).model_dump()
    seconds = round(time.perf_counter() - started, 1)
    print(f"analysis took {seconds} s", file=sys.stderr)
    gold = json.loads(Path(args.gold).read_text(encoding="utf-8"))
    scored = score(report, gold)
    print(json.dumps(scored, ensure_ascii=False, indent=1))
    if args.out:
        from evaluation.run_eval import commit, portable

        Path(args.out).write_text(json.dumps({
            "draft": args.draft, "gold": args.gold, "embedder": kb.embedder_description(), "seconds": seconds,
            "commit": commit(), "command": "evaluation/gap_eval.py " + portable(sys.argv[1:]), "score": scored,
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
