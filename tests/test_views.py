"""The search views follow the catalogue by document: a changed document is read again, not the whole
knowledge base (index/search/layers.py); and the approximate dense scan of large views (index/search/ann.py)."""

from __future__ import annotations

import numpy as np
import pytest

from index.search.filters import SearchFilters
from index.store.catalog import Catalog
from ingest.collect import collect

RULE = "# 会议室使用管理办法\n\n第一条 会议结束后应当关闭空调和照明。\n\n第二条 会议室钥匙由办公室保管。\n"
QUESTION = "会议结束后关闭空调和照明的规定"


def _record_keyword_reads(monkeypatch) -> list:
    """Every Catalog.keyword_rows call's `sources` (None: every clause of the knowledge base)."""
    calls = []
    original = Catalog.keyword_rows

    def recording(self, sources=None):
        calls.append(None if sources is None else set(sources))
        return original(self, sources)

    monkeypatch.setattr(Catalog, "keyword_rows", recording)
    return calls


def test_the_change_log_names_the_documents_a_write_changed(kb_copy, tmp_path):
    from index.index import Index

    ix = Index(kb_copy)
    before = ix.catalog.generation()
    rule = tmp_path / "会议室使用管理办法.md"
    rule.write_text(RULE, encoding="utf-8")
    ix.upsert(*collect([rule]))
    changed = ix.catalog.changes_since(before)
    assert len(changed) == 1 and next(iter(changed)).endswith("会议室使用管理办法.md")
    assert ix.catalog.changes_since(ix.catalog.generation()) == set()


def test_the_change_log_cannot_say_after_a_write_that_may_touch_anything(kb_copy):
    from index.index import Index

    ix = Index(kb_copy)
    before = ix.catalog.generation()
    ix.catalog.touch()
    assert ix.catalog.changes_since(before) is None


def test_a_new_version_carries_the_document_list_and_marks_the_older_one_revised(kb_copy, tmp_path, monkeypatch):
    from index.index import Index

    ix = Index(kb_copy)
    old = tmp_path / "会议室使用管理办法(2020-01-01).md"
    old.write_text(RULE, encoding="utf-8")
    ix.upsert(*collect([old]))
    ix.search(QUESTION, k=3)                        # the searcher now holds this generation
    before = ix.catalog.generation()
    new = tmp_path / "会议室使用管理办法(2024-01-01).md"
    new.write_text(RULE.replace("办公室保管", "行政科保管"), encoding="utf-8")
    ix.upsert(*collect([new]))
    assert {s.rsplit("/", 1)[-1] for s in ix.catalog.changes_since(before)} == {old.name, new.name}
    whole_reads = []
    monkeypatch.setattr(Catalog, "documents", lambda self: whole_reads.append(1) or [])
    ix.search(QUESTION, k=3)
    state = ix._holder._state
    assert whole_reads == [], "the document list was read whole again"
    monkeypatch.undo()
    assert state.documents == ix.catalog.documents()
    versions = state.titles.resolve("会议室使用管理办法")[0].work.versions
    assert [(v.publish_date, v.status) for v in versions] == [("2020-01-01", "已被修订"), ("2024-01-01", "状态不详")]


def test_a_searcher_reads_only_the_changed_document_after_an_ingest(kb_copy, tmp_path, monkeypatch):
    from index.index import Index

    ix = Index(kb_copy)
    assert not ix.search(QUESTION, k=3).hits[0].title.startswith("会议室使用")
    calls = _record_keyword_reads(monkeypatch)
    rule = tmp_path / "会议室使用管理办法.md"
    rule.write_text(RULE, encoding="utf-8")
    ix.upsert(*collect([rule]))
    after = ix.search(QUESTION, k=3, filters=SearchFilters(status=[]))
    assert after.hits[0].title == "会议室使用管理办法"
    assert calls and None not in calls, "the keyword view was built whole again"
    assert all(len(sources) == 1 for sources in calls)


def test_a_replaced_document_answers_with_its_new_text_only(kb_copy, tmp_path):
    from index.index import Index

    ix = Index(kb_copy)
    rule = tmp_path / "会议室使用管理办法.md"
    rule.write_text(RULE, encoding="utf-8")
    ix.upsert(*collect([rule]))
    assert "钥匙" in ix.search("会议室钥匙由谁保管", k=1, filters=SearchFilters(status=[])).hits[0].text
    rule.write_text(RULE.replace("会议室钥匙由办公室保管", "会议室门禁卡由行政科发放"), encoding="utf-8")
    ix.upsert(*collect([rule]))
    texts = [h.text for h in ix.search("会议室钥匙由谁保管", k=10, filters=SearchFilters(status=[])).hits]
    assert not any("钥匙由办公室" in t for t in texts)
    assert "门禁卡" in ix.search("会议室门禁卡由谁发放", k=1, filters=SearchFilters(status=[])).hits[0].text


def test_a_removed_document_leaves_both_views(kb_copy, tmp_path):
    from index.index import Index

    ix = Index(kb_copy)
    rule = tmp_path / "会议室使用管理办法.md"
    rule.write_text(RULE, encoding="utf-8")
    source = ix.upsert(*collect([rule])) and ix.search(QUESTION, k=1, filters=SearchFilters(status=[])).hits[0].source
    assert ix.remove(source)
    hits = ix.search(QUESTION, k=20, filters=SearchFilters(status=[])).hits
    assert source not in {h.source for h in hits}
    state = ix._holder._state
    assert len(state.keyword) == len(state.dense) == ix.catalog.counts()["clauses"]


def test_a_new_process_brings_an_older_saved_view_up_to_date_by_document(kb_copy, tmp_path, monkeypatch):
    from index.index import Index

    Index(kb_copy).search(QUESTION, k=3)            # saves the views of this generation
    rule = tmp_path / "会议室使用管理办法.md"
    rule.write_text(RULE, encoding="utf-8")
    Index(kb_copy).upsert(*collect([rule]))
    calls = _record_keyword_reads(monkeypatch)
    after = Index(kb_copy).search(QUESTION, k=3, filters=SearchFilters(status=[]))
    assert after.hits[0].title == "会议室使用管理办法"
    assert None not in calls, "the saved keyword view was not used"


def test_a_repair_builds_the_views_whole_again(kb_copy, monkeypatch):
    from index.index import Index

    ix = Index(kb_copy)
    ix.search(QUESTION, k=3)
    calls = _record_keyword_reads(monkeypatch)
    ix.catalog.touch()                               # what a repair does: anything may have changed
    ix.search(QUESTION, k=3)
    assert None in calls


# ------------------------------------------------------------------------- approximate dense scan
def _clustered(n: int, dim: int = 32, clusters: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    rows = centres[rng.integers(0, clusters, n)] + 0.3 * rng.normal(size=(n, dim))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def small_ann(monkeypatch):
    monkeypatch.setattr("index.search.dense.ANN_MIN", 1000)


def test_the_approximate_scan_finds_most_of_the_exact_top_fifty(small_ann):
    from index.search.dense import DenseIndex

    matrix = _clustered(20_000)
    view = DenseIndex([f"doc{i // 10}#{i}" for i in range(len(matrix))], matrix, approximate=True)
    assert view.cells is not None
    assert view.recall(_clustered(50, seed=1), k=50) >= 0.9


def test_the_approximate_scan_keeps_every_id_with_its_own_vector(small_ann):
    from index.search.dense import DenseIndex

    matrix = _clustered(5_000)
    ids = [f"doc{i // 10}#{i}" for i in range(len(matrix))]
    view = DenseIndex(ids, matrix, approximate=True)
    for cid, score in view.search(matrix[1234], 5):
        assert score == pytest.approx(float(matrix[ids.index(cid)] @ matrix[1234]), abs=1e-5)
    assert view.search(matrix[1234], 1)[0][0] == ids[1234]


def test_excluded_rows_and_document_filters_apply_to_the_approximate_scan(small_ann):
    from index.search.dense import DenseIndex

    matrix = _clustered(5_000)
    view = DenseIndex([f"doc{i // 10}#{i}" for i in range(len(matrix))], matrix, approximate=True)
    best = view.search(matrix[1234], 1)[0][0]
    exclude = np.zeros(len(view), dtype=bool)
    exclude[view.ids.index(best)] = True
    assert best not in {cid for cid, _ in view.search(matrix[1234], 50, exclude=exclude)}
    only = view.search(matrix[1234], 50, sources={"doc7"})
    assert {cid.split("#")[0] for cid, _ in only} == {"doc7"} and len(only) == 10


def test_scoring_a_few_documents_by_row_ranks_as_scoring_every_row(kb):
    from index.search.keyword import KeywordIndex

    view = KeywordIndex(kb.catalog.keyword_rows())
    sources = {cid.split("#")[0] for cid in view.ids[:3]}
    tokens = ["公务用车", "管理", "应当", "节能"]
    by_row = view.search(tokens, 20, sources=sources)
    import index.search.keyword
    every = index.search.keyword.SUBSET_SHARE
    try:
        index.search.keyword.SUBSET_SHARE = 0       # never the by-row path
        by_column = view.search(tokens, 20, sources=sources)
    finally:
        index.search.keyword.SUBSET_SHARE = every
    assert by_row and [cid for cid, _ in by_row] == [cid for cid, _ in by_column]
    assert [s for _, s in by_row] == pytest.approx([s for _, s in by_column])


def test_a_citation_is_searched_within_the_cited_work_only(kb, monkeypatch):
    # Besides the exact lookup, a citation's other hits are ranked among the cited work's clauses,
    # so its cost follows the size of the work, not of the knowledge base.
    from index.search.keyword import KeywordIndex

    scopes = []
    original = KeywordIndex.search
    monkeypatch.setattr(KeywordIndex, "search", lambda self, tokens, k, sources=None, exclude=None: (
        scopes.append(sources), original(self, tokens, k, sources, exclude))[1])
    hits = kb.search("机关事务管理条例第十条", k=6).hits
    assert hits[0].article == "第十条" and {h.title for h in hits} == {"机关事务管理条例"}
    work = {v.source for v in kb.works.work("机关事务管理条例").versions}
    assert scopes and all(scope is not None and scope <= work for scope in scopes)


def test_reading_every_keyword_row_in_pages_does_no_more_work_than_at_once(kb, monkeypatch):
    """Counted in SQLite virtual-machine steps, not seconds: a page that re-scanned the table from
    the start made reading a million clauses quadratic (75 s instead of 4 s)."""
    from index.store import catalog_read as catalog_module

    def steps(page: int) -> tuple[int, int]:
        monkeypatch.setattr(catalog_module, "KEYWORD_PAGE", page)
        count = [0]

        def step():
            count[0] += 1
            return 0

        kb.catalog._conn.set_progress_handler(step, 1)
        try:
            rows = sum(1 for _ in kb.catalog.keyword_rows())
        finally:
            kb.catalog._conn.set_progress_handler(None, 1)
        return rows, count[0]

    rows, at_once = steps(10**9)
    paged_rows, paged = steps(max(1, rows // 20))
    assert paged_rows == rows
    assert paged < 1.5 * at_once


def test_a_clause_vector_is_read_from_the_delta_and_never_from_a_changed_documents_old_rows():
    from index.search.dense import DenseIndex
    from index.search.layers import Layered

    old = np.eye(3, dtype=np.float32)
    base = DenseIndex(["a#1", "b#1", "c#1"], old)
    new_b = np.array([[0.0, 0.6, 0.8]], dtype=np.float32)
    view = Layered(base).updated({"b", "c"}, lambda sources: DenseIndex(["b#1"], new_b))   # c removed
    assert np.allclose(view.vector_of("a#1"), old[0])
    assert np.allclose(view.vector_of("b#1"), new_b[0])
    assert view.vector_of("c#1") is None and view.vector_of("z#1") is None
