"""Answers for trainees: the answering sentence of the best clause, optionally an LLM answer checked against the store."""
