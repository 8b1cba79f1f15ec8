"""Ingest benchmark over a whole corpus folder (default: ../shared/corpus), per embedder.

Reports documents, clauses, seconds, clauses/s and chars/s for parsing alone and, for each
embedder, for the full ingest into a new data directory: the seconds until every document answers
citations and keyword searches (`searchable_s`, the text phase), the seconds of each stage
(training the domain model, embedding), the embedder's bare throughput, and a re-ingest of the
unchanged corpus. The vector cache of the new directory is empty, so every passage is embedded.
Usage: .venv/bin/python evaluation/bench_ingest.py [CORPUS] [--embedders e5-small-int8 domain] [--out F.json]
Target on the 2-core reference machine: the shared corpus embedded with e5 in ≤ 6 minutes.
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
from ingest.collect import collect
from ingest.metadata import read_manifest  # noqa: E402
from ingest.parse import find_files, parse_file  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"))
    ap.add_argument("--embedders", nargs="+", default=["e5-small-int8", "domain"])
    ap.add_argument("--out")
    args = ap.parse_args()
    corpus = Path(args.corpus)

    t = time.perf_counter()
    manifest = read_manifest(corpus / "manifest.csv") if (corpus / "manifest.csv").exists() else {}
    docs = [parse_file(f, r, manifest.get(f.relative_to(r).as_posix())) for f, r in find_files([corpus])]
    parse_s = time.perf_counter() - t
    clauses = sum(len(d.clauses) for d in docs)
    chars = sum(len(c.text) for d in docs for c in d.clauses)

    result = {"documents": len(docs), "clauses": clauses, "chars": chars, "parse_seconds": round(parse_s, 2),
              "parse_clauses_per_s": round(clauses / parse_s), "parse_chars_per_s": round(chars / parse_s),
              "skipped": [], "embedders": {}}
    for embed_model in args.embedders:
        run, skipped = ingest_once(corpus, docs, embed_model)
        result["embedders"][embed_model] = run
        result["skipped"] = skipped
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


def ingest_once(corpus: Path, docs, embed_model: str) -> tuple[dict, list]:
    clauses = sum(len(d.clauses) for d in docs)
    chars = sum(len(c.text) for d in docs for c in d.clauses)
    stages: dict[str, float] = {}
    last = {"stage": None, "t": time.perf_counter()}

    def progress(stage: str, done: int, total: int) -> None:
        key = stage.split(":")[0]
        now = time.perf_counter()
        if last["stage"] != key:
            if last["stage"] is not None:
                stages[last["stage"]] = stages.get(last["stage"], 0.0) + now - last["t"]
            last["stage"], last["t"] = key, now

    with tempfile.TemporaryDirectory() as data:
        index = Index(data, embed_model=embed_model)
        t = time.perf_counter()
        searchable = {}

        def timed(stage: str, done: int, total: int) -> None:
            progress(stage, done, total)
            if stage == "indexing text" and done == total:
                searchable["s"] = time.perf_counter() - t

        report = index.upsert(*collect([corpus], progress=timed), progress=timed)
        ingest_s = time.perf_counter() - t
        if last["stage"]:
            stages[last["stage"]] = stages.get(last["stage"], 0.0) + time.perf_counter() - last["t"]
        embedder = index.embedder()
        texts = [c.text for d in docs for c in d.clauses][:2000]
        t = time.perf_counter()
        embedder.encode(texts)
        embed_s = time.perf_counter() - t
        t = time.perf_counter()
        again = index.upsert(*collect([corpus]))
        reingest_s = time.perf_counter() - t
        index.close()
    return {
        "embedder": report.embedder,
        "searchable_s": round(searchable.get("s", ingest_s), 2),
        "ingest_seconds": round(ingest_s, 2), "ingest_clauses_per_s": round(clauses / ingest_s),
        "ingest_chars_per_s": round(chars / ingest_s),
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "embedder_bare_texts_per_s": round(len(texts) / embed_s),
        "reingest_unchanged_seconds": round(reingest_s, 2), "reingest_written": again.clauses_written,
    }, [s.model_dump() for s in report.skipped]


if __name__ == "__main__":
    main()
