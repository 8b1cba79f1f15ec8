"""Telling "the disk is full or read-only" apart from every other failure of the stores.

A full disk or a read-only data directory is an operator's problem, not a bug: the user gets one
clear error naming the data directory, nothing stored is touched (SQLite rolls the transaction
back, a pending document is cleaned up by the next ingest), and the server keeps answering reads.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from index.errors import StorageError

_ERRNOS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exhausted",
           errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
           errno.EPERM: "permission denied", errno.EFBIG: "a file grew past the allowed size"}
# SQLite and Chroma (Rust) report the same conditions only in their messages.
_MESSAGES = {"database or disk is full": "the disk is full", "no space left": "the disk is full",
             "readonly database": "the data directory is read-only",
             "read-only file system": "the file system is read-only",
             "permission denied": "permission denied"}
_WORDY = ("chromadb", "safetensors")


PROBE_BYTES = 64 * 1024
# Refuse a write that would leave less than this free: SQLite and Chroma need room to commit and
# checkpoint, and a write that fails half-way hides the document it was replacing until repair.
MIN_FREE_BYTES = 8 * 2**20
# A rough upper bound of what one clause costs across catalogue, keyword rows and vectors.
BYTES_PER_CLAUSE = 16 * 1024


def storage_problem(exc: BaseException) -> str | None:
    """The storage condition behind `exc` (following its causes), or None when it is something else."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, StorageError):
            return exc.problem
        if isinstance(exc, OSError) and exc.errno in _ERRNOS:
            return _ERRNOS[exc.errno]
        # sqlite3, Chroma and the model writer (safetensors) say it only in words.
        if isinstance(exc, (sqlite3.Error, OSError)) or type(exc).__module__.split(".")[0] in _WORDY:
            text = str(exc).lower()
            for needle, problem in _MESSAGES.items():
                if needle in text:
                    return problem
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def write_problem(directory: Path) -> str | None:
    """Why files cannot be written in `directory`, or None when they can.

    Tried, not guessed: root ignores mode bits, and a full disk still lets an empty file be created,
    so the probe writes real bytes.
    """
    try:
        fd, name = tempfile.mkstemp(prefix=".stdkb-probe-", dir=directory)
    except OSError as exc:
        return storage_problem(exc) or str(exc)
    try:
        os.write(fd, b"\0" * PROBE_BYTES)
        os.fsync(fd)
    except OSError as exc:
        return storage_problem(exc) or str(exc)
    finally:
        os.close(fd)
        os.unlink(name)
    return None


def free_space_problem(directory: Path, needed: int) -> str | None:
    """A refusal when writing `needed` bytes would leave less than MIN_FREE_BYTES free."""
    free = shutil.disk_usage(directory).free
    if free - needed < MIN_FREE_BYTES:
        return (f"the disk is nearly full ({free / 2**20:.1f} MiB free, this write needs about "
                f"{(needed + MIN_FREE_BYTES) / 2**20:.1f} MiB)")
    return None
