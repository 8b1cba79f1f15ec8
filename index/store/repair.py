"""Do the catalogue, the keyword index and the vectors agree? And, with repair, make them agree.

Repair removes documents an interrupted write left half-done (the next ingest of their files
brings them back), drops rows that belong to nothing, rebuilds missing keyword rows and vectors,
and finishes an interrupted re-embedding. A damaged SQLite file cannot be repaired here; the
report says so and nothing is touched.
"""

from __future__ import annotations

from index.embed.lifecycle import Embedding
from index.results import CheckReport
from index.store.datadir import DataDir
from index.store.vectors import VectorStore
from index.store.writes import Store


def stored_sources(vectors: VectorStore, clauses: dict[str, str]) -> dict[str, str]:
    """Stored vector id → source, for the clauses' ids and, only when the store holds more vectors
    than that, for every vector: listing a million vectors pages by offset (quadratic), while
    asking for known ids is linear, and equal counts mean there is nothing else to find."""
    found = vectors.sources_of(list(clauses))
    return found if vectors.count() == len(found) else vectors.id_sources()


def check(data: DataDir, store: Store, embedding: Embedding, repair: bool) -> CheckReport:
    """The consistency report; with `repair`, after fixing what it found (the caller holds the lock)."""
    cat, vectors = store.catalog, store.vectors
    embedder = data.manifest().get("embed_model")
    damaged = cat.integrity_problems()
    if damaged:
        # Nothing else in a damaged file can be trusted, or even read; report and touch nothing.
        return CheckReport(ok=False, documents=0, clauses=0, vectors=vectors.count(), embedder=embedder, problems=[
            f"the catalogue file is damaged ({'; '.join(damaged[:3])}): restore it or re-ingest into a "
            f"new data directory"])
    pending = cat.pending_documents()
    half = cat.half_documents()
    no_keywords = cat.sources_missing_keywords()
    stray = cat.stray_rows()
    clauses = cat.clause_sources()
    vector_sources = stored_sources(vectors, clauses)
    orphans = [i for i in vector_sources if i not in clauses]
    misfiled = [i for i, s in vector_sources.items() if i in clauses and s != clauses[i]]
    missing = [i for i in clauses if i not in vector_sources]
    stale = bool(data.manifest().get("vectors_stale"))
    model_missing = bool(clauses) and embedding.model_missing
    problems = [text for flag, text in [
        (pending, f"{len(pending)} document(s) half-written by an interrupted ingest or delete"),
        (half, f"{len(half)} document(s) missing some of their clauses"),
        (no_keywords, f"{len(no_keywords)} document(s) with clauses missing from the keyword index"),
        (stray, f"{stray} keyword row(s), clause(s) or term(s) belonging to no document"),
        (orphans, f"{len(orphans)} vector(s) without a clause"),
        (misfiled, f"{len(misfiled)} vector(s) filed under the wrong document"),
        (missing, f"{len(missing)} clause(s) without a vector (an ingest stopped while embedding: keyword search "
                  f"and citations find them; the next ingest or check --repair embeds them)"),
        (stale, "vectors were built by a previous embedder (interrupted re-embedding)"),
        (model_missing, "the domain embedding model is missing (the next ingest retrains it)"),
    ] if flag]
    counts = cat.counts()
    report = CheckReport(ok=not problems, documents=counts["documents"], clauses=counts["clauses"],
                         vectors=len(vector_sources), pending_documents=pending + half, orphan_vectors=len(orphans),
                         missing_vectors=len(missing), problems=problems, embedder=embedder)
    if not (repair and problems):
        return report
    for source in pending + half:
        cat.begin_removal(source)
        vectors.delete_document(source)
        cat.remove_document(source)
    cat.drop_stray_rows()
    store.retokenize(no_keywords, progress=lambda *_: None)
    if not model_missing:
        if stale:
            embedding.finish_stale_reembedding()
        else:
            vectors.delete_ids(orphans + misfiled)
            embedding.embed_missing()
    cat.touch()   # readers' views (and the files of index/search/view_cache.py) were built from the damaged state
    report.repaired = True
    return report


def recover(data: DataDir, store: Store, embedding: Embedding) -> None:
    """Before an ingest: finish what an interrupted write left, reading only what a crash can leave
    (documents still pending, documents owed their vectors, an interrupted re-embedding) instead
    of comparing every clause with the vector store as `check` does — most of the 12.3 s a
    one-document upload took at 300,000 clauses. The caller holds the lock.

    A data directory written before owed vectors were recorded gets the full check once.
    """
    cat = store.catalog
    if cat.get_meta("owed_recorded") is None:
        if cat.counts()["documents"] or cat.pending_documents():
            check(data, store, embedding, repair=True)
        cat.set_meta("owed_recorded", "1")
        return
    for source in cat.pending_documents():
        store.remove(source)
    if embedding.model_missing:
        return   # the ingest trains the model and then embeds every clause
    if data.manifest().get("vectors_stale"):
        embedding.finish_stale_reembedding()
    embedding.embed_owed()
