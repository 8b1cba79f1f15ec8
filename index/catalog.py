"""The catalogue: documents, clauses and the keyword index, in one SQLite file.

Why the keyword tokens live in an SQLite FTS5 table: replacing one document must be atomic (old
clauses out, new ones in, or neither), so the tokens are written in the same transaction as the
clause rows and the two can never disagree; WAL mode lets searches read while an ingest writes.
Searches rank with an in-memory BM25 view built from this table (`keyword.py`), because FTS5's own
OR-query ranking was too slow for Chinese word lists; FTS5 stays the durable copy.

A document row is written with state 'pending' before its vectors change and flipped to
'complete' in the same transaction that writes its clauses; readers only see complete documents,
and `repair` removes whatever a crash left pending.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Iterable, Iterator

from ingest.models import Clause, Document, Status

from .results import DocumentInfo

SCHEMA_VERSION = 2
ANYTHING = "*"          # a change log entry for a write that may have touched any document
KEYWORD_PAGE = 20_000   # keyword rows read per query when reading them all
CHANGE_LOG = 20_000     # generations the change log keeps (a reader further behind rebuilds its views)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY,
    title TEXT NOT NULL, level TEXT NOT NULL, issuer TEXT NOT NULL, doc_number TEXT NOT NULL,
    publish_date TEXT NOT NULL, effective_date TEXT NOT NULL,
    status TEXT NOT NULL,            -- as given (manifest) or derived from versions
    given_status TEXT NOT NULL,      -- as given by the manifest or 状态不详
    status_from_manifest INTEGER NOT NULL,
    family TEXT NOT NULL, work TEXT NOT NULL, content_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'complete')),
    clause_count INTEGER NOT NULL DEFAULT 0,
    ingested_at TEXT NOT NULL DEFAULT (datetime('now')),
    reader TEXT NOT NULL DEFAULT 'text',       -- text, ocr or text+ocr (ingest/readers.py)
    ocr_confidence REAL,                       -- a scan's mean word confidence, 0–100
    ocr_low_pages TEXT NOT NULL DEFAULT ''     -- scanned pages read with low confidence: "3,7"
);
CREATE INDEX IF NOT EXISTS documents_work ON documents(work);
CREATE TABLE IF NOT EXISTS clauses (
    rowid INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    source TEXT NOT NULL REFERENCES documents(source),
    position INTEGER NOT NULL, label TEXT NOT NULL, number TEXT NOT NULL, kind TEXT NOT NULL,
    heading_path TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
    parent TEXT, prev TEXT, next TEXT, para_start INTEGER NOT NULL,
    defines TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS clauses_source ON clauses(source, position);
CREATE TABLE IF NOT EXISTS terms (
    term TEXT NOT NULL, clause_id TEXT NOT NULL, source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS terms_term ON terms(term);
CREATE INDEX IF NOT EXISTS terms_source ON terms(source);
CREATE VIRTUAL TABLE IF NOT EXISTS clause_fts USING fts5(body, context, tokenize = 'unicode61');
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Which documents each generation changed, so readers update their views by document instead
-- of rebuilding them ('*': anything may have changed; '': no clause or vector changed).
CREATE TABLE IF NOT EXISTS changes (
    generation INTEGER NOT NULL, source TEXT NOT NULL, PRIMARY KEY (generation, source)
) WITHOUT ROWID;
-- Documents whose text is written and whose vectors are not yet (written in the same transaction
-- as the text, cleared with the vectors): what an interrupted ingest owes, found without
-- comparing every clause with the vector store.
CREATE TABLE IF NOT EXISTS owed (source TEXT PRIMARY KEY) WITHOUT ROWID;
-- What drafters add beside the documents (placements they override, standards they register):
-- its own table, so a re-ingest that rewrites documents never touches it.
CREATE TABLE IF NOT EXISTS annotations (
    kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key)
);
"""

# Readers join on this so a document being rewritten (state 'pending') is never half-visible.
_COMPLETE = "JOIN documents d ON d.source = c.source AND d.state = 'complete'"

# The columns a DocumentInfo carries (given_status, status_from_manifest and state stay inside).
_DOC_COLUMNS = tuple(DocumentInfo.model_fields)


def work_key(title: str) -> str:
    """Versions of one work share this key: the title without 《》, spaces and 中华人民共和国."""
    t = title.replace("《", "").replace("》", "").replace(" ", "").replace("\u3000", "")
    return t.removeprefix("中华人民共和国")


class Catalog:
    """SQLite store of documents and clauses with an FTS5 keyword index. Thread-safe."""

    def __init__(self, path: Path, read_only: bool = False):
        self.path = path
        uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        if not read_only:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            # Catalogues made before scans were read lack the columns that say how a text was read.
            columns = {r[1] for r in self._conn.execute("PRAGMA table_info(documents)")}
            for name, kind in (("reader", "TEXT NOT NULL DEFAULT 'text'"), ("ocr_confidence", "REAL"),
                               ("ocr_low_pages", "TEXT NOT NULL DEFAULT ''")):
                if name not in columns:
                    self._conn.execute(f"ALTER TABLE documents ADD COLUMN {name} {kind}")
            # Data directories written before issue 18 stored 状态不详 as "unknown".
            self._conn.execute("UPDATE documents SET status=? WHERE status='unknown'", (Status.UNKNOWN.value,))
            self._conn.execute("UPDATE documents SET given_status=? WHERE given_status='unknown'",
                               (Status.UNKNOWN.value,))

    def close(self) -> None:
        self._conn.close()

    # ------------------------------------------------------------------------------------- meta
    def get_meta(self, key: str) -> str | None:
        row = self._query_one("SELECT value FROM meta WHERE key=?", (key,))
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def uid(self) -> str | None:
        """A random name given to this catalogue once, so files derived from it (index/view_cache.py)
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

    # ------------------------------------------------------------------------------ annotations
    def annotations(self, kind: str) -> dict[str, dict]:
        return {r["key"]: json.loads(r["value"]) for r in
                self._query("SELECT key, value FROM annotations WHERE kind=? ORDER BY key", (kind,))}

    def annotate(self, kind: str, key: str, value: dict | None) -> None:
        """Set (or with None, remove) one annotation; readers' cached views see a new generation."""
        with self._lock, self._transaction():
            if value is None:
                self._conn.execute("DELETE FROM annotations WHERE kind=? AND key=?", (kind, key))
            else:
                self._conn.execute("INSERT OR REPLACE INTO annotations(kind, key, value) VALUES (?, ?, ?)",
                                   (kind, key, json.dumps(value, ensure_ascii=False)))
            self._bump_generation("")

    # -------------------------------------------------------------------------------- documents
    def document_hashes(self) -> dict[str, tuple[str, str]]:
        """source → (content_hash, state) for every stored document."""
        rows = self._query("SELECT source, content_hash, state FROM documents")
        return {r["source"]: (r["content_hash"], r["state"]) for r in rows}

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
            self._relink_versions(work_key(doc.title))
            self._conn.execute("INSERT OR IGNORE INTO owed(source) VALUES (?)", (doc.source,))
            self._bump_generation(doc.source)

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
            if work:
                self._relink_versions(work["work"])
            self._bump_generation(source)

    def pending_documents(self) -> list[str]:
        return [r["source"] for r in self._query("SELECT source FROM documents WHERE state='pending'")]

    def begin_removal(self, source: str) -> None:
        """Hide a document before its vectors go, so a crash mid-delete leaves it pending, not half."""
        with self._lock, self._transaction():
            self._conn.execute("UPDATE documents SET state='pending' WHERE source=?", (source,))
            self._bump_generation(source)

    # ------------------------------------------------------------------------------ consistency
    def integrity_problems(self) -> list[str]:
        """SQLite's own check of the file (empty when the file is sound)."""
        return [r[0] for r in self._query("PRAGMA quick_check") if r[0] != "ok"]

    def half_documents(self) -> list[str]:
        """Complete documents whose clause rows do not add up to the number written with them."""
        return [r["source"] for r in self._query(
            "SELECT d.source FROM documents d WHERE d.state='complete'"
            " AND d.clause_count <> (SELECT count(*) FROM clauses c WHERE c.source=d.source)")]

    def sources_missing_keywords(self) -> list[str]:
        """Documents with a clause that has no keyword row."""
        return [r["source"] for r in self._query(
            "SELECT DISTINCT c.source FROM clauses c WHERE NOT EXISTS"
            " (SELECT 1 FROM clause_fts f WHERE f.rowid = c.rowid)")]

    def stray_rows(self) -> int:
        """Keyword rows, clauses and terms that belong to nothing."""
        row = self._query_one(
            "SELECT (SELECT count(*) FROM clause_fts WHERE rowid NOT IN (SELECT rowid FROM clauses))"
            " + (SELECT count(*) FROM clauses WHERE source NOT IN (SELECT source FROM documents))"
            " + (SELECT count(*) FROM terms WHERE clause_id NOT IN (SELECT id FROM clauses)) AS n")
        return row["n"]

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

    def _relink_versions(self, work: str) -> None:
        """Within one work, every version older than the newest is 已被修订 unless the manifest says otherwise."""
        rows = self._conn.execute(
            "SELECT source, publish_date, given_status, status_from_manifest FROM documents WHERE work=?"
            " ORDER BY publish_date", (work,)).fetchall()
        dated = [r for r in rows if r["publish_date"]]
        newest = dated[-1]["publish_date"] if dated else None
        for r in rows:
            status = r["given_status"]
            if not r["status_from_manifest"] and newest and r["publish_date"] and r["publish_date"] < newest:
                status = "已被修订"
            self._conn.execute("UPDATE documents SET status=? WHERE source=?", (status, r["source"]))

    # ------------------------------------------------------------------------------------ reads
    def documents(self) -> list[DocumentInfo]:
        """Every complete document, by source."""
        return [_document(r) for r in self._query("SELECT * FROM documents WHERE state='complete' ORDER BY source")]

    def document(self, source: str) -> DocumentInfo | None:
        row = self._query_one("SELECT * FROM documents WHERE source=? AND state='complete'", (source,))
        return _document(row) if row else None

    def read_document(self, source: str) -> tuple[DocumentInfo, list[Clause], list[DocumentInfo]] | None:
        """One complete document, its clauses and its versions, read as one consistent snapshot."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                doc = self.document(source)
                if doc is None:
                    return None
                return doc, self.clauses_of(source), self.versions(source)
            finally:
                self._conn.execute("COMMIT")

    def versions(self, source: str) -> list[DocumentInfo]:
        """All complete versions of the work `source` belongs to, oldest first."""
        return [_document(r) for r in self._query(
            "SELECT * FROM documents WHERE state='complete' AND work=(SELECT work FROM documents WHERE source=?)"
            " ORDER BY publish_date", (source,))]

    def clauses_of(self, source: str, include_pending: bool = False) -> list[Clause]:
        """The clauses of one document in order; none while it is being rewritten, unless asked."""
        join = "" if include_pending else _COMPLETE
        rows = self._query(f"SELECT c.* FROM clauses c {join} WHERE c.source=? ORDER BY c.position", (source,))
        return [_clause(r) for r in rows]

    def clauses_by_id(self, ids: Iterable[str]) -> dict[str, tuple[Clause, DocumentInfo]]:
        """id → (clause, its document row) for complete documents only."""
        ids = list(ids)
        out: dict[str, tuple[Clause, DocumentInfo]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"SELECT c.*, {', '.join('d.' + c + ' AS d_' + c for c in _DOC_COLUMNS)} FROM clauses c"
                f" JOIN documents d ON d.source=c.source WHERE d.state='complete' AND c.id IN ({marks})", chunk)
            for r in rows:
                out[r["id"]] = (_clause(r), DocumentInfo(**{c: r["d_" + c] for c in _DOC_COLUMNS}))
        return out

    def clause_sources(self) -> dict[str, str]:
        """Clause id → document source, for complete documents."""
        return {r["id"]: r["source"] for r in self._query(
            "SELECT c.id, c.source FROM clauses c JOIN documents d ON d.source=c.source WHERE d.state='complete'")}

    def iter_clauses(self) -> Iterator[tuple[Clause, DocumentInfo]]:
        """Every clause of every complete document, with its document."""
        docs = {d.source: d for d in self.documents()}
        for r in self._query("SELECT * FROM clauses ORDER BY source, position"):
            if r["source"] in docs:
                yield _clause(r), docs[r["source"]]

    def counts(self) -> dict[str, int]:
        row = self._query_one(
            "SELECT (SELECT count(*) FROM documents WHERE state='complete') AS documents,"
            " (SELECT count(*) FROM clauses c JOIN documents d ON d.source=c.source WHERE d.state='complete') AS clauses,"
            " (SELECT count(*) FROM documents WHERE state='pending') AS pending")
        return dict(row)

    def keyword_rows(self, sources: Iterable[str] | None = None) -> Iterator[tuple[str, list[str], list[str]]]:
        """(clause id, body tokens, context tokens) of the complete documents among `sources`, or of
        all, for the in-memory keyword view. Read in pages by rowid, so that building the view of a
        million clauses neither holds every row at once nor the catalogue's lock for a minute."""
        # The rowid bound and the order are on the FTS table itself: put on `c.rowid`, SQLite scanned
        # the whole FTS table for every page (75 s instead of 4 s for a million clauses).
        sql = ("SELECT f.rowid AS rowid, c.id AS id, f.body AS body, f.context AS context FROM clause_fts f"
               " JOIN clauses c ON c.rowid = f.rowid JOIN documents d ON d.source = c.source"
               " WHERE d.state='complete' AND f.rowid > ?")
        if sources is not None:
            wanted = sorted(sources)
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                for r in self._query(f"{sql} AND d.source IN ({','.join('?' * len(chunk))}) ORDER BY f.rowid",
                                     [0, *chunk]):
                    yield r["id"], r["body"].split(), r["context"].split()
            return
        last = 0
        while True:
            rows = self._query(f"{sql} ORDER BY f.rowid LIMIT {KEYWORD_PAGE}", (last,))
            for r in rows:
                yield r["id"], r["body"].split(), r["context"].split()
            if len(rows) < KEYWORD_PAGE:
                return
            last = rows[-1]["rowid"]

    def article(self, source: str, number: str) -> list[Clause]:
        """The clauses (the article and its parts) numbered `number` in `source`, in order."""
        return [_clause(r) for r in self._query(
            f"SELECT c.* FROM clauses c {_COMPLETE} WHERE c.source=? AND c.number=? ORDER BY c.position",
            (source, number))]

    def clauses_labelled(self, source: str, label: str) -> list[Clause]:
        return [_clause(r) for r in self._query(
            f"SELECT c.* FROM clauses c {_COMPLETE} WHERE c.source=? AND c.label=? ORDER BY c.position",
            (source, label))]

    def generation(self) -> int:
        """Goes up whenever a document is written or removed (lets readers cache document lists)."""
        return int(self.get_meta("generation") or 0)

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

    def owed_vectors(self) -> list[str]:
        """Complete documents whose vectors an interrupted ingest did not write."""
        return [r["source"] for r in self._query(
            "SELECT o.source FROM owed o JOIN documents d ON d.source=o.source AND d.state='complete'")]

    def changes_since(self, generation: int) -> set[str] | None:
        """The documents changed after `generation` (removed, rewritten or given new vectors); None when
        the log cannot tell (it does not reach back that far, or a change touched anything)."""
        rows = self._query("SELECT DISTINCT source FROM changes WHERE generation > ?", (generation,))
        oldest = self._query_one("SELECT min(generation) AS g FROM changes")["g"]
        sources = {r["source"] for r in rows}
        if generation < self.generation() and (oldest is None or oldest > generation + 1 or ANYTHING in sources):
            return None
        return sources - {""}

    def _bump_generation(self, *sources: str) -> None:
        """Every write ends here, inside its transaction, naming the documents it changed."""
        self._conn.execute("INSERT INTO meta(key, value) VALUES ('generation', '1') ON CONFLICT(key)"
                           " DO UPDATE SET value = CAST(value AS INTEGER) + 1")
        generation = int(self._conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
        self._conn.executemany("INSERT OR IGNORE INTO changes(generation, source) VALUES (?, ?)",
                               [(generation, s) for s in sources or (ANYTHING,)])
        self._conn.execute("DELETE FROM changes WHERE generation <= ?", (generation - CHANGE_LOG,))

    def term_definitions(self, term: str, partial: bool = True) -> list[tuple[str, str]]:
        """(defined term, clause id) for clauses of complete documents that define `term`.

        With `partial`, also terms that contain `term` or are contained in it (敏感个人信息 / 个人信息).
        """
        exact = self._query(
            "SELECT t.term, t.clause_id FROM terms t JOIN documents d ON d.source=t.source"
            " WHERE d.state='complete' AND t.term=?", (term,))
        out = [(r["term"], r["clause_id"]) for r in exact]
        if partial and len(term) >= 2:
            rows = self._query(
                "SELECT t.term, t.clause_id FROM terms t JOIN documents d ON d.source=t.source"
                " WHERE d.state='complete' AND t.term<>? AND (instr(t.term, ?) > 0 OR instr(?, t.term) > 0)",
                (term, term, term))
            out += [(r["term"], r["clause_id"]) for r in rows if len(r["term"]) >= 2]
        return out

    # ---------------------------------------------------------------------------------- helpers
    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def _query_one(self, sql: str, params: Iterable = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchone()

    def _transaction(self):
        return _Transaction(self._conn)


class _Transaction:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


def _document(r: sqlite3.Row) -> DocumentInfo:
    return DocumentInfo(**{c: r[c] for c in _DOC_COLUMNS})


def _clause(r: sqlite3.Row) -> Clause:
    return Clause(id=r["id"], label=r["label"], number=r["number"], kind=r["kind"],
                  heading_path=json.loads(r["heading_path"]), title=r["title"], text=r["text"],
                  position=r["position"], parent=r["parent"], prev=r["prev"], next=r["next"],
                  para_start=r["para_start"], defines=json.loads(r["defines"]))

