"""Sentence embeddings through sentence-transformers: a local model directory, a pulled hub model,
or the domain model stdkb trains on the corpus (see domain_model.py). One code path loads all three.

Nothing here downloads at run time: a hub id must have been fetched with `stdkb models pull`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import EmbedderError

RECOMMENDED_MODEL = "BAAI/bge-small-zh-v1.5"
DOMAIN = "domain"  # the STDKB_EMBED_MODEL value that selects the corpus-trained model


@dataclass
class Embedder:
    """A loaded model with a name (what the user configured) and a fingerprint of its files."""

    model: object  # sentence_transformers.SentenceTransformer
    name: str
    fingerprint: str

    @property
    def dim(self) -> int:
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str], batch_size: int = 256) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(texts, batch_size=batch_size, convert_to_numpy=True,
                                 normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)


def hub_dir(models_dir: Path, repo_id: str) -> Path:
    """Where `stdkb models pull` keeps a hub model inside the data directory."""
    return models_dir / repo_id.replace("/", "__")


def load_embedder(spec: str, models_dir: Path) -> Embedder:
    """Load `spec`: a local directory, or a hub id previously pulled into `models_dir`.

    Raises EmbedderError when the model is not available locally.
    """
    path = Path(spec).expanduser()
    if not path.is_dir():
        pulled = hub_dir(models_dir, spec)
        if not pulled.is_dir():
            raise EmbedderError(
                f"embedding model '{spec}' is not a local directory and has not been pulled; "
                f"run `stdkb models pull {spec}` on a machine that reaches the model hub, "
                f"or unset STDKB_EMBED_MODEL to use the domain model trained on your corpus")
        path = pulled
    return Embedder(_load_sentence_transformer(path), name=spec, fingerprint=fingerprint(path))


def _load_sentence_transformer(path: Path):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory never needs the network
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as exc:
        raise EmbedderError(f"cannot load embedding model from {path}: {exc}") from exc


def fingerprint(path: Path) -> str:
    """sha256 over the model's files (names and contents), so a changed model is noticed."""
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(f.relative_to(path).as_posix().encode())
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def pull_model(repo_id: str, models_dir: Path, revision: str | None = None) -> Embedder:
    """Download `repo_id` from the model hub into `models_dir`, then load and verify it.

    Verification: the model loads with sentence-transformers and embeds Chinese sentences into
    finite unit vectors of its declared dimension, different sentences into different vectors.
    """
    from huggingface_hub import snapshot_download

    target = hub_dir(models_dir, repo_id)
    try:
        snapshot_download(repo_id=repo_id, local_dir=str(target), revision=revision)
    except Exception as exc:
        raise EmbedderError(f"downloading '{repo_id}' failed: {exc}") from exc
    embedder = load_embedder(str(target), models_dir)
    embedder.name = repo_id
    verify(embedder)
    return embedder


def verify(embedder: Embedder) -> None:
    vecs = embedder.encode(["公务用车的配备标准", "公车配备有什么标准", "刑事诉讼的管辖"])
    if not np.all(np.isfinite(vecs)) or vecs.shape[1] != embedder.dim:
        raise EmbedderError(f"model '{embedder.name}' produced invalid vectors")
    if np.allclose(vecs[0], vecs[2]):
        raise EmbedderError(f"model '{embedder.name}' gives unrelated sentences the same vector")
