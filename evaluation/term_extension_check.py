"""The extension check of term definitions (analysis/gap/extension.py) on definitions mined from the
knowledge base, with no draft in view.

    python -m evaluation.term_extension_check DATA_DIR [--show 10]

  - narrowed: every definition enumerating three or more members, with one member cut out (and
    its 、 or conjunction): the check must report it narrower;
  - unchanged: each definition against itself: nothing to report;
  - restated: two documents' definitions of one term, most characters shared (similarity ≥ 0.6),
    which are mostly one definition restated: what the check reports there is printed to be read.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
from collections import defaultdict
from pathlib import Path

from analysis.gap.drafting import _definition_text
from analysis.gap.extension import extension_change, members
from analysis.gap.similarity import similarity


def definitions(catalog) -> dict[str, list[tuple[str, str]]]:
    """term → (source, defining text) of current documents, from the catalog's term table."""
    rows = catalog._query("SELECT t.term, t.clause_id FROM terms t JOIN documents d ON d.source=t.source"
                          " WHERE d.state='complete' AND d.status IN ('现行有效', '')")
    found = catalog.clauses_by_id([r["clause_id"] for r in rows])
    out = defaultdict(list)
    for r in rows:
        if r["clause_id"] in found:
            clause, doc = found[r["clause_id"]]
            text = _definition_text(clause.text, r["term"]).split("\n")[0]
            out[r["term"]].append((doc.source, re.split(r"。", text)[0] + "。"))
    return out


def cut(text: str, member: str) -> str:
    """The definition without one member: its joining 、 or conjunction goes with it."""
    for pattern in (f"、{member}", f"{member}、", f"和{member}", f"及{member}", f"或者{member}", f"{member}和"):
        if pattern in text:
            return text.replace(pattern, "", 1)
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--show", type=int, default=10)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    from api.settings import load_settings
    from evaluation.run_eval import commit
    index = load_settings(data_dir=args.data_dir).open_index()
    defs = definitions(index.catalog)
    narrowed = caught = unchanged = quiet = 0
    restated, flagged = 0, []
    for term, rows in defs.items():
        for _source, text in rows:
            unchanged += 1
            quiet += extension_change(text, text) is None
            listed = members(text)
            if len(listed) >= 3:
                for m in listed:
                    short = cut(text, m)
                    if short == text:
                        continue
                    narrowed += 1
                    change = extension_change(short, text)
                    caught += change is not None and change.kind == "narrower"
        for (s1, t1), (s2, t2) in itertools.combinations(rows, 2):
            if s1 != s2 and t1 != t2 and similarity(t1, t2) >= 0.6:
                restated += 1
                change = extension_change(t1, t2)
                if change is not None:
                    flagged.append({"term": term, "a": t1[:90], "b": t2[:90], "says": change.describe()})
    report = {"narrowed": narrowed, "narrowed_reported": caught, "unchanged": unchanged,
              "unchanged_quiet": quiet, "restated_pairs": restated, "restated_reported": len(flagged)}
    report.update(commit=commit(), command="python -m evaluation.term_extension_check DIR",
                  restated_reported_sample=flagged[:5])
    print(json.dumps(report, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for f in flagged[: args.show]:
        print(json.dumps(f, ensure_ascii=False))
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
