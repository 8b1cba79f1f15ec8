"""The vector cache's write path as an ingest uses it, at growing size: look up a batch of 500 new
text keys (all miss), then store their vectors. Compares the layout in use (index/embed/vector_cache.py:
a rowid table and an index on (model, key)) with the WITHOUT ROWID table of earlier versions.

Usage: .venv/bin/python evaluation/bench_vector_cache.py --rows 1000000 [--dim 256] [--out FILE.json]
Prints, per layout, seconds per 100,000 vectors as the file grows, the total and the file size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.embed.vector_cache import VectorCache  # noqa: E402

BATCH = 500
MODEL = "/srv/stdkb/models/domain"   # a model path as long as a real one: it is stored in every row


class OldLayout:
    """The earlier schema, written the same way, for comparison."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("CREATE TABLE vectors (model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL,"
                          " PRIMARY KEY (model, key)) WITHOUT ROWID")

    def get(self, model, keys, dim):
        return self.conn.execute(f"SELECT key, vector FROM vectors WHERE model=? AND key IN "
                                 f"({','.join('?' * len(keys))})", (model, *keys)).fetchall()

    def put(self, model, items):
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?,?,?)",
                              [(model, k, v.tobytes()) for k, v in items])
        self.conn.execute("COMMIT")


def run(layout: str, rows: int, dim: int, folder: Path) -> dict:
    path = folder / f"{layout}.sqlite3"
    cache = VectorCache(path) if layout == "current" else OldLayout(path)
    vector = np.random.default_rng(0).standard_normal(dim).astype(np.float32)
    per_100k, started = [], time.perf_counter()
    last = started
    for i in range(0, rows, BATCH):
        keys = [hashlib.sha256(str(j).encode()).digest() for j in range(i, i + BATCH)]
        cache.get(MODEL, keys, dim)
        cache.put(MODEL, [(k, vector) for k in keys])
        if (i + BATCH) % 100_000 == 0:
            now = time.perf_counter()
            per_100k.append(round(now - last, 2))
            last = now
    return {"layout": layout, "rows": rows, "seconds_per_100k": per_100k,
            "total_s": round(time.perf_counter() - started, 1), "file_mb": round(path.stat().st_size / 2**20)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = [run(layout, args.rows, args.dim, Path(tmp)) for layout in ("current", "old")]
    text = json.dumps(results, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
