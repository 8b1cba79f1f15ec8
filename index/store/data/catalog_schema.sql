-- The catalogue's tables (index/catalog.py). Written with IF NOT EXISTS: opening an existing
-- catalogue creates what an older version lacks; columns added later are added in index/catalog_sql.py.
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
