"""A learned low-rank correction of the question's vector before the dense search.

The encoder places an everyday question (单位缺几张办公桌，能直接买新的吗？) away from the
article in the rules' words that answers it. `v + (v·U)·V`, renormalised, moves a question
vector toward where the articles its kind of question needs lie; U and V (dimension × rank) are
fitted by `python -m evaluation.fit_adapter` on questions with known gold articles (dev and the
blind tuning paraphrases, never the held-out set) and stored per embedder in
`data/adapter.json`. Passages are untouched, so nothing is re-embedded, and the confidence of a
search keeps reading the encoder's own cosine (ranker.py): the correction reorders, it does not
make a question nearer the corpus than it is. Every search goes through it, the gap analysis's
too. No entry for the embedder, or STDKB_QUERY_ADAPTER off: the vector is used as the encoder
gives it, with the embedder's own fusion weights, as before the adapter existed.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

ADAPTER_FILE = Path(__file__).resolve().parent / "data" / "adapter.json"


@dataclass(frozen=True)
class QueryAdapter:
    u: np.ndarray   # dimension × rank
    v: np.ndarray   # rank × dimension
    # The weight of the dense list in the fusion when the adapter is on, chosen with it by folds
    # (the corrected list is worth more than the encoder's own); None: the embedder's fusion weight.
    dense_weight: float | None = None

    def __call__(self, vector: np.ndarray) -> np.ndarray:
        vector = np.asarray(vector, dtype=np.float32)
        if vector.shape[-1] != self.u.shape[0]:   # another encoder's vectors: nothing to correct
            return vector
        moved = vector + (vector @ self.u) @ self.v
        norm = float(np.linalg.norm(moved))
        return (moved / norm).astype(np.float32) if norm else vector

    @classmethod
    def from_entry(cls, entry: dict) -> "QueryAdapter":
        return cls(_matrix(entry["u"]), _matrix(entry["v"]), entry.get("dense_weight"))

    def entry(self, **about) -> dict:
        """The stored form: U and V as little-endian float32, base64 (exact, and a small text file
        rewritten byte for byte)."""
        return {**about, "dense_weight": self.dense_weight, "u": _text(self.u), "v": _text(self.v)}


def _text(m: np.ndarray) -> dict:
    return {"shape": list(m.shape), "float32_base64": base64.b64encode(m.astype("<f4").tobytes()).decode("ascii")}


def _matrix(stored: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(stored["float32_base64"]), dtype="<f4").reshape(stored["shape"]).astype(np.float32)


@lru_cache(maxsize=None)
def _entries() -> dict:
    if not ADAPTER_FILE.exists():
        return {}
    return json.loads(ADAPTER_FILE.read_text(encoding="utf-8")).get("adapters", {})


def adapter_for(embed_model: str) -> QueryAdapter | None:
    """The fitted correction of this embedder's question vectors; None when none was fitted."""
    entry = _entries().get(embed_model)
    return QueryAdapter.from_entry(entry) if entry else None
