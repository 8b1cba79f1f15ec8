"""Ingest benchmark over a whole corpus folder (default: ../shared/corpus).

Reports documents, clauses, seconds, clauses/s and chars/s for parsing alone and for the full
ingest, plus the domain-embedding training time and the embedder's bare throughput, measured in
the same run. Usage: .venv/bin/python evaluation/bench_ingest.py [CORPUS] [--out results.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.index import Index  # noqa: E402
from ingest.metadata import read_manifest  # noqa: E402
from ingest.parse import find_files, parse_file  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"))
    ap.add_argument("--out")
    args = ap.parse_args()
    corpus = Path(args.corpus)

    t = time.perf_counter()
    manifest = read_manifest(corpus / "manifest.csv") if (corpus / "manifest.csv").exists() else {}
    docs = [parse_file(f, r, manifest.get(f.relative_to(r).as_posix())) for f, r in find_files([corpus])]
    parse_s = time.perf_counter() - t
    clauses = sum(len(d.clauses) for d in docs)
    chars = sum(len(c.text) for d in docs for c in d.clauses)

    stages: dict[str, float] = {}
    last = {"stage": None, "t": time.perf_counter()}

    def progress(stage: str, done: int, total: int) -> None:
        key = stage.split(":")[0]
        now = time.perf_counter()
        if last["stage"] is not None and key != last["stage"]:
            stages[last["stage"]] = stages.get(last["stage"], 0.0) + now - last["t"]
            last["t"] = now
        if last["stage"] != key:
            last["stage"], last["t"] = key, now

    with tempfile.TemporaryDirectory() as data:
        index = Index(data)
        t = time.perf_counter()
        report = index.ingest([corpus], progress=progress)
        ingest_s = time.perf_counter() - t
        if last["stage"]:
            stages[last["stage"]] = stages.get(last["stage"], 0.0) + time.perf_counter() - last["t"]
        embedder = index.embedder()
        texts = [c.text for d in docs for c in d.clauses][:5000]
        t = time.perf_counter()
        embedder.encode(texts)
        embed_s = time.perf_counter() - t
        t = time.perf_counter()
        again = index.ingest([corpus])
        reingest_s = time.perf_counter() - t
        index.close()

    result = {
        "documents": len(docs), "clauses": clauses, "chars": chars,
        "parse_seconds": round(parse_s, 2), "parse_clauses_per_s": round(clauses / parse_s),
        "parse_chars_per_s": round(chars / parse_s),
        "ingest_seconds": round(ingest_s, 2), "ingest_clauses_per_s": round(clauses / ingest_s),
        "ingest_chars_per_s": round(chars / ingest_s),
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "embedder": report.embedder,
        "embedder_bare_texts_per_s": round(len(texts) / embed_s),
        "reingest_unchanged_seconds": round(reingest_s, 2), "reingest_written": again.clauses_written,
        "skipped": [s.model_dump() for s in report.skipped],
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
