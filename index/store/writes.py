"""Writing documents into both stores, in the order that keeps each whole or absent to readers.

Text first, so that a new document answers citations and keyword searches at once; vectors after,
because the encoder is the slow part (minutes for a corpus) and is batched across documents:
  1. catalogue: document row → 'pending' (readers stop seeing it);
  2. vectors: delete the document's old vectors (none may outlive the text they were made from),
     by the ids the catalogue holds: asking the vector store for "every vector of this source" scans
     all of them (0.1 s a document at a million clauses, which made a large ingest quadratic);
  3. catalogue, one transaction: replace clauses + keyword rows, row → 'complete';
  4. later, batch by batch: upsert the new vectors; the generation is bumped so that servers
     bring the new vectors into their views.
Between 3 and 4 a document is complete without vectors: searches find it by keyword and
citation and say that the dense signal is partial. A delete hides the row (pending) before the
vectors go. `repair.py` finishes whatever a crash left behind (it embeds what has no vector).
The caller holds the data directory's ingest lock.
"""

from __future__ import annotations

import numpy as np

from index.store.catalog import Catalog
from index.store.faults import NO_FAULTS, FaultPlan
from index.store.vectors import VectorStore
from ingest.models import Clause, Document
from ingest.segment import Segmenter


class Store:
    """The catalogue (SQLite + FTS5) and the vector store, written together."""

    def __init__(self, catalog: Catalog, vectors: VectorStore, segmenter: Segmenter, faults: FaultPlan = NO_FAULTS):
        self.catalog, self.vectors, self.segmenter, self.faults = catalog, vectors, segmenter, faults

    def tokens(self, clauses: list[Clause], title: str) -> list[tuple[str, str]]:
        """Per clause, the space-joined keyword tokens of its body and of its context."""
        return [(" ".join(self.segmenter.tokens(f"{c.label} {c.title} {c.text}")),
                 " ".join(self.segmenter.tokens(" ".join([title, *c.heading_path]))))
                for c in clauses]

    def write_text(self, doc: Document) -> None:
        """Replace (or add) one document's clauses and keyword rows; its old vectors are removed."""
        tokens = self.tokens(doc.clauses, doc.title)
        old = self.catalog.clause_ids(doc.source)
        self.catalog.begin_document(doc)
        self.faults.reached("document-pending")
        if old:
            self.vectors.delete_ids(old)
        self.catalog.finish_document(doc, tokens)
        self.faults.reached("document-complete")

    def write_vectors(self, batch: list[tuple[Document, np.ndarray]]) -> None:
        """The vectors of documents whose text is written, then one generation bump for the batch."""
        for doc, vectors in batch:
            self.vectors.upsert([c.id for c in doc.clauses], vectors, [doc.source] * len(doc.clauses))
            self.faults.reached("document-vectors")
        self.catalog.vectors_written(doc.source for doc, _ in batch)

    def remove(self, source: str) -> bool:
        """Delete one document from both stores; False when it was not there."""
        if self.catalog.document(source) is None and source not in self.catalog.pending_documents():
            return False
        self.catalog.begin_removal(source)
        self.faults.reached("removal-hidden")
        self.vectors.delete_ids(self.catalog.clause_ids(source))
        self.catalog.remove_document(source)
        return True

    def retokenize(self, sources: list[str], progress) -> None:
        """The dictionary or synonym map changed: rebuild these documents' keyword rows."""
        for n, source in enumerate(sources, start=1):
            progress("re-segmenting stored documents", n, len(sources))
            doc = self.catalog.document(source)
            if doc is not None:
                self.catalog.replace_tokens(source, self.tokens(self.catalog.clauses_of(source), doc.title))
