"""Reading the catalogue (index/store/catalog.py writes it; index/store/catalog_sql.py opens the file).

Readers see complete documents only: a document being rewritten is 'pending' and stays out of
every list, search view and lookup until its clauses are whole again.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Iterable, Iterator

from index.results import DocumentInfo
from index.store.catalog_sql import COMPLETE, DOC_COLUMNS, clause_of, connect, document_of
from ingest.models import Clause

ANYTHING = "*"          # a change log entry for a write that may have touched any document
KEYWORD_PAGE = 20_000   # keyword rows read per query when reading them all


class CatalogReader:
    """The catalogue's reads. Thread-safe; opened read-only by processes that never write."""

    def __init__(self, path: Path, read_only: bool = False):
        self.path = path
        self._conn = connect(path, read_only)
        self._lock = threading.RLock()

    def close(self) -> None:
        self._conn.close()

    def get_meta(self, key: str) -> str | None:
        row = self._query_one("SELECT value FROM meta WHERE key=?", (key,))
        return row["value"] if row else None

    def annotations(self, kind: str) -> dict[str, dict]:
        return {r["key"]: json.loads(r["value"]) for r in
                self._query("SELECT key, value FROM annotations WHERE kind=? ORDER BY key", (kind,))}

    def document_hashes(self) -> dict[str, tuple[str, str]]:
        """source → (content_hash, state) for every stored document."""
        rows = self._query("SELECT source, content_hash, state FROM documents")
        return {r["source"]: (r["content_hash"], r["state"]) for r in rows}

    def pending_documents(self) -> list[str]:
        return [r["source"] for r in self._query("SELECT source FROM documents WHERE state='pending'")]

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

    def documents(self) -> list[DocumentInfo]:
        """Every complete document, by source."""
        return [document_of(r) for r in self._query("SELECT * FROM documents WHERE state='complete' ORDER BY source")]

    def documents_of(self, sources: Iterable[str]) -> list[DocumentInfo]:
        """The complete documents among `sources` (a changed one may be pending or gone)."""
        sources, out = list(sources), []
        for i in range(0, len(sources), 500):     # SQLite's limit on bound parameters
            page = sources[i:i + 500]
            out += [document_of(r) for r in self._query(
                f"SELECT * FROM documents WHERE state='complete' AND source IN ({','.join('?' * len(page))})", page)]
        return out

    def document(self, source: str) -> DocumentInfo | None:
        row = self._query_one("SELECT * FROM documents WHERE source=? AND state='complete'", (source,))
        return document_of(row) if row else None

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
        return [document_of(r) for r in self._query(
            "SELECT * FROM documents WHERE state='complete' AND work=(SELECT work FROM documents WHERE source=?)"
            " ORDER BY publish_date", (source,))]

    def clauses_of(self, source: str, include_pending: bool = False) -> list[Clause]:
        """The clauses of one document in order; none while it is being rewritten, unless asked."""
        join = "" if include_pending else COMPLETE
        rows = self._query(f"SELECT c.* FROM clauses c {join} WHERE c.source=? ORDER BY c.position", (source,))
        return [clause_of(r) for r in rows]

    def clause_ids(self, source: str) -> list[str]:
        """The ids of one document's clauses, pending or complete (what its vectors are filed under)."""
        return [r["id"] for r in self._query("SELECT id FROM clauses WHERE source=?", (source,))]

    def clauses_by_id(self, ids: Iterable[str]) -> dict[str, tuple[Clause, DocumentInfo]]:
        """id → (clause, its document row) for complete documents only."""
        ids = list(ids)
        out: dict[str, tuple[Clause, DocumentInfo]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"SELECT c.*, {', '.join('d.' + c + ' AS d_' + c for c in DOC_COLUMNS)} FROM clauses c"
                f" JOIN documents d ON d.source=c.source WHERE d.state='complete' AND c.id IN ({marks})", chunk)
            for r in rows:
                out[r["id"]] = (clause_of(r), DocumentInfo(**{c: r["d_" + c] for c in DOC_COLUMNS}))
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
                yield clause_of(r), docs[r["source"]]

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
        return [clause_of(r) for r in self._query(
            f"SELECT c.* FROM clauses c {COMPLETE} WHERE c.source=? AND c.number=? ORDER BY c.position",
            (source, number))]

    def clauses_labelled(self, source: str, label: str) -> list[Clause]:
        return [clause_of(r) for r in self._query(
            f"SELECT c.* FROM clauses c {COMPLETE} WHERE c.source=? AND c.label=? ORDER BY c.position",
            (source, label))]

    def generation(self) -> int:
        """Goes up whenever a document is written or removed (lets readers cache document lists)."""
        return int(self.get_meta("generation") or 0)

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

    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def _query_one(self, sql: str, params: Iterable = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchone()
