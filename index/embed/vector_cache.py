"""Clause vectors by content, so unchanged text is never embedded twice.

A transformer encoder costs tens of milliseconds a passage on this machine, so a re-ingest, a
changed manifest row, a repair or switching back to a model used before must not pay it again.
Vectors are kept per (model fingerprint, sha256 of the exact text the model saw) in their own
SQLite file beside the catalogue. Losing or deleting the file loses nothing but time; an entry
is written only after its vector was computed, so a crash leaves it complete or absent.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

CACHE_FILE = "vector_cache.sqlite3"


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


# Rows hold a whole vector (1 KB at 256 dimensions), so they live in a rowid table, appended in
# order, with a small index on (model, key): a WITHOUT ROWID table clustered on the random text hash
# put every vector on its own overflow page (4.5 KB a row) and made each insert rewrite a random
# page (evaluation/bench_vector_cache.py: 1M vectors took 166 s and 4.5 GB; now 48 s and 1.4 GB).
TABLE = "clause_vectors"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS {TABLE}_key ON {TABLE}(model, key);
"""
OLD_TABLE = "vectors"   # the WITHOUT ROWID table of earlier versions, moved over once


class VectorCache:
    def __init__(self, path: Path, read_only: bool = False):
        uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
        self.read_only = read_only
        self._conn = None
        self._table = TABLE
        if read_only and not path.exists():
            return
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30, isolation_level=None)
        self._lock = threading.Lock()
        if read_only:
            self._table = self._readable_table()
            return
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("BEGIN IMMEDIATE")     # one process creates and moves, the others wait
        try:
            for statement in filter(str.strip, SCHEMA.split(";")):
                self._conn.execute(statement)
            moved = bool(self._conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                                            (OLD_TABLE,)).fetchone())
            if moved:
                self._conn.execute(f"INSERT OR IGNORE INTO {TABLE}(model, key, vector)"
                                   f" SELECT model, key, vector FROM {OLD_TABLE}")
                self._conn.execute(f"DROP TABLE {OLD_TABLE}")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        if moved:   # give back the old table's pages (a million vectors: 75 s to move, 10 s for this)
            self._conn.execute("VACUUM")

    def get(self, model: str, keys: list[bytes], dim: int) -> dict[bytes, np.ndarray]:
        if self._conn is None or not keys:
            return {}
        out: dict[bytes, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows = self._rows("SELECT key, vector FROM {table} WHERE model=? AND key IN "
                                  f"({','.join('?' * len(chunk))})", (model, *chunk))
                for key, blob in rows:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape[0] == dim:
                        out[key] = vec
        return out

    def _readable_table(self) -> str:
        """A reader of a file no writer has opened since the upgrade reads the old table as it is."""
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return next((t for t in (TABLE, OLD_TABLE) if t in tables), "")

    def _rows(self, sql: str, params: tuple) -> list:
        """`sql` on the table of vectors ({table}); a reader whose old table a writer has just moved
        looks again once, and a cache it cannot read is a miss, never an error."""
        for _ in range(2):
            if not self._table:
                return []
            try:
                return self._conn.execute(sql.format(table=self._table), params).fetchall()
            except sqlite3.OperationalError:
                if not self.read_only:
                    raise
                self._table = self._readable_table()
        return []

    def put(self, model: str, items: list[tuple[bytes, np.ndarray]]) -> None:
        if self._conn is None or self.read_only or not items:
            return
        with self._lock:
            self._conn.execute("BEGIN")
            self._conn.executemany(f"INSERT OR REPLACE INTO {TABLE}(model, key, vector) VALUES (?,?,?)",
                                   [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items])
            self._conn.execute("COMMIT")

    def count(self, model: str) -> int:
        if self._conn is None:
            return 0
        with self._lock:
            rows = self._rows("SELECT count(*) FROM {table} WHERE model=?", (model,))
            return rows[0][0] if rows else 0

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def encode_cached(embedder, cache: VectorCache, texts: list[str], progress=None) -> np.ndarray:
    """Passage vectors for `texts`: cached ones read back, the others computed (in batches, reporting
    `progress(done, total)`) and stored."""
    keys = [text_key(t) for t in texts]
    found = cache.get(embedder.fingerprint, list(dict.fromkeys(keys)), embedder.dim)
    missing = list(dict.fromkeys(i for i, k in enumerate(keys) if k not in found))
    step = max(embedder.batch_size * 32, 1)   # one encoder call sorts its texts by length: fewer pads
    for start in range(0, len(missing), step):
        batch = missing[start:start + step]
        vecs = embedder.encode([texts[i] for i in batch])
        cache.put(embedder.fingerprint, [(keys[i], v) for i, v in zip(batch, vecs)])
        for i, v in zip(batch, vecs):
            found[keys[i]] = v
        if progress is not None:
            progress(min(start + step, len(missing)), len(missing))
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([found[k] for k in keys]).astype(np.float32)
