"""Scale benchmark: how ingest, search, memory and view updates grow from 20k to a million clauses.

The corpus grows from the shared one by deterministic variation (evaluation/scale_corpus.py:
documents re-issued by other regions and years). For each size, in one data directory that grows
size by size:
  ingest      `stdkb ingest` of the documents added since the last size: seconds (cumulative, and
              the step's clauses/s), the peak RSS of the ingest process, disk per store;
  serving     `stdkb serve` started anew: seconds to the first answered search, search latency
              through HTTP for questions (p50/p95) and citations (p95), the server's RSS;
  update      one uploaded document replaced through the API: seconds from the upload until a
              search finds its new text (`update_visible_s`);
  rebuild     the keyword and dense views brought up to date after one changed document, as a
              server does (`rebuild_s`: the document list, titles and both views of the new
              generation, carried from the previous one); building them whole from the stores, as
              after a new embedder or a repair (`full_rebuild_s`); and, where the dense signal is
              approximate, its recall@50 against exact search;
and, between consecutive sizes, the growth exponent of each figure (log ratio / log size ratio:
1 is linear, n log n shows as slightly above 1).

Results are written to --out after every size; a run that is stopped resumes where it stopped
(sizes already in the file are skipped, documents already ingested are skipped by the ingest).
Embedder: by default the domain model trained once on the shared corpus (its passages encode at
about 7,000/s here); `--embed-model e5-small-int8` for the e5 figures at small sizes.

Usage: .venv/bin/python evaluation/bench_scale.py --sizes 20000 100000 --out FILE.json [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from evaluation.bench_load import start_server, wait_ready  # noqa: E402
from evaluation.scale_corpus import originals, sequence, write_copies  # noqa: E402

SHARED = HERE.parent.parent / "shared"
KEY = "bench-scale-key"
GROWTH = ("ingest_s", "search_p50_ms", "search_p95_ms", "citation_p95_ms", "serve_rss_mb", "ingest_rss_mb",
          "update_visible_s", "full_rebuild_s", "rebuild_s", "first_answer_s", "restart_first_answer_s", "disk_mb")


def run_measured(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stdout) of one child process."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)   # this child's own peak RSS, not the largest child's
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[:3])} failed ({proc.returncode}):\n{err.read()[-2000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def stdkb(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("stdkb")), *args]


def domain_model(work: Path, env: dict) -> str:
    """The domain model trained on the shared corpus (trained once, into work/model)."""
    link = work / "model" / "models" / "domain"
    if not link.exists():
        run_measured(stdkb("ingest", str(SHARED / "corpus"), "--data-dir", str(work / "model")),
                     {**env, "STDKB_EMBED_MODEL": "domain"})
    return str(link.resolve())


def clause_counts(data_dir: Path) -> dict[str, int]:
    """Clauses per manifest path of the shared corpus, as the data directory split them."""
    import csv

    with (SHARED / "corpus" / "manifest.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    path_of = {r["source"]: r["path"] for r in rows} | {r["path"]: r["path"] for r in rows}
    with sqlite3.connect(data_dir / "catalog.sqlite3") as db:
        return {path_of[s]: n for s, n in db.execute("SELECT source, clause_count FROM documents") if s in path_of}


def disk(data_dir: Path) -> dict[str, float]:
    def size(p: Path) -> float:
        files = [p] if p.is_file() else list(p.rglob("*")) if p.exists() else []
        return round(sum(f.stat().st_size for f in files if f.is_file()) / 2**20, 1)

    return {"catalogue": size(data_dir / "catalog.sqlite3") + size(data_dir / "catalog.sqlite3-wal"),
            "chroma": size(data_dir / "chroma"), "vector_cache": size(data_dir / "vector_cache.sqlite3"),
            "views": size(data_dir / "views")}


def questions() -> tuple[list[str], list[str]]:
    """Plain questions and citations to time: the dev questions, and citations of shared documents."""
    rows = [json.loads(line) for line in (SHARED / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line]
    plain = [r["query"] for r in rows if r["type"] != "clause_ref"]
    cites = [r["query"] for r in rows if r["type"] == "clause_ref"]
    cites += [f"机关事务管理条例第{n}条" for n in "一二三四五六七八九十"] + [f"公共机构节能条例第{n}条" for n in "一二三四五六七八九十"]
    return plain, cites


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(math.ceil(q / 100 * len(ordered))) - 1)]


FIRST = "公务用车什么情况下可以更新"


def _start_answering(data_dir: Path):
    """Start `stdkb serve`; (process, client, seconds until it answered its first search)."""
    import httpx

    started = time.perf_counter()
    proc, url = start_server(str(data_dir))
    try:
        wait_ready(url, timeout=1800)
        client = httpx.Client(base_url=url, timeout=600)
        client.get("/api/v1/search", params={"q": FIRST, "k": 10}).raise_for_status()
    except BaseException:
        proc.terminate()
        raise
    return proc, client, round(time.perf_counter() - started, 2)


def _stop(proc) -> None:
    proc.terminate()
    proc.wait(timeout=60)


def measure_serving(data_dir: Path, env: dict) -> dict:
    os.environ.update(env)
    proc, client, first_answer = _start_answering(data_dir)
    try:
        plain, cites = questions()
        timings: dict[str, list[float]] = {"plain": [], "cite": []}
        for kind, queries in (("plain", plain), ("cite", cites)):
            for q in queries:
                t = time.perf_counter()
                client.get("/api/v1/search", params={"q": q, "k": 10}).raise_for_status()
                timings[kind].append((time.perf_counter() - t) * 1000)
        rss = _rss_mb(proc.pid)
        update = measure_update(client)
        after_update = _rss_mb(proc.pid)
    finally:
        _stop(proc)
    # A restart finds the views the first server saved, brought up to date by the change log.
    proc, _, restart = _start_answering(data_dir)
    _stop(proc)
    return {"first_answer_s": first_answer, "restart_first_answer_s": restart,
            "search_p50_ms": round(percentile(timings["plain"], 50), 1),
            "search_p95_ms": round(percentile(timings["plain"], 95), 1),
            "citation_p95_ms": round(percentile(timings["cite"], 95), 1),
            "serve_rss_mb": rss, "update_visible_s": update, "serve_rss_after_update_mb": after_update}


def _rss_mb(pid: int) -> float:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return round(int(fields["VmHWM"].split()[0]) / 1024, 1)


def measure_update(client) -> float:
    """Replace one uploaded document through the API; seconds until a search finds the new text."""
    text = (SHARED / "corpus" / "行政法规" / "机关事务管理条例(2012-06-28).md").read_text(encoding="utf-8")
    headers = {"X-API-Key": KEY}
    for round_ in (1, 2):   # the first upload adds it; the second, timed, replaces it
        marker = f"规模基准更新标记{time.time_ns()}号"
        body = text.replace("第一条 为了加强机关事务管理", f"第一条 {marker}为了加强机关事务管理")
        started = time.perf_counter()
        client.post("/api/v1/documents", headers=headers,
                    files={"file": ("规模基准更新.md", body.encode(), "text/markdown")},
                    data={"title": "规模基准更新条例"}).raise_for_status()
        while time.perf_counter() - started < 600:
            hits = client.get("/api/v1/search", params={"q": marker, "k": 3}).json()["hits"]
            if any(marker in h["text"] for h in hits):
                break
            time.sleep(0.05)
        else:
            raise SystemExit("the replaced document never became visible")
    return round(time.perf_counter() - started, 2)


REBUILD = """
import json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from evaluation.bench_scale import questions
from index.index import Index
from ingest.collect import collect
from index.search.snapshot import Snapshot
ix = Index(sys.argv[1], embed_model=sys.argv[2])
s = ix._holder
t = time.perf_counter()
whole = Snapshot(s.catalog, s.vectors, s.catalog.generation(), eager=True, views=None)
full = time.perf_counter() - t
with tempfile.TemporaryDirectory() as tmp:
    rule = Path(tmp) / f"规模基准视图更新{time.time_ns()}.md"
    rule.write_text("# 规模基准视图更新规定\\n\\n第一条 会议结束后应当关闭空调和照明。\\n", encoding="utf-8")
    ix.upsert(*collect([rule]))
t = time.perf_counter()
after = Snapshot(s.catalog, s.vectors, s.catalog.generation(), eager=True, views=None, previous=whole)
carried = time.perf_counter() - t
assert after.keyword.touched and after.dense.touched, "the views were not carried forward by document"
dense = whole.dense.base
vectors = ix.embedder().encode(questions()[0], query=True)
print(json.dumps({"rebuild_s": round(carried, 3), "full_rebuild_s": round(full, 2),
                  "dense_approximate": dense.cells is not None,
                  "dense_recall_at_50": round(dense.recall(vectors, 50), 3)}))
"""


def measure_rebuild(data_dir: Path, env: dict, embed_model: str) -> dict:
    seconds, peak, out = run_measured([sys.executable, "-c", REBUILD, str(data_dir), embed_model, "",
                                       str(HERE.parent)], env)
    return {**json.loads(out.strip().splitlines()[-1]), "rebuild_rss_mb": round(peak, 1)}


def growth(results: list[dict]) -> None:
    """Each figure's growth exponent from the previous size, and that of n log n over the same step
    (`n_log_n`, about 1.08): a figure growing no faster has an exponent at most that."""
    for a, b in zip(results, results[1:]):
        ratio = math.log(b["clauses"] / a["clauses"])
        if not ratio:
            continue
        b["growth"] = {k: round(math.log(b[k] / a[k]) / ratio, 2) for k in GROWTH
                       if isinstance(a.get(k), (int, float)) and a.get(k) and b.get(k)}
        b["growth"]["n_log_n"] = round(1 + math.log(math.log(b["clauses"]) / math.log(a["clauses"])) / ratio, 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--data-dir", default="/tmp/stdkb-scale/data")
    ap.add_argument("--embed-model", default="", help="default: the domain model trained on the shared corpus")
    args = ap.parse_args()
    data_dir = Path(args.data_dir).resolve()
    work = data_dir.parent
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    env = {**os.environ, "STDKB_API_KEY": KEY, "STDKB_INGEST_NICE": "0", "STDKB_CHROMA_MODE": "persistent"}
    embed_model = args.embed_model or domain_model(work, env)
    name = args.embed_model or "domain (trained on the shared corpus)"
    env["STDKB_EMBED_MODEL"] = embed_model
    state_file = work / "ingest-state.json"
    # Seconds each step's ingest took; a resumed run that finds a step done keeps its first figure.
    steps = json.loads(state_file.read_text()) if state_file.exists() else {}

    def ingest(folder: Path, step: str) -> dict:
        seconds, peak, report = run_measured(stdkb("ingest", str(folder), "--data-dir", str(data_dir), "--json"), env)
        report = json.loads(report)
        if step not in steps or report["clauses_written"]:
            steps[step] = seconds
            state_file.write_text(json.dumps(steps))
        return {"seconds": seconds, "rss": peak, "report": report}

    ingest(SHARED / "corpus", "shared")
    with sqlite3.connect(data_dir / "catalog.sqlite3") as db:
        shared_clauses = db.execute("SELECT sum(clause_count) FROM documents").fetchone()[0]
    docs = originals(SHARED / "corpus", clause_counts(data_dir))
    done = 0
    for size in sorted(args.sizes):
        copies = sequence(docs, shared_clauses, size)
        if any(r["clauses"] >= size and r["embedder"] == name and r.get("target") == size for r in results):
            done = len(copies)
            continue
        folder = write_copies(SHARED / "corpus", copies[done:], work / "corpus" / f"upto-{size}")
        step = ingest(folder, f"upto-{size}")
        done = len(copies)
        with sqlite3.connect(data_dir / "catalog.sqlite3") as db:
            clauses = db.execute("SELECT count(*) FROM clauses").fetchone()[0]
        row = {"target": size, "clauses": clauses, "embedder": name, "ingest_s": round(sum(steps.values()), 1),
               "step_clauses_per_s": round(step["report"]["clauses_written"] / max(step["seconds"], 1e-9)),
               "ingest_rss_mb": round(step["rss"], 1), **measure_serving(data_dir, env),
               **measure_rebuild(data_dir, env, embed_model), "disk": disk(data_dir)}
        row["disk_mb"] = round(sum(row["disk"].values()), 1)
        results = [r for r in results if not (r.get("target") == size and r["embedder"] == name)] + [row]
        results.sort(key=lambda r: (r["embedder"], r["clauses"]))
        growth([r for r in results if r["embedder"] == name])
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
