"""The question-vector adapter (index/search/adapter.py): a fitted low-rank correction of the
question's vector before the dense search, per embedder, switchable with STDKB_QUERY_ADAPTER."""

from __future__ import annotations

import numpy as np

from index.search.adapter import QueryAdapter, adapter_for


def _unit(v):
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_a_corrected_question_vector_stays_a_unit_vector():
    rng = np.random.default_rng(1)
    adapter = QueryAdapter(rng.normal(size=(8, 2)).astype(np.float32), rng.normal(size=(2, 8)).astype(np.float32))
    moved = adapter(_unit(rng.normal(size=8)))
    assert abs(float(np.linalg.norm(moved)) - 1.0) < 1e-5


def test_an_adapter_of_zeros_leaves_the_question_as_the_encoder_gives_it():
    q = _unit(np.arange(1, 9, dtype=np.float32))
    assert np.allclose(QueryAdapter(np.zeros((8, 2), np.float32), np.zeros((2, 8), np.float32))(q), q)


def test_the_stored_form_reads_back_exactly():
    rng = np.random.default_rng(2)
    adapter = QueryAdapter(rng.normal(size=(6, 3)).astype(np.float32), rng.normal(size=(3, 6)).astype(np.float32))
    again = QueryAdapter.from_entry(adapter.entry(rank=3))
    assert np.array_equal(again.u, adapter.u) and np.array_equal(again.v, adapter.v)


def test_the_default_embedder_has_a_fitted_adapter_and_an_unfitted_one_has_none():
    fitted = adapter_for("e5-small-int8")
    assert fitted is not None and fitted.u.shape == (384, 16) and fitted.v.shape == (16, 384)
    assert adapter_for("some/unfitted-encoder") is None


def test_the_search_ranks_by_the_corrected_vector(kb):
    """An adapter that sends every question to one clause's vector puts that clause first for a
    question in words the corpus never uses (so only the dense list answers it)."""
    target = kb.search("反食品浪费法第八条", k=1).hits[0]
    question = "xyzzy plugh"
    encoded = kb._searcher._query_vector(question)
    aim = kb.text._holder.current().dense.vector_of(target.id)
    assert target.id not in {h.id for h in kb.search(question, k=10).hits}
    kept = kb._searcher.adapter
    try:   # moved = q + (q·q)·50·aim: the question's direction all but replaced by the clause's
        kb._searcher.adapter = QueryAdapter(encoded[:, None] * 1.0, aim[None, :] * 50.0)
        assert kb.search(question, k=1).hits[0].id == target.id
    finally:
        kb._searcher.adapter = kept


def test_stdkb_query_adapter_off_reaches_the_searcher(kb_dir, monkeypatch):
    from api.settings import load_settings

    monkeypatch.setenv("STDKB_EMBED_MODEL", "e5-small-int8")
    monkeypatch.setenv("STDKB_QUERY_ADAPTER", "off")
    settings = load_settings(data_dir=kb_dir)
    assert settings.query_adapter is False


def test_fitting_moves_questions_toward_their_gold_articles():
    from evaluation.fit_adapter import Examples, dense_rank, fit

    rng = np.random.default_rng(3)
    matrix = np.stack([_unit(rng.normal(size=32)) for _ in range(300)])
    turn = np.linalg.qr(rng.normal(size=(32, 32)))[0].astype(np.float32)   # questions in a turned space
    gold = [[i] for i in range(60)]
    vectors = np.stack([_unit(matrix[i] @ turn * 0.5 + matrix[i] * 0.5 + rng.normal(size=32) * 0.05) for i in range(60)])
    ex = Examples(matrix.astype(np.float32), np.arange(300), [None] * 60, vectors.astype(np.float32), gold)
    adapter = fit(ex, list(range(60)))
    found = lambda a: sum(r is not None and r < 5 for r in (dense_rank(ex, i, a) for i in range(60)))
    assert found(adapter) > found(None)
