"""How long a one-shot `stdkb search` and `stdkb clause` take, each in a fresh process.

    .venv/bin/python evaluation/bench_cli.py DATA_DIR [--runs 5] [--out FILE.json]

The first run of each command may build and save the search views (index/search/view_cache.py); it is
reported apart as "cold", the others as "warm" (the case the issue's 1.5 s target is about).
A benchmark, not a test: its figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 1.5
COMMANDS = {
    "search": ["search", "公务用车什么情况下可以更新？", "-k", "5"],
    "clause": ["clause", "机关事务管理条例第十条"],
}


def run_once(stdkb: str, args: list[str], data_dir: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "STDKB_URL"}   # local, never a server
    started = time.perf_counter()
    subprocess.run([stdkb, *args, "--data-dir", str(data_dir)], check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def bench(data_dir: Path, runs: int, stdkb: str) -> dict:
    report = {}
    for name, args in COMMANDS.items():
        cold = run_once(stdkb, args, data_dir)
        warm = sorted(run_once(stdkb, args, data_dir) for _ in range(runs))
        report[name] = {"cold_s": round(cold, 2), "warm_median_s": round(statistics.median(warm), 2),
                        "warm_max_s": round(warm[-1], 2), "target_s": TARGET_S,
                        "meets_target": statistics.median(warm) < TARGET_S}
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--stdkb", default=str(Path(sys.executable).with_name("stdkb")))
    args = parser.parse_args(argv)
    report = bench(args.data_dir, args.runs, args.stdkb)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
