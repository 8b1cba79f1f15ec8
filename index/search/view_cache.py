"""The search views of one catalogue generation, kept on disk beside the stores.

Building the keyword view (BM25 weights over every clause's tokens) and reading every vector out
of Chroma took 1.8 s and 1.6 s for the shared corpus: fine once for a server, most of the wait for
a one-shot `stdkb search`. Whoever builds a view first saves it here; the next process of the same
generation loads it in milliseconds. The files are derived data: deleting the folder loses nothing.

A view belongs to one catalogue (its `uid`, so a catalogue made anew never meets an old file of
the same generation number) and one generation. Every write to the stores bumps the generation,
vectors included, and the catalogue logs which documents each generation changed: a process
finding a view of an older generation brings it up to date by document (index/search/layers.py), and
only views built whole are saved.
"""

from __future__ import annotations

import os
import uuid
import zipfile
from pathlib import Path

import numpy as np
from scipy import sparse

from index.search.ann import CellIndex
from index.search.dense import DenseIndex
from index.search.keyword import KeywordIndex

VIEWS = "views"


class ViewCache:
    def __init__(self, folder: Path, catalogue: str):
        self.folder = folder
        self.catalogue = catalogue

    def _path(self, kind: str, generation: int) -> Path:
        return self.folder / f"{kind}-{self.catalogue}-{generation}.npz"

    def newest(self, kind: str, generation: int) -> int | None:
        """The newest generation, up to `generation`, of which a `kind` view of this catalogue is saved."""
        saved = []
        for path in self.folder.glob(f"{kind}-{self.catalogue}-*.npz"):
            try:
                saved.append(int(path.stem.rsplit("-", 1)[1]))
            except ValueError:
                continue
        saved = [g for g in saved if g <= generation]
        return max(saved) if saved else None

    def load_keyword(self, generation: int) -> KeywordIndex | None:
        arrays = self._load("keyword", generation)
        if arrays is None:
            return None
        stats = {name.removeprefix("stats_"): a for name, a in arrays.items() if name.startswith("stats_")}
        if len(stats) < 5:   # saved by an older stdkb, without the statistics document updates need
            return None
        matrix = sparse.csc_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=tuple(arrays["shape"]))
        return KeywordIndex.from_parts(arrays["ids"].tolist(), arrays["vocab"].tolist(), arrays["doc_freq"], matrix,
                                       stats)

    def save_keyword(self, generation: int, view: KeywordIndex) -> None:
        vocab = sorted(view.vocab, key=view.vocab.__getitem__)
        m = view.matrix
        self._save("keyword", generation, ids=np.array(view.ids, dtype=str), vocab=np.array(vocab, dtype=str),
                   doc_freq=view.doc_freq, data=m.data, indices=m.indices, indptr=m.indptr, shape=np.array(m.shape),
                   **{f"stats_{name}": a for name, a in view.stats.items()})

    def load_dense(self, generation: int) -> DenseIndex | None:
        arrays = self._load("dense", generation)
        if arrays is None:
            return None
        cells = CellIndex(arrays["centroids"], arrays["offsets"]) if "centroids" in arrays else None
        return DenseIndex(arrays["ids"].tolist(), arrays["matrix"], cells=cells)

    def save_dense(self, generation: int, view: DenseIndex) -> None:
        cells = {"centroids": view.cells.centroids, "offsets": view.cells.offsets} if view.cells else {}
        self._save("dense", generation, ids=np.array(view.ids, dtype=str), matrix=view.matrix, **cells)

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
