"""How long a 30-question training set and a 自查表 take for the largest documents of the corpus.

    .venv/bin/python -m evaluation.bench_implement [--corpus ../shared/corpus] [--top 3] [--runs 3] \
        [--out docs/measurements/implement.json]

The largest documents by characters among the corpus's text files (.md, .txt): each is parsed once
(as `stdkb train FILE` does), then its checklist, a 30-question set and the files a trainer
downloads (试题.docx, 题库.xlsx, 自查表.xlsx) are built `--runs` times; the medians are reported.
The 文件题 draw on the titles of the corpus's manifest, as they would on the knowledge base's.
A benchmark, not a test: it depends on the machine and its load.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(func, runs: int):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return result, round(statistics.median(times), 3)


def measure(path: Path, titles: list[str], n: int, runs: int) -> dict:
    from analysis.implement.checklist import checklist
    from analysis.implement.render import checklist_xlsx, training_docx, training_xlsx
    from analysis.implement.training import training_set
    from ingest.parse import parse_file

    doc, parse_s = _timed(lambda: parse_file(path), 1)
    items, checklist_s = _timed(lambda: checklist(doc.title, doc.clauses), runs)
    paper, train_s = _timed(lambda: training_set(doc.title, items.items, n=n, other_titles=titles), runs)
    _, docx_s = _timed(lambda: training_docx(paper), runs)
    _, bank_s = _timed(lambda: training_xlsx(paper), runs)
    _, sheet_s = _timed(lambda: checklist_xlsx(items), runs)
    return {"document": doc.title, "file": str(path.relative_to(path.parents[1])), "characters": len(path.read_text("utf-8")),
            "clauses": len(doc.clauses), "checklist_items": len(items.items), "questions": len(paper.questions),
            "kinds": sorted({q.kind for q in paper.questions}), "parse_s": parse_s, "checklist_s": checklist_s,
            "train_s": train_s, "paper_docx_s": docx_s, "bank_xlsx_s": bank_s, "checklist_xlsx_s": sheet_s,
            "total_s": round(parse_s + checklist_s + train_s + docx_s, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    files = sorted((p for p in args.corpus.rglob("*") if p.suffix in (".md", ".txt")), key=lambda p: -p.stat().st_size)
    with open(args.corpus / "manifest.csv", encoding="utf-8") as fh:
        titles = sorted({row.get("title", "") for row in csv.DictReader(fh)} - {""})
    rows = [measure(p, titles, args.n, args.runs) for p in files[:args.top]]
    result = {"command": "python -m evaluation.bench_implement " + " ".join(argv or sys.argv[1:]), "n": args.n,
              "runs": args.runs, "documents": rows}
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
