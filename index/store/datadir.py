"""The data directory: where the stores live, what it says about itself, and who may write it.

`manifest.json` records the schema, the embedder (name, dimension, fingerprint), the dictionary
version and whether vectors are stale, so opening a directory built differently raises
IndexMismatch instead of returning wrong results. One ingest at a time holds `ingest.lock`.

A directory that cannot be written (read-only mount, no permission, full disk) is opened from a
private snapshot of its stores, because Chroma has no read-only client (chroma-core/chroma#1438):
searches work, writes raise StorageError.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path

from index.errors import IndexMismatch, IngestBusy, StorageError
from index.store.storage import storage_problem, write_problem

SCHEMA_VERSION = 2
CATALOG_FILES = ("catalog.sqlite3", "catalog.sqlite3-wal")


class DataDir:
    """One data directory. `stores` is where the catalogue and Chroma files are read from."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(self.path, f"cannot create it: {exc.strerror}") from exc
        # Decided once, at open: a server started on a full or read-only directory serves reads only.
        self.write_problem = write_problem(self.path)
        self.read_only = self.write_problem is not None
        self._snapshot: Path | None = None
        self.stores = self._read_only_snapshot() if self.read_only else self.path
        self._check_schema()

    @property
    def models_dir(self) -> Path:
        return self.path / "models"

    # ----------------------------------------------------------------------------- manifest
    def manifest(self) -> dict:
        path = self.path / "manifest.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def update_manifest(self, **updates) -> None:
        """Merge `updates` into manifest.json, atomically (write a copy, rename it over)."""
        data = self.manifest()
        data.update(updates, schema=SCHEMA_VERSION)
        tmp = self.path / "manifest.json.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path / "manifest.json")

    def _check_schema(self) -> None:
        data = self.manifest()
        if data and data.get("schema") != SCHEMA_VERSION:
            raise IndexMismatch(f"{self.path} was written by schema {data.get('schema')}, this stdkb reads "
                                f"schema {SCHEMA_VERSION}; ingest into a new data directory")

    # ------------------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def writing(self):
        """Every write to the directory runs in here: a full disk or a read-only directory becomes one
        clear StorageError naming it."""
        if self.read_only:
            raise StorageError(self.path, self.write_problem)
        try:
            yield
        except StorageError:
            raise
        except Exception as exc:
            problem = storage_problem(exc)
            if problem:
                raise StorageError(self.path, problem) from exc
            raise

    def ingest_lock(self) -> "DirectoryLock":
        return DirectoryLock(self.path / "ingest.lock")

    # --------------------------------------------------------------------------- read-only
    def _read_only_snapshot(self) -> Path:
        """Copy the stores of a read-only data directory to a private temporary directory."""
        if not (self.path / "catalog.sqlite3").exists():
            raise StorageError(self.path, "it is read-only and holds no knowledge base")
        try:
            self._snapshot = Path(tempfile.mkdtemp(prefix="stdkb-readonly-"))
            atexit.register(shutil.rmtree, self._snapshot, True)
            for name in CATALOG_FILES:
                if (self.path / name).exists():
                    shutil.copy2(self.path / name, self._snapshot / name)
            if (self.path / "chroma").is_dir():
                shutil.copytree(self.path / "chroma", self._snapshot / "chroma")
        except OSError as exc:
            raise StorageError(self.path, f"{self.write_problem}, and its read-only copy in "
                                          f"{tempfile.gettempdir()} failed too ({exc.strerror}); "
                                          f"set TMPDIR to a disk with room") from exc
        return self._snapshot

    def disk_bytes(self, names: tuple[str, ...]) -> dict[str, int]:
        """Bytes used by each named file or folder of the directory."""
        return {name: _size(self.path / name) for name in names}

    def close(self) -> None:
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot, ignore_errors=True)


class DirectoryLock:
    """An exclusive, non-blocking lock on a file in the data directory (one ingest at a time)."""

    def __init__(self, path: Path):
        self.path = path
        self._fh = None

    def __enter__(self):
        self._fh = open(self.path, "a+")
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._fh.close()
            raise IngestBusy(f"another ingest is running on {self.path.parent}; try again when it has finished") from exc
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()
        return False


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0
