"""Search latency benchmark: p50/p95/p99 of `Index.search`, warm, in one process.

Query embedding, keyword and dense retrieval, fusion and reading the hits back are all inside
the timed call. Queries: those of a questions file (default ../shared/eval/dev.jsonl), repeated;
each round appends one more "？" to every query, so the query-vector cache never answers and the
encoder is timed every time (punctuation changes no keyword and no citation). Each data directory must already hold the ingested
corpus and is opened with the embedder its manifest names, so e5 and the domain model can be
timed side by side in one run: `bench_search.py DIR_E5 DIR_DOMAIN`.
With --http URL it times GET /api/v1/search on a running `stdkb serve` instead (one client,
keep-alive connection, JSON decoding included).
Usage: .venv/bin/python evaluation/bench_search.py DATA_DIR [DATA_DIR…] [--questions F] [--rounds N] [-k 10] [--http URL]
Target on the 2-core reference machine: p95 ≤ 40 ms in process, ≤ 60 ms over HTTP.
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
    ap.add_argument("data_dirs", nargs="+")
    ap.add_argument("--questions", default=str(DEFAULT_QUESTIONS))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--http", help="base URL of a running server, e.g. http://127.0.0.1:8000")
    args = ap.parse_args()
    queries = [json.loads(line)["query"] for line in Path(args.questions).read_text(encoding="utf-8").splitlines()
               if line.strip()]
    for data_dir in args.data_dirs:
        print(json.dumps(bench(Path(data_dir), queries, args), ensure_ascii=False))


def bench(data_dir: Path, queries: list[str], args) -> dict:
    embed_model = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8")).get("embed_model", "domain")
    if args.http:
        import httpx

        client = httpx.Client(base_url=args.http, timeout=30)

        def search(q: str) -> None:
            client.get("/api/v1/search", params={"q": q, "k": args.k}).raise_for_status()
    else:
        index = Index(data_dir, embed_model=embed_model)

        def search(q: str) -> None:
            index.search(q, k=args.k)
    started = time.perf_counter()
    search(queries[0])   # loads the model and builds the in-memory views
    warmup = time.perf_counter() - started
    latencies = []
    for n in range(args.rounds):
        for q in queries:
            q = q + "？" * n    # a new text each round: the searcher's query-vector cache must not answer
            t = time.perf_counter()
            search(q)
            latencies.append((time.perf_counter() - t) * 1000)
    ms = np.array(latencies)
    return {"data_dir": str(data_dir), "embedder": embed_model, "queries": len(latencies), "k": args.k,
            "first_search_s": round(warmup, 2),
            "p50_ms": round(float(np.percentile(ms, 50)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2),
            "p99_ms": round(float(np.percentile(ms, 99)), 2), "max_ms": round(float(ms.max()), 2),
            "mode": "http " + args.http if args.http else "in-process"}


if __name__ == "__main__":
    main()
