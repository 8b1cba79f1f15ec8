"""Errors the index layer raises. Each is mapped to an HTTP status, a page and an exit code once,
in `api/errors.py`; they live here, not in the modules that raise them, so that table imports no
machinery."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import StdkbError


class IndexMismatch(StdkbError):
    """The data directory was built differently from how it is being opened (schema, embedder)."""


class IngestBusy(StdkbError):
    """Another ingest holds the data directory."""


class StorageError(StdkbError):
    """The data directory cannot be written (full disk, read-only, no permission). Reads still work."""

    def __init__(self, data_dir: str | Path, problem: str):
        self.data_dir = str(data_dir)
        self.problem = problem
        super().__init__(f"cannot write to the data directory {self.data_dir}: {problem}; "
                         f"searches keep working, writes are refused until it is fixed")


class EmbedderError(StdkbError):
    """The embedding model is missing, unreadable or unusable."""


class VectorStoreError(StdkbError):
    """The vector store failed (unreachable server, disk full, corrupt files)."""


class InvalidRequest(StdkbError):
    """A query or filter stdkb cannot use (a date that is not a date, an unknown status)."""


class CitationNotFound(StdkbError):
    """A citation names no clause of the knowledge base (the lookup's notice says why)."""


class DocumentNotFound(StdkbError):
    """A document the request names is not in the knowledge base."""

    def __init__(self, source: str):
        self.source = source
        super().__init__(f"no document '{source}' in the knowledge base")
