"""Faults: SIGKILL during ingest, concurrent readers and writers, damaged stores, full and read-only disks.

Whatever happens, every document a reader can see is whole, `stdkb check` says what is wrong and
`--repair` (or the next ingest) makes the stores agree again.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.cli.main import main as cli
from api.http.app import create_app
from api.settings import Settings
from evaluation.crash_loop import ROOT, _env, crash_loop, stdkb, violations
from index.index import Index
from index.store.faults import FaultPlan
from ingest.collect import collect

from .conftest import SUBSET, copy_subset

KEY = "k" * 24
FOOD = "法律/反食品浪费法(2021-04-29).md"


# ------------------------------------------------------------------------------------ SIGKILL
@pytest.mark.slow
def test_ingest_killed_at_planned_points_leaves_every_document_whole_or_absent(tmp_path):
    corpus = copy_subset(tmp_path / "corpus")
    result = crash_loop(corpus, tmp_path / "kb", kills=4, seed=7, change=2)
    assert [r.plan for r in result.rounds if not r.killed] == [], "a planned kill was never reached"
    assert result.violations == []
    assert result.final_ok, result.final_problems
    assert any(r.writes_seen > 0 for r in result.rounds), "no kill landed inside a document write"


@pytest.mark.slow
def test_the_text_is_marked_searchable_before_the_vectors_are_done(tmp_path):
    """scripts/run starts the server on this mark (issue 33): an ingest killed while it embeds has
    made the mark, and every document answers citations, with a notice that meaning is still coming."""
    corpus = copy_subset(tmp_path / "corpus", SUBSET[:3])
    data, mark = tmp_path / "kb", tmp_path / "text-ready"
    killed = subprocess.run(stdkb("ingest", str(corpus), "--text-ready", str(mark), data_dir=data),
                            env=_env("document-vectors:1"), cwd=ROOT, capture_output=True)
    assert killed.returncode == -signal.SIGKILL and mark.exists()
    index = Index(data)
    stats = index.stats()
    assert stats.documents == 3 and stats.vectors < stats.clauses
    found = index.search("公共机构节能条例第十条", k=1)
    assert found.hits[0].article == "第十条"
    assert "向量还在生成" in index.search("公共机构的能源消耗统计", k=3).notice
    index.close()


@pytest.mark.slow
@pytest.mark.parametrize("plan", ["document-complete:1", "document-vectors:1", "model-link-removed:1"])
def test_a_kill_between_two_store_writes_is_repaired_by_the_next_ingest(tmp_path, plan):
    corpus = copy_subset(tmp_path / "corpus", SUBSET[:3])
    data = tmp_path / "kb"
    killed = subprocess.run(stdkb("ingest", str(corpus), data_dir=data), env={**_env(plan)}, cwd=ROOT,
                            capture_output=True)
    assert killed.returncode == -signal.SIGKILL
    assert violations(data) == []
    index = Index(data)
    index.upsert(*collect([corpus]))
    assert index.check().ok and index.stats().documents == 3


def test_an_unknown_fault_plan_is_a_settings_error_naming_the_stages(tmp_path, monkeypatch, capsys):
    with pytest.raises(ValueError, match="document-vectors"):
        FaultPlan("documents-written:1")
    monkeypatch.setenv("STDKB_FAULT_AT", "documents-written:1")
    assert cli(["check", "--data-dir", str(tmp_path / "kb")]) == 2
    assert "STDKB_FAULT_AT" in capsys.readouterr().err


# ------------------------------------------------------------------------------ check & repair
def test_check_finds_a_document_missing_clauses_and_repair_hides_it_until_reingest(kb_copy, subset_corpus):
    index = Index(kb_copy)
    index.catalog._conn.execute("DELETE FROM clauses WHERE source=? AND position > 3", (FOOD,))
    report = index.check()
    assert not report.ok and FOOD in report.pending_documents
    assert any("missing some of their clauses" in p for p in report.problems)
    index.check(repair=True)
    assert index.check().ok and index.catalog.document(FOOD) is None
    index.upsert(*collect([subset_corpus]))
    assert index.check().ok and index.catalog.document(FOOD).clause_count > 3


def test_check_rebuilds_keyword_rows_that_went_missing(kb_copy):
    index = Index(kb_copy)
    index.catalog._conn.execute(
        "DELETE FROM clause_fts WHERE rowid IN (SELECT rowid FROM clauses WHERE source=?)", (FOOD,))
    assert any("keyword index" in p for p in index.check().problems)
    index.check(repair=True)
    assert index.check().ok
    index.refresh_views()
    assert index.search("餐饮服务经营者 浪费", k=5).hits[0].source == FOOD


def test_check_moves_vectors_filed_under_the_wrong_document(kb_copy):
    index = Index(kb_copy)
    cid = index.catalog.clauses_of(FOOD)[0].id
    index.vectors.upsert([cid], np.ones((1, index.embedder().dim), dtype=np.float32), ["elsewhere"])
    assert any("wrong document" in p for p in index.check().problems)
    index.check(repair=True)
    assert index.check().ok and index.vectors.id_sources()[cid] == FOOD


def test_interrupted_re_embedding_is_finished_by_repair(kb_copy):
    index = Index(kb_copy)
    index.data.update_manifest(vectors_stale=True)
    index.vectors.delete_document(FOOD)
    report = index.check()
    assert any("previous embedder" in p for p in report.problems)
    index.check(repair=True)
    assert index.check().ok and not index.data.manifest()["vectors_stale"]


def test_a_crash_inside_the_model_swap_still_leaves_a_model(kb_copy):
    models = kb_copy / "models"
    (trained,) = models.glob("domain-*")
    (models / "domain").unlink()   # killed between removing the old link and renaming the new one
    index = Index(kb_copy)
    assert (models / "domain").resolve() == trained.resolve()
    assert index.check().ok and index.search("节能目标", k=3).hits


def test_a_delete_interrupted_before_the_catalogue_leaves_the_document_hidden(kb_copy):
    index = Index(kb_copy)
    index.catalog.begin_removal(FOOD)
    index.vectors.delete_document(FOOD)   # killed here
    assert index.catalog.document(FOOD) is None
    assert all(h.source != FOOD for h in index.search("反食品浪费", k=20).hits)
    assert index.check().pending_documents == [FOOD]
    index.check(repair=True)
    assert index.check().ok


def test_check_command_exits_nonzero_and_repair_fixes(kb_copy, capsys):
    index = Index(kb_copy)
    index.catalog._conn.execute("UPDATE documents SET state='pending' WHERE source=?", (FOOD,))
    index.close()
    assert cli(["check", "--data-dir", str(kb_copy), "--json"]) == 8
    assert json.loads(capsys.readouterr().out)["pending_documents"] == [FOOD]
    assert cli(["check", "--repair", "--data-dir", str(kb_copy)]) == 0
    assert cli(["check", "--data-dir", str(kb_copy)]) == 0


def test_a_damaged_catalogue_is_reported_not_repaired(tmp_path, kb_dir):
    target = tmp_path / "kb"
    shutil.copytree(kb_dir, target, symlinks=True)
    with open(target / "catalog.sqlite3", "r+b") as fh:
        fh.seek(8192)
        fh.write(b"\xff" * 4096)
    before = (target / "catalog.sqlite3").read_bytes()
    report = Index(target).check(repair=True)
    assert not report.ok and not report.repaired and "damaged" in report.problems[0]
    assert (target / "catalog.sqlite3").read_bytes() == before


# -------------------------------------------------------------------------------- concurrency
def _versions(root: Path, marker: str) -> Path:
    text = "蓝鲸保障办法\n\n" + "".join(
        f"第{n}条 蓝鲸保障第{n}项要求，{marker}，机关事务管理部门应当落实。\n" for n in "一二三四五六七八九十")
    folder = root / marker
    folder.mkdir(parents=True)
    (folder / "蓝鲸保障办法.md").write_text(text, encoding="utf-8")
    return folder


def test_searches_during_replacement_never_fail_or_see_half_a_document(kb_copy, tmp_path):
    a, b = _versions(tmp_path, "甲版"), _versions(tmp_path, "乙版")
    writer = Index(kb_copy)
    writer.upsert(*collect([a]))
    reader = Index(kb_copy, background_refresh=True)   # as in the server
    stop = threading.Event()
    seen, errors = [], []

    def search():
        while not stop.is_set():
            try:
                hits = [h for h in reader.search("蓝鲸保障要求落实", k=30).hits if h.source == "蓝鲸保障办法.md"]
                doc = reader.document("蓝鲸保障办法.md")
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(exc))
                continue
            seen.append(({"甲版" in h.text for h in hits}, doc and {("甲版" in c.text) for c in doc.clauses},
                         doc and len(doc.clauses)))

    reader.search("蓝鲸保障", k=1)   # builds the views before the race starts
    threads = [threading.Thread(target=search) for _ in range(2)]
    for t in threads:
        t.start()
    replaced, deadline = 0, time.time() + 90
    while (replaced < 8 or len(seen) < 40) and time.time() < deadline:
        writer.upsert(*collect([b if replaced % 2 == 0 else a]))
        replaced += 1
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert len(seen) > 20
    for hit_versions, doc_versions, count in seen:
        assert len(hit_versions) <= 1, "one search mixed clauses of two versions"
        assert doc_versions is None or (len(doc_versions) == 1 and count == 10)


def test_a_second_ingest_is_refused_while_one_runs(kb_copy, subset_corpus, capsys):
    index = Index(kb_copy)
    with index.data.ingest_lock():
        code = cli(["ingest", str(subset_corpus), "--data-dir", str(kb_copy)])
        err = capsys.readouterr().err
        with TestClient(create_app(Settings(data_dir=kb_copy, api_key=KEY))) as c:
            r = c.post("/api/v1/documents", headers={"X-API-Key": KEY},
                       files={"file": ("a.md", "某办法\n\n第一条 会议室应当整洁。\n".encode())})
    assert code == 5 and "another ingest is running" in err
    assert r.status_code == 409 and "another ingest is running" in r.json()["error"]
    assert index.check().ok


@pytest.mark.slow
def test_two_ingest_processes_at_once_are_serialised_or_refused_never_interleaved(kb_copy, tmp_path):
    a, b = _versions(tmp_path, "甲版"), _versions(tmp_path, "乙版")
    procs = [subprocess.Popen([sys.executable, "-m", "api.cli", "ingest", str(p), "--data-dir", str(kb_copy)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in (a, b)]
    outcomes = [(p.wait(), p.communicate()[1]) for p in procs]
    assert all(code == 0 or (code == 5 and "another ingest is running" in err) for code, err in outcomes), outcomes
    index = Index(kb_copy)
    assert index.check().ok
    doc = index.document("蓝鲸保障办法.md")
    assert len({"甲版" in c.text for c in doc.clauses}) == 1 and len(doc.clauses) == 10


# ------------------------------------------------------------------------- full / read-only disk
@pytest.fixture
def small_disk(tmp_path):
    """A 24 MiB tmpfs of our own, so a test can fill it or make it read-only (needs root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _wait_ready(client) -> None:
    deadline = time.monotonic() + 300   # only a guard against a server that never warms; not a speed test
    while client.get("/api/v1/ready").status_code != 200:
        assert time.monotonic() < deadline, "the server never became ready"
        time.sleep(0.05)


def _fill(disk: Path, leave_bytes: int) -> None:
    free = shutil.disk_usage(disk).free
    with open(disk / "filler", "wb") as fh:
        fh.truncate(0)
        remaining = max(free - leave_bytes, 0)
        block = b"\0" * (1 << 20)
        while remaining > 0:
            fh.write(block[: min(len(block), remaining)])
            remaining -= min(len(block), remaining)


def test_server_on_a_read_only_data_directory_serves_reads_and_refuses_writes(small_disk, kb_dir):
    data = small_disk / "kb"
    shutil.copytree(kb_dir, data)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with TestClient(create_app(Settings(data_dir=data, api_key=KEY))) as c:
        assert c.get("/api/v1/search", params={"q": "公共机构节能"}).json()["hits"]
        assert c.get("/?q=公共机构节能").status_code == 200
        health = c.get("/api/v1/health").json()
        assert health["writable"] is False and "read-only" in health["write_problem"]
        r = c.post("/api/v1/documents", headers={"X-API-Key": KEY},
                   files={"file": ("a.md", "某办法\n\n第一条 会议室应当整洁。\n".encode())})
        assert r.status_code == 507 and str(data) in r.json()["error"] and "read-only" in r.json()["error"]
        assert c.delete(f"/api/v1/documents/{FOOD}", headers={"X-API-Key": KEY}).status_code == 507
        assert c.get(f"/api/v1/documents/{FOOD}").status_code == 200


def test_ingest_on_a_full_disk_is_refused_clearly_and_leaves_the_store_intact(small_disk, kb_dir, tmp_path, capsys):
    data = small_disk / "kb"
    shutil.copytree(kb_dir, data)
    before = Index(data).check()
    _fill(small_disk, leave_bytes=2 << 20)
    new = _versions(tmp_path, "甲版")
    assert cli(["ingest", str(new), "--data-dir", str(data)]) == 9
    assert "disk is nearly full" in capsys.readouterr().err
    after = Index(data).check()
    assert after.ok and (after.documents, after.clauses) == (before.documents, before.clauses)


def test_disk_filling_up_during_a_write_keeps_serving_and_loses_nothing_stored(small_disk, kb_dir, tmp_path,
                                                                               monkeypatch):
    import index.index as index_module

    data = small_disk / "kb"
    shutil.copytree(kb_dir, data)
    monkeypatch.setattr(index_module, "free_space_problem", lambda *_: None)  # let the write start
    big = tmp_path / "big"
    big.mkdir()
    (big / "大文件办法.md").write_text("大文件办法\n\n" + "".join(
        f"第{n}条 " + f"会议服务保障要求第{n}项。" * 40 + "\n" for n in range(1, 400)), encoding="utf-8")
    with TestClient(create_app(Settings(data_dir=data, api_key=KEY))) as c:
        before = c.get("/api/v1/health").json()
        _wait_ready(c)   # the server saves its search views while warming: fill the disk after that
        _fill(small_disk, leave_bytes=256 << 10)
        r = c.post("/api/v1/documents", headers={"X-API-Key": KEY},
                   files={"file": ("大文件办法.md", (big / "大文件办法.md").read_bytes())})
        assert r.status_code == 507 and "disk is full" in r.json()["error"], r.text
        assert c.get("/api/v1/search", params={"q": "公共机构节能"}).json()["hits"]
    (small_disk / "filler").unlink()
    index = Index(data)
    index.check(repair=True)
    report = index.check()
    assert report.ok and (report.documents, report.clauses) == (before["documents"], before["clauses"])
    assert violations(data) == []


# ------------------------------------------------------------------------ text before vectors
BUILDINGS = "行政法规/机关团体建设楼堂馆所管理条例(2017-10-05).md"


def test_a_document_whose_vectors_are_not_written_yet_answers_citations_and_keywords(kb_copy, tmp_path, monkeypatch):
    from index.store.writes import Store

    corpus = copy_subset(tmp_path / "more", [BUILDINGS])
    index = Index(kb_copy)

    def stopped(self, batch):
        raise RuntimeError("the ingest stopped while embedding")

    monkeypatch.setattr(Store, "write_vectors", stopped)
    with pytest.raises(RuntimeError):
        index.upsert(*collect([corpus]))
    monkeypatch.undo()
    index.refresh_views()
    assert index.search("机关团体建设楼堂馆所管理条例第二条", k=3).hits[0].source == BUILDINGS
    found = index.search("楼堂馆所", k=5)
    assert any(h.source == BUILDINGS for h in found.hits) and "语义检索尚不完整" in found.notice
    assert index.stats().vectors_pending > 0
    report = index.check()
    assert not report.ok and any("without a vector" in p for p in report.problems)


def test_repair_embeds_the_clauses_an_interrupted_ingest_left_without_vectors(kb_copy, tmp_path, monkeypatch):
    from index.store.writes import Store

    corpus = copy_subset(tmp_path / "more", [BUILDINGS])
    index = Index(kb_copy)
    monkeypatch.setattr(Store, "write_vectors", lambda self, batch: (_ for _ in ()).throw(RuntimeError("stop")))
    with pytest.raises(RuntimeError):
        index.upsert(*collect([corpus]))
    monkeypatch.undo()
    index.check(repair=True)
    index.refresh_views()
    assert index.check().ok and index.stats().vectors_pending == 0
    assert "语义检索尚不完整" not in index.search("楼堂馆所", k=5).notice


def test_the_next_ingest_embeds_what_an_interrupted_one_owed_without_a_full_check(kb_copy, tmp_path, monkeypatch):
    from index.store.writes import Store

    corpus = copy_subset(tmp_path / "more", [BUILDINGS])
    index = Index(kb_copy)
    index.upsert(*collect([]))                         # a data directory that records owed vectors from here on
    monkeypatch.setattr(Store, "write_vectors", lambda self, batch: (_ for _ in ()).throw(RuntimeError("stop")))
    with pytest.raises(RuntimeError):
        index.upsert(*collect([corpus]))
    monkeypatch.undo()
    # Comparing every clause with the vector store is `stdkb check`'s job, not every ingest's.
    monkeypatch.setattr("index.store.repair.check", lambda *a, **k: pytest.fail("ran the full check"))
    index.upsert(*collect([corpus]))
    monkeypatch.undo()
    assert index.check().ok and index.stats().vectors_pending == 0
