"""One table: each stdkb error class → HTTP status and CLI exit code. Every edge reads it."""

from __future__ import annotations

from ingest.errors import DocumentError, ManifestError, StdkbError
from index.embedder import EmbedderError
from index.index import IndexMismatch, IngestBusy
from index.storage import StorageError
from index.vectors import VectorStoreError

# (class, HTTP status, CLI exit code); the first matching row wins, so subclasses come first.
ERROR_TABLE: list[tuple[type[StdkbError], int, int]] = [
    (ManifestError, 422, 3),
    (DocumentError, 422, 3),
    (IndexMismatch, 409, 4),
    (IngestBusy, 409, 5),
    (StorageError, 507, 9),   # 507 Insufficient Storage: full disk or read-only data directory
    (EmbedderError, 503, 6),
    (VectorStoreError, 503, 7),
    (StdkbError, 400, 2),
]


def classify(exc: StdkbError) -> tuple[int, int]:
    for cls, status, code in ERROR_TABLE:
        if isinstance(exc, cls):
            return status, code
    return 500, 1
