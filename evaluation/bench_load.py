"""Load benchmark: N concurrent clients searching a running server on loopback for a fixed time.

Starts `stdkb serve` on DATA_DIR in its own process (or uses --url), waits until /api/v1/ready,
then runs N client threads, each with its own keep-alive connection, sending the questions of a
questions file round-robin to GET /api/v1/search for --seconds. Reports throughput, latency
percentiles (whole request: HTTP, search, JSON) and errors (any non-200 or transport failure).

With --with-ingest N, each client count runs twice: idle, then with one `stdkb ingest` process
writing into the same data directory the whole time (N documents of the corpus, edited before
each pass so that every pass replaces them). The second line reports the ingest passes and the
p95 as a multiple of the idle p95.
Usage: .venv/bin/python evaluation/bench_load.py DATA_DIR [--clients 8] [--seconds 30] [--with-ingest 20]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_QUESTIONS = HERE.parent.parent / "shared" / "eval" / "dev.jsonl"
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"


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


def httpx_get(url: str) -> None:
    import httpx

    httpx.get(url, timeout=60)


def ingest_folder(corpus: Path, target: Path, count: int, seed: int = 1) -> Path:
    """Copy `count` text documents of the corpus (same relative paths, their manifest rows) to `target`."""
    files = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*.md"))
    chosen = random.Random(seed).sample(files, count)
    for rel in chosen:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus / rel, target / rel)
    with open(corpus / "manifest.csv", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if r["path"] in chosen]
        fields = reader.fieldnames
    with open(target / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return target


def ingest_while(data_dir: str, folder: Path, stop: threading.Event, out: dict) -> None:
    """One ingest process after another until `stop`; each pass edits the documents so it replaces them."""
    stdkb = Path(sys.executable).with_name("stdkb")
    passes = 0
    while not stop.is_set():
        passes += 1
        for path in folder.rglob("*.md"):
            text = path.read_text(encoding="utf-8").rstrip("\n").rsplit("\n校对记录", 1)[0]
            # A mark no earlier pass or run wrote, so that the store always holds something older.
            path.write_text(text + f"\n校对记录：{time.time_ns()}。\n", encoding="utf-8")
        done = subprocess.run([str(stdkb), "ingest", str(folder), "--data-dir", data_dir, "--json"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            out.setdefault("ingest_errors", []).append(done.stderr.strip()[-300:])
        else:
            report = json.loads(done.stdout)
            out["documents_replaced"] = out.get("documents_replaced", 0) + report["documents_replaced"]
    out["ingest_passes"] = passes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--questions", default=str(DEFAULT_QUESTIONS))
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--url", help="a server already running; otherwise one is started on DATA_DIR")
    ap.add_argument("--workers", type=int, default=1, help="server processes when the benchmark starts the server")
    ap.add_argument("--with-ingest", type=int, default=0, metavar="N",
                    help="also measure each client count with one ingest of N corpus documents running throughout")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="where --with-ingest takes its documents")
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
            idle = run_load(url, queries, n, args.seconds, args.k)
            print(json.dumps({"ready_s": round(ready_s, 1), "workers": args.workers if proc else None,
                              "ingest": False, **idle}, ensure_ascii=False), flush=True)
            if args.with_ingest:
                import tempfile

                folder = ingest_folder(Path(args.corpus), Path(tempfile.mkdtemp(prefix="stdkb-bench-ingest-")),
                                       args.with_ingest)
                stop, ingest = threading.Event(), {}
                writer = threading.Thread(target=ingest_while, args=(args.data_dir, folder, stop, ingest))
                writer.start()
                busy = run_load(url, queries, n, args.seconds, args.k)
                stop.set()
                writer.join()
                shutil.rmtree(folder, ignore_errors=True)
                # Let the server catch up with the last writes, so the next idle run is idle.
                time.sleep(4)
                httpx_get(url + "/api/v1/search?q=机关事务")
                time.sleep(6)
                print(json.dumps({"ingest": True, **busy, **ingest,
                                  "p95_vs_idle": round(busy["p95_ms"] / max(idle["p95_ms"], 1e-9), 2)},
                                 ensure_ascii=False), flush=True)
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
