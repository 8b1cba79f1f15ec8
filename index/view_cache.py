"""The search views of one catalogue generation, kept on disk beside the stores.

Building the keyword view (BM25 weights over every clause's tokens) and reading every vector out
of Chroma took 1.8 s and 1.6 s for the shared corpus: fine once for a server, most of the wait for
a one-shot `stdkb search`. Whoever builds a view first saves it here; the next process of the same
generation loads it in milliseconds. The files are derived data: deleting the folder loses nothing.

A view belongs to one catalogue (its `uid`, so a catalogue made anew never meets an old file of
the same generation number) and one generation. Every write to the stores bumps the generation,
vectors included, so a file is never newer or older than what it was built from.
"""

from __future__ import annotations

import os
import uuid
import zipfile
from pathlib import Path

import numpy as np
from scipy import sparse

from .dense import DenseIndex
from .keyword import KeywordIndex

VIEWS = "views"


class ViewCache:
    def __init__(self, folder: Path, catalogue: str):
        self.folder = folder
        self.catalogue = catalogue

    def _path(self, kind: str, generation: int) -> Path:
        return self.folder / f"{kind}-{self.catalogue}-{generation}.npz"

    def load_keyword(self, generation: int) -> KeywordIndex | None:
        arrays = self._load("keyword", generation)
        if arrays is None:
            return None
        matrix = sparse.csc_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=tuple(arrays["shape"]))
        return KeywordIndex.from_parts(arrays["ids"].tolist(), arrays["vocab"].tolist(), arrays["doc_freq"], matrix)

    def save_keyword(self, generation: int, view: KeywordIndex) -> None:
        vocab = sorted(view.vocab, key=view.vocab.__getitem__)
        m = view.matrix
        self._save("keyword", generation, ids=np.array(view.ids, dtype=str), vocab=np.array(vocab, dtype=str),
                   doc_freq=view.doc_freq, data=m.data, indices=m.indices, indptr=m.indptr, shape=np.array(m.shape))

    def load_dense(self, generation: int) -> DenseIndex | None:
        arrays = self._load("dense", generation)
        return None if arrays is None else DenseIndex(arrays["ids"].tolist(), arrays["matrix"])

    def save_dense(self, generation: int, view: DenseIndex) -> None:
        self._save("dense", generation, ids=np.array(view.ids, dtype=str), matrix=view.matrix)

    def _load(self, kind: str, generation: int):
        path = self._path(kind, generation)
        try:
            with np.load(path, allow_pickle=False) as data:
                return {name: data[name] for name in data.files}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):   # absent or damaged: build it
            return None

    def _save(self, kind: str, generation: int, **arrays) -> None:
        """Written whole under a temporary name, then renamed; older files of the kind are removed.
        A data directory this process may not write (read-only mount) just goes without."""
        target = self._path(kind, generation)
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            self.folder.mkdir(exist_ok=True)
            with tmp.open("wb") as out:
                np.savez(out, **arrays)
            os.replace(tmp, target)
            for old in self.folder.glob(f"{kind}-*.npz"):
                if old != target:
                    old.unlink(missing_ok=True)
        except OSError:
            tmp.unlink(missing_ok=True)
