"""The peer baselines stdkb is compared with: what a generic RAG stack does with the same corpus.

Both cut every document's text into naive fixed-size chunks (500 characters, 50 overlap) with no
knowledge of articles or headings:
  - `bm25`: llama-index's BM25Retriever over jieba-segmented chunks. BM25Retriever tokenises by
    its own regex and ignores custom tokenizers, so chunks and queries are segmented with jieba
    first and joined by spaces (the pre-segmentation the developers' guide prescribes).
  - `dense`: the same chunks embedded with the embedder stdkb uses, ranked by cosine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ingest.errors import DocumentError
from ingest.metadata import split_header
from ingest.parse import find_files
from ingest.readers import read_document_text
from ingest.segment import Segmenter

from .retrieval import ChunkResult

CHUNK_CHARS = 500
OVERLAP = 50


@dataclass
class Chunk:
    source: str
    text: str


def naive_chunks(corpus: Path, size: int = CHUNK_CHARS, overlap: int = OVERLAP) -> list[Chunk]:
    """Every supported file under `corpus`, body text cut into windows of `size` characters."""
    out = []
    for path, root in find_files([corpus]):
        try:
            body = split_header(read_document_text(path)).body
        except DocumentError:
            continue
        source = path.relative_to(root).as_posix()
        step = size - overlap
        for start in range(0, max(len(body) - overlap, 1), step):
            piece = body[start:start + size]
            if piece.strip():
                out.append(Chunk(source, piece))
    return out


class BM25Baseline:
    def __init__(self, chunks: list[Chunk], segmenter: Segmenter, k: int = 10):
        from llama_index.core.schema import TextNode
        from llama_index.retrievers.bm25 import BM25Retriever

        self.segmenter = segmenter
        nodes = [TextNode(text=" ".join(segmenter.words(c.text)), id_=str(i), metadata={"source": c.source})
                 for i, c in enumerate(chunks)]
        self.chunks = chunks
        self.retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=k, skip_stemming=True,
                                                     token_pattern=r"(?u)[^\s\W]+|\S")

    def __call__(self, query: str) -> tuple[list[ChunkResult], bool]:
        found = self.retriever.retrieve(" ".join(self.segmenter.words(query)))
        return [ChunkResult(self.chunks[int(n.node.node_id)].source, self.chunks[int(n.node.node_id)].text)
                for n in found], False


class DenseBaseline:
    def __init__(self, chunks: list[Chunk], embedder, k: int = 10,
                 progress: Callable[[int, int], None] = lambda done, total: None):
        self.chunks = chunks
        self.embedder = embedder
        self.k = k
        texts = [c.text for c in chunks]
        parts = []
        for start in range(0, len(texts), 256):   # slices, so a slow encoder still reports progress
            parts.append(embedder.encode(texts[start:start + 256]))
            progress(min(start + 256, len(texts)), len(texts))
        self.matrix = np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)

    def __call__(self, query: str) -> tuple[list[ChunkResult], bool]:
        q = self.embedder.encode([query], query=True)[0]
        scores = self.matrix @ q
        top = np.argsort(-scores)[: self.k]
        return [ChunkResult(self.chunks[i].source, self.chunks[i].text) for i in top], False
