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


class VectorCache:
    def __init__(self, path: Path, read_only: bool = False):
        uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
        self.read_only = read_only
        self._conn = None
        if read_only and not path.exists():
            return
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30, isolation_level=None)
        self._lock = threading.Lock()
        if not read_only:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, key BLOB NOT NULL,"
                               " vector BLOB NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID")

    def get(self, model: str, keys: list[bytes], dim: int) -> dict[bytes, np.ndarray]:
        if self._conn is None or not keys:
            return {}
        out: dict[bytes, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows = self._conn.execute(f"SELECT key, vector FROM vectors WHERE model=? AND key IN "
                                          f"({','.join('?' * len(chunk))})", (model, *chunk)).fetchall()
                for key, blob in rows:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape[0] == dim:
                        out[key] = vec
        return out

    def put(self, model: str, items: list[tuple[bytes, np.ndarray]]) -> None:
        if self._conn is None or self.read_only or not items:
            return
        with self._lock:
            self._conn.execute("BEGIN")
            self._conn.executemany("INSERT OR REPLACE INTO vectors(model, key, vector) VALUES (?,?,?)",
                                   [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items])
            self._conn.execute("COMMIT")

    def count(self, model: str) -> int:
        if self._conn is None:
            return 0
        with self._lock:
            return self._conn.execute("SELECT count(*) FROM vectors WHERE model=?", (model,)).fetchone()[0]

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
