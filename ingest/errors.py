"""The error hierarchy of stdkb. It lives in the lowest layer so every layer can raise and catch it.

Subclasses live where they are raised; `api/errors.py` maps each to an HTTP status and a CLI exit code.
"""

from __future__ import annotations

from pathlib import Path


class StdkbError(Exception):
    """Base class for every error stdkb reports to a user."""


class DocumentError(StdkbError):
    """A file could not be read or understood. Names the file and the problem."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ManifestError(DocumentError):
    """A manifest.csv row is unusable (missing columns, bad dates)."""
