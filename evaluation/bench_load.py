"""Load benchmark: N concurrent clients searching a running server on loopback for a fixed time.

Starts `stdkb serve` on DATA_DIR in its own process (or uses --url), waits until /api/v1/ready,
then runs N client threads, each with its own keep-alive connection, sending the questions of a
questions file round-robin to GET /api/v1/search for --seconds. Reports throughput, latency
percentiles (whole request: HTTP, search, JSON) and errors (any non-200 or transport failure).
Usage: .venv/bin/python evaluation/bench_load.py DATA_DIR [--clients 8] [--seconds 30] [--url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_QUESTIONS = HERE.parent.parent / "shared" / "eval" / "dev.jsonl"


def start_server(data_dir: str, workers: int = 1) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    stdkb = Path(sys.executable).with_name("stdkb")
    proc = subprocess.Popen([str(stdkb), "serve", "--data-dir", data_dir, "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(url: str, timeout: float = 180) -> float:
    import httpx

    started = time.time()
    while time.time() - started < timeout:
        try:
            if httpx.get(url + "/api/v1/ready", timeout=2).status_code == 200:
                return time.time() - started
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server at {url} not ready after {timeout:.0f} s")


def run_load(url: str, queries: list[str], clients: int, seconds: float, k: int) -> dict:
    import httpx

    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[list[str]] = [[] for _ in range(clients)]
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            i = n
            while time.perf_counter() < stop:
                q = queries[i % len(queries)]
                i += clients
                t = time.perf_counter()
                try:
                    r = http.get("/api/v1/search", params={"q": q, "k": k})
                    if r.status_code != 200:
                        errors[n].append(f"HTTP {r.status_code}")
                except httpx.HTTPError as exc:
                    errors[n].append(type(exc).__name__)
                latencies[n].append((time.perf_counter() - t) * 1000)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    ms = np.array([x for per in latencies for x in per])
    all_errors = [e for per in errors for e in per]
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": int(ms.size),
            "throughput_rps": round(ms.size / elapsed, 1),
            "p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "p99_ms": round(float(np.percentile(ms, 99)), 1), "max_ms": round(float(ms.max()), 1),
            "errors": len(all_errors), "error_kinds": sorted(set(all_errors))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--questions", default=str(DEFAULT_QUESTIONS))
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--url", help="a server already running; otherwise one is started on DATA_DIR")
    ap.add_argument("--workers", type=int, default=1, help="server processes when the benchmark starts the server")
    args = ap.parse_args()
    queries = [json.loads(line)["query"] for line in Path(args.questions).read_text(encoding="utf-8").splitlines()
               if line.strip()]
    proc = None
    url = args.url
    if not url:
        proc, url = start_server(args.data_dir, args.workers)
    try:
        ready_s = wait_ready(url)
        for n in args.clients:
            result = run_load(url, queries, n, args.seconds, args.k)
            print(json.dumps({"ready_s": round(ready_s, 1), "workers": args.workers if proc else None, **result},
                             ensure_ascii=False), flush=True)
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
