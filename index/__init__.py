"""Clauses → SQLite (FTS5) + Chroma; queries → ranked clauses. The only code that touches the stores.

Faces and analysis use `kb.KnowledgeBase` (implemented by `index.Index`). Imports ingest/, never
analysis/, api/ or web/.
"""
