"""The SQLite plumbing under the catalogue (index/store/catalog.py): opening the file with its schema
(`data/catalog_schema.sql`) and the columns older catalogues lack, transactions, and rows read back as
models. Nothing here knows what a document or a generation means to a reader.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from index.results import DocumentInfo
from ingest.models import Clause, Status

SCHEMA = (Path(__file__).parent / "data" / "catalog_schema.sql").read_text(encoding="utf-8")

# Readers join on this so a document being rewritten (state 'pending') is never half-visible.
COMPLETE = "JOIN documents d ON d.source = c.source AND d.state = 'complete'"

# The columns a DocumentInfo carries (given_status, status_from_manifest and state stay inside).
DOC_COLUMNS = tuple(DocumentInfo.model_fields)


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """The catalogue file, in WAL mode so that searches read while an ingest writes; a writable one
    gets the tables and columns it lacks."""
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    if read_only:
        return conn
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    # Catalogues made before scans were read lack the columns that say how a text was read.
    columns = {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    for name, kind in (("reader", "TEXT NOT NULL DEFAULT 'text'"), ("ocr_confidence", "REAL"),
                       ("ocr_low_pages", "TEXT NOT NULL DEFAULT ''")):
        if name not in columns:
            conn.execute(f"ALTER TABLE documents ADD COLUMN {name} {kind}")
    # Data directories written before issue 18 stored 状态不详 as "unknown".
    conn.execute("UPDATE documents SET status=? WHERE status='unknown'", (Status.UNKNOWN.value,))
    conn.execute("UPDATE documents SET given_status=? WHERE given_status='unknown'", (Status.UNKNOWN.value,))
    return conn


class Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK when the block raises."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


def document_of(r: sqlite3.Row) -> DocumentInfo:
    return DocumentInfo(**{c: r[c] for c in DOC_COLUMNS})


def clause_of(r: sqlite3.Row) -> Clause:
    return Clause(id=r["id"], label=r["label"], number=r["number"], kind=r["kind"],
                  heading_path=json.loads(r["heading_path"]), title=r["title"], text=r["text"],
                  position=r["position"], parent=r["parent"], prev=r["prev"], next=r["next"],
                  para_start=r["para_start"], defines=json.loads(r["defines"]))
