"""Log-log plot of evaluation/bench_scale.py's results (latency, memory and time against clauses),
and the same results as the Markdown table the README shows.

Usage: .venv/bin/python evaluation/plot_scale.py RESULTS.json OUT.png   (needs `pip install -e .[bench]`)
A straight line of slope 1 is linear growth; the dotted guide in each panel has slope 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PANELS = (
    ("search latency (ms)", (("search_p50_ms", "questions p50"), ("search_p95_ms", "questions p95"),
                             ("citation_p95_ms", "citations p95"))),
    ("memory (MB)", (("serve_rss_mb", "serving process, peak"), ("ingest_rss_mb", "ingest process, peak"),
                     ("disk_mb", "disk, all stores"))),
    ("time (s)", (("ingest_s", "ingest, cumulative"), ("full_rebuild_s", "views built whole"),
                  ("rebuild_s", "views after one changed document"),
                  ("update_visible_s", "one changed document visible"), ("first_answer_s", "start to first answer"))),
)


def plot(results: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(results, key=lambda r: r["clauses"])
    sizes = [r["clauses"] for r in rows]
    fig, axes = plt.subplots(1, len(PANELS), figsize=(15, 4.6))
    for ax, (title, series) in zip(axes, PANELS):
        for key, label in series:
            points = [(r["clauses"], r[key]) for r in rows if r.get(key)]
            if points:
                ax.plot(*zip(*points), marker="o", label=label)
        lo, hi = min(sizes), max(sizes)
        ymin = ax.get_ylim()[0] if ax.lines else 1
        ax.plot([lo, hi], [ymin, ymin * hi / lo], ":", color="grey", label="slope 1 (linear)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("clauses")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"stdkb at scale on 2 cores — embedder: {rows[0]['embedder']}", fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


COLUMNS = (("clauses", "clauses"), ("ingest_s", "ingest s (cumulative)"), ("step_clauses_per_s", "ingest clauses/s"),
           ("ingest_rss_mb", "ingest RSS MB"), ("first_answer_s", "first answer s"),
           ("restart_first_answer_s", "restart s"), ("search_p50_ms", "questions p50 ms"),
           ("search_p95_ms", "questions p95 ms"), ("citation_p95_ms", "citations p95 ms"),
           ("serve_rss_mb", "serve RSS MB"), ("update_visible_s", "update visible s"), ("rebuild_s", "views updated s"),
           ("full_rebuild_s", "views built whole s"),
           ("dense_recall_at_50", "dense recall@50"), ("disk_mb", "disk MB"))


def table(results: list[dict]) -> str:
    rows = sorted(results, key=lambda r: r["clauses"])
    lines = ["| " + " | ".join(label for _, label in COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join(_cell(r.get(key)) for key, _ in COLUMNS) + " |")
    last = rows[-1].get("growth", {})
    reference = f" (n log n: {last['n_log_n']:.2f})" if "n_log_n" in last else ""
    lines.append(f"| growth exponent, last step{reference} | " + " | ".join(
        f"{last[key]:.2f}" if key in last else "" for key, _ in COLUMNS[1:]) + " |")
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 1 else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


if __name__ == "__main__":
    results = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    plot(results, Path(sys.argv[2]))
    print(table(results))
