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


def test_the_packaged_e5_embedder_has_a_fitted_adapter_and_an_unfitted_one_has_none():
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


def test_confidence_reads_the_encoders_own_cosine_not_the_corrected_one(kb):
    """`nearest` is how near the corpus the question is as the encoder places it: an adapter that
    sends the question onto one clause's vector does not make it nearer."""
    target = kb.search("反食品浪费法第八条", k=1).hits[0]
    question = "xyzzy plugh"
    encoded = kb._searcher._query_vector(question)
    aim = kb.text._holder.current().dense.vector_of(target.id)
    plain = kb.search(question, k=3).signals["nearest"]
    kept = kb._searcher.adapter
    try:
        kb._searcher.adapter = QueryAdapter(encoded[:, None] * 1.0, aim[None, :] * 50.0)
        assert kb.search(question, k=3).signals["nearest"] == plain < 0.99
    finally:
        kb._searcher.adapter = kept


def test_stdkb_query_adapter_off_searches_as_before_the_adapter(kb_copy, monkeypatch):
    """Off, the searcher has no adapter and the embedder's own fusion weights; on, the adapter and
    the dense weight chosen with it."""
    from api.settings import load_settings
    from index.search.fusion import weights_for

    monkeypatch.setenv("STDKB_EMBED_MODEL", "e5-small-int8")
    monkeypatch.setenv("STDKB_QUERY_ADAPTER", "off")
    off = load_settings(data_dir=kb_copy).open_index()
    assert off._searcher.adapter is None and off._searcher.weights == weights_for("e5-small-int8")
    off.close()
    monkeypatch.setenv("STDKB_QUERY_ADAPTER", "on")
    on = load_settings(data_dir=kb_copy).open_index()
    assert on._searcher.adapter is not None
    assert on._searcher.weights.dense == (on._searcher.adapter.dense_weight or weights_for("e5-small-int8").dense)
    on.close()


def test_an_adapter_leaves_another_encoders_vectors_alone():
    adapter = QueryAdapter(np.ones((8, 2), np.float32), np.ones((2, 8), np.float32))
    q = _unit(np.arange(1, 5, dtype=np.float32))
    assert np.array_equal(adapter(q), q)


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


def _run(r5, mrr):
    return {"all": {"n": 10, "recall_at_5": r5, "mrr_at_10": mrr}}


def test_the_dense_weight_chosen_is_the_best_out_of_fold():
    from evaluation.fit_adapter import best_dense_weight

    folds = {"search_adapted": _run(0.80, 0.70), "search_adapted_dense_2.2": _run(0.84, 0.72),
             "search_adapted_dense_3.0": _run(0.84, 0.70)}
    assert best_dense_weight(folds, 1.6) == 2.2


def test_on_a_tie_the_current_dense_weight_stays():
    from evaluation.fit_adapter import best_dense_weight

    assert best_dense_weight({"search_adapted": _run(0.8, 0.7), "search_adapted_dense_2.2": _run(0.8, 0.7)}, 1.6) == 1.6
