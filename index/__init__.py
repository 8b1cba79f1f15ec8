"""Clauses → Chroma + keyword index; queries → ranked clauses. Imports ingest/, never analysis/ or api/."""
