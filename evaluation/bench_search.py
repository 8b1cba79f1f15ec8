"""Search latency benchmark: p50/p95/p99 of `Index.search`, warm, in one process.

Query embedding, keyword and dense retrieval, fusion and reading the hits back are all inside
the timed call. Queries: those of a questions file (default ../shared/eval/dev.jsonl), repeated.
The data directory must already hold the ingested corpus (`stdkb ingest … --data-dir DIR`).
With --http URL it times GET /api/v1/search on a running `stdkb serve` instead (one client,
keep-alive connection, JSON decoding included).
Usage: .venv/bin/python evaluation/bench_search.py DATA_DIR [--questions F] [--rounds N] [-k 10] [--http URL]
Target on the 2-core reference machine: p95 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.index import Index  # noqa: E402

DEFAULT_QUESTIONS = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir")
    ap.add_argument("--questions", default=str(DEFAULT_QUESTIONS))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--http", help="base URL of a running server, e.g. http://127.0.0.1:8000")
    args = ap.parse_args()
    queries = [json.loads(line)["query"] for line in Path(args.questions).read_text(encoding="utf-8").splitlines()
               if line.strip()]
    if args.http:
        import httpx

        client = httpx.Client(base_url=args.http, timeout=30)

        def search(q: str) -> None:
            client.get("/api/v1/search", params={"q": q, "k": args.k}).raise_for_status()
    else:
        index = Index(args.data_dir)

        def search(q: str) -> None:
            index.search(q, k=args.k)
    started = time.perf_counter()
    search(queries[0])   # loads the model and builds the in-memory views
    warmup = time.perf_counter() - started
    latencies = []
    for _ in range(args.rounds):
        for q in queries:
            t = time.perf_counter()
            search(q)
            latencies.append((time.perf_counter() - t) * 1000)
    ms = np.array(latencies)
    print(json.dumps({
        "queries": len(latencies), "k": args.k, "first_search_s": round(warmup, 2),
        "p50_ms": round(float(np.percentile(ms, 50)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2), "max_ms": round(float(ms.max()), 2),
        "mode": "http " + args.http if args.http else "in-process",
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
