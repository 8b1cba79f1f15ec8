"""The catalogue: documents, clauses and the keyword index, in one SQLite file.

Why the keyword tokens live in an SQLite FTS5 table: replacing one document must be atomic (old
clauses out, new ones in, or neither), so the tokens are written in the same transaction as the
clause rows and the two can never disagree; WAL mode lets searches read while an ingest writes.
Searches rank with an in-memory BM25 view built from this table (`keyword.py`), because FTS5's own
OR-query ranking was too slow for Chinese word lists; FTS5 stays the durable copy.

A document row is written with state 'pending' before its vectors change and flipped to
'complete' in the same transaction that writes its clauses; readers only see complete documents,
and `repair` removes whatever a crash left pending.

This module holds the writes; the reads are in catalog_read.py (Catalog extends CatalogReader),
the file, schema and row conversions in catalog_sql.py and data/catalog_schema.sql.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Iterable

from index.store.catalog_read import ANYTHING, CatalogReader
from index.store.catalog_sql import Transaction
from ingest.models import Document

CHANGE_LOG = 20_000     # generations the change log keeps (a reader further behind rebuilds its views)


def work_key(title: str) -> str:
    """Versions of one work share this key: the title without 《》, spaces and 中华人民共和国."""
    t = title.replace("《", "").replace("》", "").replace(" ", "").replace("\u3000", "")
    return t.removeprefix("中华人民共和国")


class Catalog(CatalogReader):
    """The catalogue with its writes: SQLite store of documents and clauses with an FTS5 keyword
    index. Thread-safe."""

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def uid(self) -> str | None:
        """A random name given to this catalogue once, so files derived from it (index/search/view_cache.py)
        are never mistaken for those of another catalogue; None when it has none and cannot be written."""
        uid = self.get_meta("uid")
        if uid is None:
            try:
                with self._lock, self._transaction():
                    self._conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('uid', ?)", (uuid.uuid4().hex,))
            except sqlite3.OperationalError:   # read-only
                return None
            uid = self.get_meta("uid")
        return uid

    def annotate(self, kind: str, key: str, value: dict | None) -> None:
        """Set (or with None, remove) one annotation; readers' cached views see a new generation."""
        with self._lock, self._transaction():
            if value is None:
                self._conn.execute("DELETE FROM annotations WHERE kind=? AND key=?", (kind, key))
            else:
                self._conn.execute("INSERT OR REPLACE INTO annotations(kind, key, value) VALUES (?, ?, ?)",
                                   (kind, key, json.dumps(value, ensure_ascii=False)))
            self._bump_generation("")

    def begin_document(self, doc: Document) -> None:
        """Mark `doc` pending: from now until `finish_document`, readers do not see it."""
        with self._lock, self._transaction():
            self._conn.execute(
                "INSERT INTO documents(source, title, level, issuer, doc_number, publish_date, effective_date,"
                " status, given_status, status_from_manifest, family, work, content_hash, reader, ocr_confidence,"
                " ocr_low_pages, state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, 'pending')"
                " ON CONFLICT(source) DO UPDATE SET state='pending'",
                (doc.source, doc.title, doc.level, doc.issuer, doc.doc_number, doc.publish_date,
                 doc.effective_date, doc.status, doc.status, int(doc.status_from_manifest), doc.family,
                 work_key(doc.title), doc.content_hash, doc.reader, doc.ocr_confidence,
                 ",".join(map(str, doc.ocr_low_pages))),
            )
            self._bump_generation(doc.source)

    def finish_document(self, doc: Document, tokens: list[tuple[str, str]]) -> None:
        """Replace the clauses of `doc` and mark it complete, atomically.

        `tokens` holds, per clause, the space-joined body tokens and context tokens for FTS5.
        """
        with self._lock, self._transaction():
            self._delete_clauses(doc.source)
            for clause, (body, context) in zip(doc.clauses, tokens):
                cur = self._conn.execute(
                    "INSERT INTO clauses(id, source, position, label, number, kind, heading_path, title, text,"
                    " parent, prev, next, para_start, defines) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (clause.id, doc.source, clause.position, clause.label, clause.number, clause.kind,
                     json.dumps(clause.heading_path, ensure_ascii=False), clause.title, clause.text,
                     clause.parent, clause.prev, clause.next, clause.para_start,
                     json.dumps(clause.defines, ensure_ascii=False)),
                )
                self._conn.executemany("INSERT INTO terms(term, clause_id, source) VALUES (?,?,?)",
                                       [(t, clause.id, doc.source) for t in clause.defines])
                self._conn.execute("INSERT INTO clause_fts(rowid, body, context) VALUES (?,?,?)",
                                   (cur.lastrowid, body, context))
            self._conn.execute(
                "UPDATE documents SET title=?, level=?, issuer=?, doc_number=?, publish_date=?, effective_date=?,"
                " status=?, given_status=?, status_from_manifest=?, family=?, work=?, content_hash=?, reader=?,"
                " ocr_confidence=?, ocr_low_pages=?, state='complete', clause_count=?, ingested_at=datetime('now')"
                " WHERE source=?",
                (doc.title, doc.level, doc.issuer, doc.doc_number, doc.publish_date, doc.effective_date,
                 doc.status, doc.status, int(doc.status_from_manifest), doc.family, work_key(doc.title),
                 doc.content_hash, doc.reader, doc.ocr_confidence, ",".join(map(str, doc.ocr_low_pages)),
                 len(doc.clauses), doc.source),
            )
            relinked = self._relink_versions(work_key(doc.title))
            self._conn.execute("INSERT OR IGNORE INTO owed(source) VALUES (?)", (doc.source,))
            self._bump_generation(doc.source, *relinked)

    def replace_tokens(self, source: str, tokens: list[tuple[str, str]]) -> None:
        """Rewrite the keyword rows of one document's clauses (after the dictionary changed)."""
        with self._lock, self._transaction():
            rowids = [r["rowid"] for r in self._conn.execute(
                "SELECT rowid FROM clauses WHERE source=? ORDER BY position", (source,))]
            self._conn.execute("DELETE FROM clause_fts WHERE rowid IN (SELECT rowid FROM clauses WHERE source=?)",
                               (source,))
            self._conn.executemany("INSERT INTO clause_fts(rowid, body, context) VALUES (?,?,?)",
                                   [(rowid, body, context) for rowid, (body, context) in zip(rowids, tokens)])
            self._bump_generation(source)

    def remove_document(self, source: str) -> None:
        with self._lock, self._transaction():
            work = self._conn.execute("SELECT work FROM documents WHERE source=?", (source,)).fetchone()
            self._delete_clauses(source)
            self._conn.execute("DELETE FROM documents WHERE source=?", (source,))
            self._conn.execute("DELETE FROM owed WHERE source=?", (source,))
            relinked = self._relink_versions(work["work"]) if work else []
            self._bump_generation(source, *relinked)

    def begin_removal(self, source: str) -> None:
        """Hide a document before its vectors go, so a crash mid-delete leaves it pending, not half."""
        with self._lock, self._transaction():
            self._conn.execute("UPDATE documents SET state='pending' WHERE source=?", (source,))
            self._bump_generation(source)

    def drop_stray_rows(self) -> None:
        with self._lock, self._transaction():
            self._conn.execute("DELETE FROM clause_fts WHERE rowid IN (SELECT f.rowid FROM clause_fts f"
                               " WHERE f.rowid NOT IN (SELECT rowid FROM clauses))")
            self._conn.execute("DELETE FROM clauses WHERE source NOT IN (SELECT source FROM documents)")
            self._conn.execute("DELETE FROM terms WHERE clause_id NOT IN (SELECT id FROM clauses)")
            self._bump_generation()

    def _delete_clauses(self, source: str) -> None:
        self._conn.execute("DELETE FROM terms WHERE source=?", (source,))
        self._conn.execute("DELETE FROM clause_fts WHERE rowid IN (SELECT rowid FROM clauses WHERE source=?)", (source,))
        self._conn.execute("DELETE FROM clauses WHERE source=?", (source,))

    def _relink_versions(self, work: str) -> list[str]:
        """Within one work, every version older than the newest is 已被修订 unless the manifest says
        otherwise. Returns the other versions whose status this changed: they are changes too."""
        rows = self._conn.execute(
            "SELECT source, publish_date, status, given_status, status_from_manifest FROM documents WHERE work=?"
            " ORDER BY publish_date", (work,)).fetchall()
        dated = [r for r in rows if r["publish_date"]]
        newest = dated[-1]["publish_date"] if dated else None
        changed = []
        for r in rows:
            status = r["given_status"]
            if not r["status_from_manifest"] and newest and r["publish_date"] and r["publish_date"] < newest:
                status = "已被修订"
            if status != r["status"]:
                self._conn.execute("UPDATE documents SET status=? WHERE source=?", (status, r["source"]))
                changed.append(r["source"])
        return changed

    def touch(self) -> None:
        """Say that anything readers derive may have changed (a repair, every vector re-embedded):
        they build their views whole."""
        with self._lock, self._transaction():
            self._bump_generation(ANYTHING)

    def vectors_written(self, sources: Iterable[str] | None = None) -> None:
        """The vectors of `sources` (None: of every document) are stored: nothing is owed for them,
        and readers update their views."""
        with self._lock, self._transaction():
            if sources is None:
                self._conn.execute("DELETE FROM owed")
                self._bump_generation(ANYTHING)
            else:
                sources = list(sources)
                self._conn.executemany("DELETE FROM owed WHERE source=?", [(s,) for s in sources])
                self._bump_generation(*(sources or [""]))

    def _bump_generation(self, *sources: str) -> None:
        """Every write ends here, inside its transaction, naming the documents it changed."""
        self._conn.execute("INSERT INTO meta(key, value) VALUES ('generation', '1') ON CONFLICT(key)"
                           " DO UPDATE SET value = CAST(value AS INTEGER) + 1")
        generation = int(self._conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
        self._conn.executemany("INSERT OR IGNORE INTO changes(generation, source) VALUES (?, ?)",
                               [(generation, s) for s in sources or (ANYTHING,)])
        self._conn.execute("DELETE FROM changes WHERE generation <= ?", (generation - CHANGE_LOG,))

    def _transaction(self):
        return Transaction(self._conn)
