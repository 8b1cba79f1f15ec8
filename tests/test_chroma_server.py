"""STDKB_CHROMA_MODE=http for real: a `chroma run` server from the project's own environment on a
loopback port, a knowledge base whose vectors live there, and what happens when it goes away."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from index.errors import VectorStoreError
from index.index import Index
from ingest.collect import collect

from .conftest import SUBSET, copy_subset

pytestmark = pytest.mark.slow
CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(path: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("chroma run did not start")


@pytest.fixture
def chroma(tmp_path):
    port = _free_port()
    proc = _start(tmp_path / "chroma", port)
    yield proc, f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def corpus(tmp_path):
    return copy_subset(tmp_path / "corpus", SUBSET[:2])


def test_a_knowledge_base_keeps_its_vectors_on_a_chroma_server(chroma, corpus, tmp_path):
    _, url = chroma
    kb = Index(tmp_path / "kb", vector_mode="http", vector_url=url)
    report = kb.upsert(*collect([corpus]))
    assert report.documents_added == 2 and kb.check().ok
    assert kb.stats().vectors == kb.stats().clauses
    hits = kb.search("机关的公车要怎么管？", k=3).hits
    assert any(h.title == "机关事务管理条例" for h in hits)
    # another process on the same catalogue and server sees the same
    again = Index(tmp_path / "kb", vector_mode="http", vector_url=url)
    assert [h.id for h in again.search("机关的公车要怎么管？", k=3).hits] == [h.id for h in hits]


def test_delete_and_repair_work_against_the_server(chroma, corpus, tmp_path):
    _, url = chroma
    kb = Index(tmp_path / "kb", vector_mode="http", vector_url=url)
    kb.upsert(*collect([corpus]))
    source = SUBSET[0]
    assert kb.remove(source) and kb.check().ok
    kb.upsert(*collect([corpus]))
    kb.vectors.delete_document(source)          # what a crash between text and vectors leaves
    found = kb.check()
    assert not found.ok and found.missing_vectors > 0
    assert kb.check(repair=True).repaired and kb.check().ok


def test_while_the_server_is_down_search_answers_from_keywords_and_says_so(chroma, corpus, tmp_path):
    import shutil

    proc, url = chroma
    kb = Index(tmp_path / "kb", vector_mode="http", vector_url=url)
    kb.upsert(*collect([corpus]))
    kb.search("公务用车", k=3)
    proc.terminate()
    proc.wait(10)
    # the views saved for this generation still hold every vector: search is whole
    saved = Index(tmp_path / "kb", vector_mode="http", vector_url=url).search("机关的公车要怎么管？", k=3)
    assert saved.hits and not saved.notice
    shutil.rmtree(tmp_path / "kb" / "views")
    cold = Index(tmp_path / "kb", vector_mode="http", vector_url=url)
    result = cold.search("机关的公车要怎么管？", k=3)
    assert result.hits and "语义检索暂不可用" in result.notice
    assert cold.clause("机关事务管理条例第十条").found
    with pytest.raises(VectorStoreError):   # a check cannot vouch for a store it cannot read
        cold.check()
    stats = cold.stats()
    assert stats.vector_store == f"Chroma server {url}" and stats.vector_store_problem


def test_health_says_when_the_chroma_server_is_down(chroma, corpus, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from api.http.app import create_app

    proc, url = chroma
    Index(tmp_path / "kb", vector_mode="http", vector_url=url).upsert(*collect([corpus]))
    monkeypatch.setenv("STDKB_CHROMA_MODE", "http")
    monkeypatch.setenv("STDKB_CHROMA_URL", url)
    monkeypatch.setenv("STDKB_DATA_DIR", str(tmp_path / "kb"))
    with TestClient(create_app()) as client:
        assert client.get("/api/v1/health").json()["status"] == "ok"
        proc.terminate()
        proc.wait(10)
        health = client.get("/api/v1/health").json()
    assert health["status"] == "degraded" and url in health["vector_store"] and health["vector_store_problem"]


def test_writes_to_a_server_that_is_down_are_tried_again_then_fail_clearly(chroma, corpus, tmp_path, monkeypatch):
    import index.store.vectors

    proc, url = chroma
    kb = Index(tmp_path / "kb", vector_mode="http", vector_url=url)
    kb.upsert(*collect([corpus]))
    proc.terminate()
    proc.wait(10)
    waited: list[float] = []
    monkeypatch.setattr(index.store.vectors, "_sleep", waited.append)
    with pytest.raises(VectorStoreError, match="after 5 attempts"):
        kb.vectors.delete_document(SUBSET[0])
    assert waited == list(index.store.vectors.RETRY_DELAYS)
