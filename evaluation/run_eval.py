"""`stdkb eval` into a measurements file: the same report, with the commit and command that made it.

    STDKB_EMBED_MODEL=e5-small-int8 .venv/bin/python -m evaluation.run_eval evaluation/heldout/questions.jsonl \\
        --data-dir DIR --out docs/measurements/retrieval-heldout.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commit() -> str:
    """The checkout's commit, with `+` when the working tree differs from it."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return head + ("+" if dirty else "")


def main() -> None:
    from analysis.evaluate.report import evaluate
    from api.cli.progress import ProgressBar
    from api.settings import load_settings

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("questions")
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-baselines", action="store_true")
    args = ap.parse_args()
    settings = load_settings(data_dir=Path(args.data_dir))
    kb = settings.open_index()
    report = evaluate(kb, Path(args.questions), corpus=settings.corpus, baselines=not args.no_baselines,
                      progress=ProgressBar())
    kb.close()
    # Settings that change the ranking go into the command, so that it says how to make the file again.
    prefix = ("" if settings.synonyms else "STDKB_SYNONYMS=off ") + ("" if settings.query_adapter else "STDKB_QUERY_ADAPTER=off ")
    report.update(commit=commit(), synonyms=settings.synonyms, query_adapter=settings.query_adapter,
                  command=prefix + "python -m evaluation.run_eval " + portable(sys.argv[1:]))
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def portable(argv: list[str]) -> str:
    """The command as anyone would type it: the data directory is the reader's own."""
    return " ".join("DIR" if i and argv[i - 1] == "--data-dir" else a for i, a in enumerate(argv))


if __name__ == "__main__":
    main()
