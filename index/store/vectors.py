"""The vector store behind one small interface, so a Chroma server can replace the embedded one.

`open_vector_store("persistent", path=...)` keeps vectors in the data directory (the default);
`open_vector_store("http", url=...)` talks to `chroma run` elsewhere. Nothing else in stdkb
imports chromadb. Chroma's errors are wrapped in VectorStoreError at this boundary.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, Sequence
from urllib.parse import urlparse

import numpy as np

from index.errors import StorageError, VectorStoreError
from index.store.storage import storage_problem
from ingest.errors import StdkbError

COLLECTION = "clauses"
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)   # seconds between tries of a write to a Chroma server
_sleep = time.sleep                   # tests replace it to see the delays without waiting them


def _transient(exc: BaseException) -> bool:
    """Whether a failed call to a Chroma server may succeed when tried again: the connection, not the request."""
    import httpx

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (httpx.TransportError, ConnectionError, TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    return any(word in text for word in ("connect", "timed out", "timeout", "503", "502", "unavailable"))


class VectorStore(Protocol):
    def upsert(self, ids: Sequence[str], vectors: np.ndarray, sources: Sequence[str]) -> None: ...
    def delete_document(self, source: str) -> None: ...
    def delete_ids(self, ids: Sequence[str]) -> None: ...
    def query(self, vector: np.ndarray, k: int, sources: set[str] | None = None) -> list[tuple[str, float]]: ...
    def id_sources(self) -> dict[str, str]: ...
    def sources_of(self, ids: Sequence[str]) -> dict[str, str]: ...
    def vectors_of(self, ids: Sequence[str]) -> tuple[list[str], np.ndarray]: ...
    def count(self) -> int: ...
    def dimension(self) -> int | None: ...
    def reset(self) -> None: ...


class ChromaVectorStore:
    """Cosine-space Chroma collection of clause vectors; metadata holds the document source."""

    def __init__(self, client, collection: str = COLLECTION, where: str = "the Chroma server", remote: bool = False):
        self._client = client
        self._name = collection
        self._where = where
        self._remote = remote
        self._collection = self._open()

    def _write(self, what: str, call) -> None:
        """Run one write; against a server, a failure that may pass (the server restarting, a dropped
        connection, a timeout) is tried again after 0.5, 1, 2 and 4 s before the write fails."""
        delays = RETRY_DELAYS if self._remote else ()
        attempt = 0
        while True:
            attempt += 1
            try:
                return call()
            except Exception as exc:
                if attempt > len(delays) or not _transient(exc):
                    raise self._error(what + (f" after {attempt} attempts" if attempt > 1 else ""), exc) from exc
                _sleep(delays[attempt - 1])

    def _open(self):
        with self._reading(f"cannot open vector collection '{self._name}'"):
            return self._client.get_or_create_collection(
                self._name, metadata={"hnsw:space": "cosine"}, embedding_function=None)

    def _error(self, what: str, exc: Exception) -> StdkbError:
        problem = storage_problem(exc)
        if problem:
            return StorageError(self._where, f"{what}: {problem}")
        return VectorStoreError(f"{what}: {exc}")

    @contextmanager
    def _reading(self, what: str):
        """Chroma's errors, whatever their class, as the index's own: a full or read-only disk is a
        StorageError, anything else a VectorStoreError saying what failed."""
        try:
            yield
        except StdkbError:
            raise
        except Exception as exc:
            raise self._error(what, exc) from exc

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, sources: Sequence[str]) -> None:
        batch = 2000  # well under Chroma's max batch size
        for i in range(0, len(ids), batch):
            self._write("writing vectors failed", lambda: self._collection.upsert(
                ids=list(ids[i:i + batch]), embeddings=vectors[i:i + batch].astype(np.float32),
                metadatas=[{"source": s} for s in sources[i:i + batch]]))

    def delete_document(self, source: str) -> None:
        self._write(f"deleting vectors of {source} failed", lambda: self._collection.delete(where={"source": source}))

    def delete_ids(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), 2000):
            self._write("deleting vectors failed", lambda: self._collection.delete(ids=ids[i:i + 2000]))

    def query(self, vector: np.ndarray, k: int, sources: set[str] | None = None) -> list[tuple[str, float]]:
        """Nearest clauses: (id, cosine similarity), best first; `sources` restricts the documents."""
        if sources is not None and not sources:
            return []
        where = None
        if sources is not None:
            where = {"source": {"$in": sorted(sources)}} if len(sources) > 1 else {"source": next(iter(sources))}
        with self._reading("vector query failed"):
            res = self._collection.query(query_embeddings=[vector.astype(np.float32)], n_results=k,
                                         where=where, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

    def sources_of(self, ids: Sequence[str]) -> dict[str, str]:
        """The stored ones among `ids`, with the document source each was written for."""
        out: dict[str, str] = {}
        for got in self._by_id(ids, "metadatas"):
            out.update((i, (m or {}).get("source", "")) for i, m in zip(got["ids"], got["metadatas"]))
        return out

    def id_sources(self) -> dict[str, str]:
        """Every stored vector id with the document source it was written for. Chroma lists by
        offset, which grows with the square of the collection: prefer `sources_of` where the ids
        are known."""
        out: dict[str, str] = {}
        offset, page = 0, 5000
        with self._reading("listing vectors failed"):
            while True:
                got = self._collection.get(include=["metadatas"], limit=page, offset=offset)
                out.update((i, (m or {}).get("source", "")) for i, m in zip(got["ids"], got["metadatas"]))
                if len(got["ids"]) < page:
                    return out
                offset += page

    def vectors_of(self, ids: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """The stored vectors of `ids` (those that have one)."""
        found: list[str] = []
        blocks: list[np.ndarray] = []
        for got in self._by_id(ids, "embeddings"):
            found.extend(got["ids"])
            if len(got["ids"]):
                blocks.append(np.asarray(got["embeddings"], dtype=np.float32))
        return found, (np.vstack(blocks) if blocks else np.zeros((0, 0), dtype=np.float32))

    def _by_id(self, ids: Sequence[str], include: str, page: int = 5000):
        """Chroma's answers for `ids`, asked for by id in pages: paging by offset would make
        reading a million vectors quadratic."""
        for start in range(0, len(ids), page):
            with self._reading("reading vectors failed"):
                got = self._collection.get(ids=list(ids[start:start + page]), include=[include])
            yield got

    def count(self) -> int:
        with self._reading("counting vectors failed"):
            return self._collection.count()

    def dimension(self) -> int | None:
        """Length of the stored vectors; None when there are none."""
        with self._reading("reading vectors failed"):
            got = self._collection.get(include=["embeddings"], limit=1)
        return len(got["embeddings"][0]) if len(got["ids"]) else None

    def reset(self) -> None:
        """Drop every vector (used when the embedder changes and all clauses are re-embedded)."""
        try:
            self._client.delete_collection(self._name)
        except Exception:
            pass  # nothing to drop
        self._collection = self._open()


class LazyVectorStore:
    """A vector store opened on first use. Importing chromadb and opening the store takes about a
    second; `stdkb clause` and document pages never touch vectors and should not pay it."""

    def __init__(self, mode: str = "persistent", path: Path | None = None, url: str = ""):
        self._args = (mode, path, url)
        self._store: ChromaVectorStore | None = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = open_vector_store(*self._args)
        return getattr(self._store, name)


def open_vector_store(mode: str = "persistent", path: Path | None = None, url: str = "") -> ChromaVectorStore:
    """Open the embedded store in `path` (mode 'persistent') or a Chroma server at `url` (mode 'http')."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    try:
        if mode == "persistent":
            if path is None:
                raise VectorStoreError("the persistent vector store needs a directory")
            client = chromadb.PersistentClient(path=str(path), settings=settings)
        elif mode == "http":
            parsed = urlparse(url if "://" in url else f"http://{url}")
            client = chromadb.HttpClient(host=parsed.hostname or "localhost", port=parsed.port or 8000,
                                         ssl=parsed.scheme == "https", settings=settings)
        else:
            raise VectorStoreError(f"unknown vector store mode '{mode}' (use 'persistent' or 'http')")
    except VectorStoreError:
        raise
    except Exception as exc:
        problem = storage_problem(exc)
        if problem:
            raise StorageError(path or url, f"cannot open the vector store: {problem}") from exc
        raise VectorStoreError(f"cannot open the vector store ({mode}): {exc}") from exc
    return ChromaVectorStore(client, where=str(path) if mode == "persistent" else url, remote=mode == "http")
