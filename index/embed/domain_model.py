"""The offline default embedder: a static word-embedding model trained on the ingested corpus.

No pretrained model can be fetched here, so stdkb learns one from the clauses themselves and saves
it as an ordinary sentence-transformers model (`StaticEmbedding`), loaded by the same code as a
pretrained one:

1. vocabulary: jieba words (with the domain dictionary) and every character of the corpus, stored
   as a Unigram tokenizer whose scores are the log word frequencies, so the saved tokenizer
   segments text the way jieba does without needing jieba;
2. vectors: truncated SVD of the positive PMI matrix of word co-occurrences within clauses, each
   vector scaled by the SIF weight a/(a+p(w)) so that mean pooling down-weights frequent words;
3. contrastive tuning: MultipleNegativesRankingLoss on pairs the corpus provides (a clause and its
   document title + heading path; a defined term and its definition; neighbouring articles).
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from ingest.models import Clause
from ingest.segment import Segmenter

_CJK_OR_WORD = re.compile(r"[\w\u4e00-\u9fff]")
_DEFINITION = re.compile(r"(?:本(?:法|条例|规定|办法|细则|标准|文件)(?:所称|中下列用语的含义)?|所称)([^，。,；]{2,20})[，,]?\s*是指")

Progress = Callable[[str, float], None]


def _quiet(_msg: str, _frac: float) -> None:
    pass


def train_domain_model(clauses: list[dict], out_dir: Path, segmenter: Segmenter, dim: int = 256,
                       min_count: int = 3, tune_steps: int = 600, seed: int = 13,
                       progress: Progress = _quiet) -> Path:
    """Train the domain model on `clauses` and save it to `out_dir`.

    `clauses` are dicts with 'text', 'context' (document title + heading path), 'title' (term or
    section title, may be empty) and 'group' (clauses of one chapter share a group).
    Returns `out_dir`.
    """
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    progress("segmenting corpus", 0.0)
    docs = [segmenter.words(c["text"]) for c in clauses]
    counts = Counter(w for d in docs for w in d if _CJK_OR_WORD.search(w))
    vocab_words = [w for w, c in counts.items() if c >= min_count and len(w) > 1]
    chars: Counter = Counter()
    for w, c in counts.items():
        for ch in w:
            chars[ch] += c
    vocab = ["<unk>"] + sorted(set(vocab_words) | set(chars), key=lambda w: (-counts.get(w, chars.get(w, 0)), w))
    freq = np.array([0] + [counts.get(w, 0) + (chars.get(w, 0) if len(w) == 1 else 0) for w in vocab[1:]], dtype=np.float64)
    tokenizer = _unigram_tokenizer(vocab, freq)

    progress("counting co-occurrences", 0.15)
    ids_per_doc = [[i for i in (tokenizer_ids(tokenizer, c["text"]))] for c in clauses]
    weights = _ppmi_svd(ids_per_doc, len(vocab), dim, seed)
    progress("factorised co-occurrence matrix", 0.45)
    p = freq / max(1.0, freq.sum())
    sif = 1e-3 / (1e-3 + p)
    sif[0] = 0.0  # unknown tokens carry nothing
    weights = weights * sif[:, None]

    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import StaticEmbedding

    static = StaticEmbedding(tokenizer, embedding_weights=weights.astype(np.float32))
    model = SentenceTransformer(modules=[static], device="cpu")
    if tune_steps:
        _contrastive_tune(model, _pairs(clauses), tune_steps, progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(str(out_dir))
    progress("saved domain model", 1.0)
    return out_dir


def tokenizer_ids(tokenizer, text: str) -> list[int]:
    return tokenizer.encode(text, add_special_tokens=False).ids


def _unigram_tokenizer(vocab: list[str], freq: np.ndarray):
    from tokenizers import Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import Unigram

    total = float(freq.sum())
    scored = [("<unk>", 0.0)] + [(w, math.log(max(f, 1.0) / total)) for w, f in zip(vocab[1:], freq[1:])]
    tok = Tokenizer(Unigram(scored, unk_id=0, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation(), pre_tokenizers.Digits(individual_digits=False)])
    return tok


def _ppmi_svd(docs: list[list[int]], n: int, dim: int, seed: int, window: int = 5) -> np.ndarray:
    """Rows = word vectors from the SVD of the shifted positive PMI co-occurrence matrix."""
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd

    rows, cols = [], []
    for d in docs:
        a = np.asarray([i for i in d if i != 0], dtype=np.int64)
        for off in range(1, window + 1):
            if len(a) > off:
                rows.append(a[:-off])
                cols.append(a[off:])
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    m = sparse.coo_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(n, n)).tocsr()
    m = (m + m.T).tocsr()
    total = m.sum()
    row_sum = np.asarray(m.sum(axis=1)).ravel()
    ctx = np.asarray(m.sum(axis=0)).ravel() ** 0.75
    ctx_p = ctx / max(ctx.sum(), 1e-9)
    m = m.tocoo()
    pmi = np.log((m.data * 1.0 / total) / ((row_sum[m.row] / total) * ctx_p[m.col] + 1e-12) + 1e-12)
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=(n, n))
    k = min(dim, n - 1)
    u, s, _ = randomized_svd(ppmi, n_components=k, n_iter=4, random_state=seed)
    vecs = u * np.sqrt(s)[None, :]
    if k < dim:
        vecs = np.hstack([vecs, np.zeros((n, dim - k))])
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-9)


def _pairs(clauses: list[dict]) -> list[tuple[str, str]]:
    """(anchor, positive) pairs the corpus itself provides."""
    pairs: list[tuple[str, str]] = []
    by_group: dict[str, list[str]] = {}
    for c in clauses:
        text = c["text"]
        if len(text) < 8:
            continue
        if c.get("context"):
            pairs.append((c["context"], text))
        if c.get("title") and c["title"] != text:
            pairs.append((c["title"], text))
        for m in _DEFINITION.finditer(text):
            pairs.append((m.group(1), text))
        by_group.setdefault(c.get("group", ""), []).append(text)
    for texts in by_group.values():
        for a, b in zip(texts, texts[1:]):
            pairs.append((a, b))
    random.shuffle(pairs)
    return pairs


def _contrastive_tune(model, pairs: list[tuple[str, str]], steps: int, progress: Progress,
                      batch_size: int = 128, lr: float = 0.02) -> None:
    import torch
    from sentence_transformers.losses import MultipleNegativesRankingLoss

    if len(pairs) < batch_size:
        return
    loss_fn = MultipleNegativesRankingLoss(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for step in range(steps):
        start = (step * batch_size) % (len(pairs) - batch_size)
        batch = pairs[start:start + batch_size]
        prepare = getattr(model, "preprocess", None) or model.tokenize  # renamed in sentence-transformers 6
        features = [prepare([a for a, _ in batch]), prepare([b for _, b in batch])]
        loss = loss_fn(features, torch.empty(0))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 50 == 0:
            progress(f"contrastive tuning step {step}/{steps} loss {loss.item():.3f}", 0.5 + 0.5 * step / steps)
    model.eval()


def training_clauses(rows: Iterable[tuple[Clause, str, str]]) -> list[dict]:
    """Build the training input from (clause, its document's title, its document's source)."""
    out = []
    for clause, title, source in rows:
        context = " ".join([title, *clause.heading_path])
        out.append({"text": clause.text, "context": context, "title": clause.title,
                    "group": f"{source}|{' '.join(clause.heading_path)}"})
    return out
