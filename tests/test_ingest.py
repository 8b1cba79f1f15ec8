"""Ingesting into real stores (SQLite + Chroma on a temp dir): idempotence, replacement, bad files, crashes."""

from __future__ import annotations

import shutil

from index.index import Index
from ingest.collect import collect

from .conftest import CORPUS, SUBSET, copy_subset


def test_subset_is_fully_indexed_in_both_stores(kb):
    report = kb.check()
    assert report.ok, report.problems
    assert report.documents == len(SUBSET)
    assert report.vectors == report.clauses > 250


def test_reingesting_unchanged_files_writes_nothing(kb_copy, subset_corpus):
    index = Index(kb_copy)
    report = index.upsert(*collect([subset_corpus]))
    assert (report.documents_added, report.documents_replaced, report.documents_unchanged) == (0, 0, len(SUBSET))
    assert report.clauses_written == 0 and not report.embedder_trained


def test_changed_file_replaces_its_clauses_completely(kb_copy, tmp_path):
    corpus = copy_subset(tmp_path / "c", ["行政法规/机关事务管理条例(2012-06-28).md"])
    path = corpus / "行政法规/机关事务管理条例(2012-06-28).md"
    text = path.read_text(encoding="utf-8")
    cut = text.index("第十条")
    path.write_text(text[:cut] + "第十条 本条已改写为测试文本。\n\n第十一条 最后一条。\n", encoding="utf-8")
    index = Index(kb_copy)
    report = index.upsert(*collect([corpus]))
    assert report.documents_replaced == 1
    labels = [c.label for c in index.catalog.clauses_of("行政法规/机关事务管理条例(2012-06-28).md")]
    assert labels[-2:] == ["第十条", "第十一条"] and "第二十条" not in labels
    assert index.check().ok


def test_writing_and_removing_documents_deletes_vectors_by_id_not_by_scanning_the_store(kb_copy, tmp_path,
                                                                                      monkeypatch):
    """Chroma answers "every vector of this source" by scanning all of them: 0.1 s a document at a
    million clauses, which made a large ingest quadratic. The catalogue knows the ids."""
    from index.store.vectors import ChromaVectorStore

    def scan(self, source):
        raise AssertionError(f"vectors of {source} deleted by scanning the store")

    monkeypatch.setattr(ChromaVectorStore, "delete_document", scan)
    corpus = copy_subset(tmp_path / "c", ["行政法规/机关事务管理条例(2012-06-28).md"])
    path = corpus / "行政法规/机关事务管理条例(2012-06-28).md"
    path.write_text(path.read_text(encoding="utf-8").replace("第十条", "第十条 改写。\n\n第十条之后", 1),
                    encoding="utf-8")
    new = tmp_path / "新规定.md"
    new.write_text("# 会议室使用规定\n\n第一条 会议结束后应当关闭空调。\n", encoding="utf-8")
    index = Index(kb_copy)
    report = index.upsert(*collect([corpus, new]))
    assert (report.documents_added, report.documents_replaced) == (1, 1)
    assert index.remove("行政法规/机关事务管理条例(2012-06-28).md")
    assert index.check().ok


def test_bad_file_is_skipped_with_reason_and_the_rest_is_ingested(kb_copy, tmp_path):
    corpus = copy_subset(tmp_path / "c", ["法律/反食品浪费法(2021-04-29).md"])
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (corpus / "junk.txt").write_bytes(b"\x00\x01\x02" * 100)
    index = Index(kb_copy)
    before = index.catalog.counts()
    report = index.upsert(*collect([corpus]))
    reasons = {s.path.split("/")[-1]: s.reason for s in report.skipped}
    assert set(reasons) == {"broken.pdf", "junk.txt"}
    assert "binary" in reasons["junk.txt"]
    assert index.catalog.counts()["clauses"] == before["clauses"]
    assert index.check().ok


def test_older_version_of_a_law_is_marked_superseded_without_manifest(tmp_path):
    corpus = tmp_path / "c"
    (corpus / "法律").mkdir(parents=True)
    for name in ("保守国家秘密法(2010-04-29).md", "保守国家秘密法(2024-02-27).md"):
        shutil.copy(CORPUS / "法律" / name, corpus / "法律" / name)
    index = Index(tmp_path / "kb")
    index.upsert(*collect([corpus]))
    status = {d.publish_date: d.status for d in index.documents().documents}
    assert status == {"2010-04-29": "已被修订", "2024-02-27": "状态不详"}


def test_half_written_document_is_removed_by_check_repair(kb_copy):
    index = Index(kb_copy)
    source = "法律/反食品浪费法(2021-04-29).md"
    # Simulate a crash between step 1 (pending) and step 3 (complete) of a replacement.
    index.catalog._conn.execute("UPDATE documents SET state='pending' WHERE source=?", (source,))
    index.vectors.delete_document(source)
    report = index.check()
    assert not report.ok and report.pending_documents == [source]
    assert all(h.source != source for h in index.search("反食品浪费", k=20).hits)
    assert index.check(repair=True).repaired
    assert index.check().ok and index.catalog.document(source) is None


def test_stray_vectors_are_removed_by_repair(kb_copy):
    import numpy as np

    index = Index(kb_copy)
    index.vectors.upsert(["ghost#第一条"], np.ones((1, index.embedder().dim), dtype=np.float32), ["ghost"])
    assert index.check().orphan_vectors == 1
    index.check(repair=True)
    assert index.check().ok


def test_check_lists_every_vector_only_when_the_store_holds_more_than_the_catalogue_knows(kb_copy, monkeypatch):
    """Chroma lists a collection by offset, quadratic at a million vectors; a consistent knowledge
    base is checked by asking for the catalogue's own ids (the stray-vector test covers the rest)."""
    from index.store.vectors import ChromaVectorStore

    def listing(self):
        raise AssertionError("every vector listed although the counts agree")

    monkeypatch.setattr(ChromaVectorStore, "id_sources", listing)
    report = Index(kb_copy).check()
    assert report.ok and report.vectors == report.clauses


def test_search_returns_hits_with_contract_fields(kb):
    result = kb.search("公共机构应当制定年度节能目标和实施方案", k=5)
    hit = result.hits[0]
    assert hit.title == "公共机构节能条例"
    assert {"rank", "score", "title", "publish_date", "level", "status", "article", "heading_path", "text",
            "source"} <= set(hit.model_dump())


def test_a_changed_dictionary_re_segments_stored_documents(kb_copy, subset_corpus, tmp_path):
    from ingest.segment import DOMAIN_DICT, SYNONYMS, Segmenter

    dictionary = tmp_path / "dict.txt"
    dictionary.write_text(DOMAIN_DICT.read_text(encoding="utf-8") + "能源消耗定额范围 5000 n\n", encoding="utf-8")
    index = Index(kb_copy, segmenter=Segmenter(dictionary, SYNONYMS))
    report = index.upsert(*collect([subset_corpus]))
    assert report.clauses_written == 0   # nothing re-parsed or re-embedded, only re-segmented
    assert index.data.manifest()["dictionary"] == index.text.segmenter.version
    bodies = [body for _, body, _ in index.catalog.keyword_rows()]
    assert any("能源消耗定额范围" in body for body in bodies)
    index.close()
