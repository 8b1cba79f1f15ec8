"""The gap analysis's conflict label on pairs mined from the corpus by editing only the operator,
no draft in view (issue 30).

    python -m evaluation.relation_check DATA_DIR [-n 150] [--seed 0] [--out FILE]

A one-sentence provision of a national law, regulation or rule that forbids (不得X) or requires
(应当Y) is taken as a draft clause three ways:
  - as written: the analysis must not call it a conflict (it is the provision itself);
  - 不得X → 可以X, and 应当Y → 可以不Y: a clause permitting what the provision forbids, or waiving
    what it requires: the analysis must call it a conflict, with the provision among the evidence.
Reported: the share of each. Nothing here is fitted; it measures.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from analysis.gap.gap import label_clause
from index.search.filters import SearchFilters
from ingest.models import Status

LEVELS = ("法律", "行政法规", "部门规章")
ONE_SENTENCE = re.compile(r"^[^。；;！？\n]{15,90}。?$")
EDITS = (("forbid", "不得", "可以"), ("require", "应当", "可以不"))


def mine(index, n: int, seed: int) -> list[dict]:
    """Up to n provisions of each kind: one sentence, one modal verb, its subject named before it."""
    rows = {kind: [] for kind, _, _ in EDITS}
    for clause, doc in index.catalog.iter_clauses():
        if doc.level not in LEVELS or doc.status not in ("现行有效", ""):
            continue
        text = clause.text.strip()
        if not ONE_SENTENCE.match(text):
            continue
        for kind, word, _ in EDITS:
            if text.count(word) == 1 and sum(text.count(w) for w in ("不得", "应当", "可以", "禁止", "必须")) == 1 \
                    and text.find(word) >= 4:
                rows[kind].append({"id": clause.id, "title": doc.title, "article": clause.label, "text": text})
    rng = random.Random(seed)
    out = []
    for kind, word, edit in EDITS:
        rng.shuffle(rows[kind])
        out += [dict(r, kind=kind, edited=r["text"].replace(word, edit, 1)) for r in rows[kind][:n]]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("-n", type=int, default=150)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    from api.settings import load_settings
    from evaluation.run_eval import commit
    index = load_settings(data_dir=args.data_dir).open_index()
    filters = SearchFilters(status=[Status.CURRENT])
    pairs = mine(index, args.n, args.seed)
    tally: dict[str, dict[str, int]] = {}
    misses = []
    for p in pairs:
        t = tally.setdefault(p["kind"], {"pairs": 0, "as_written_conflict": 0, "edited_conflict": 0,
                                          "edited_conflict_citing_it": 0})
        t["pairs"] += 1
        same = label_clause(index, "1", p["text"], filters, [])
        t["as_written_conflict"] += same.label == "conflict"
        edited = label_clause(index, "1", p["edited"], filters, [])
        t["edited_conflict"] += edited.label == "conflict"
        cited = edited.label == "conflict" and any(e.id == p["id"] or e.id.startswith(p["id"]) for e in edited.evidence)
        t["edited_conflict_citing_it"] += cited
        if not cited:
            misses.append({"edited": p["edited"], "label": edited.label, "from": f"{p['title']}{p['article']}"})
    report = {"pairs": tally, "commit": commit(), "command": "python -m evaluation.relation_check DIR " + f"-n {args.n} --seed {args.seed}",
              "misses_sample": misses[:15]}
    text = json.dumps(report, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
