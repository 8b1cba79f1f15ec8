"""Confidence: a logistic model per embedder over the search's signals, its threshold chosen to
flag the most unanswerable questions within a bound on answerable ones flagged, fitted by folds
(evaluation/calibrate.py)."""

import random

from evaluation.calibrate import Row, best_threshold, fit, held_out
from index.search.confidence import ConfidenceModel, Signals, model_for


def test_the_threshold_separates_answerable_from_unanswerable_scores():
    scores = [(0.9, True), (0.8, True), (0.6, True), (0.4, False), (0.3, False)]
    assert 0.4 < best_threshold(scores) < 0.6


def test_when_scores_overlap_the_cut_flags_answerable_questions_only_within_the_budget():
    scores = [(1.0, True), (0.9, True), (0.8, True), (0.6, True), (0.7, False), (0.5, False), (0.4, False)]
    assert sum(s < best_threshold(scores, budget=0.0) for s, a in scores if a) == 0
    assert sum(s < best_threshold(scores, budget=0.25) for s, a in scores if not a) == 3


def test_each_embedder_has_its_own_calibrated_model():
    assert model_for("domain") != model_for("e5-small-int8")
    assert model_for("some/uncalibrated-model") == model_for("domain")


def test_confidence_rises_with_each_signal_the_model_weighs_positively():
    model = ConfidenceModel(weights={"nearest": 8.0, "coverage": 3.0}, bias=-8.0, threshold=0.5)
    weak, strong = Signals(nearest=0.7, coverage=0.2), Signals(nearest=0.9, coverage=0.8)
    assert 0 < model.score(weak) < model.threshold < model.score(strong) < 1


def _rows(seed: int = 0) -> list[Row]:
    rng = random.Random(seed)
    rows = []
    for answerable in [True] * 40 + [False] * 20:
        base = 0.85 if answerable else 0.78
        rows.append(Row(Signals(nearest=base + rng.gauss(0, 0.02),
                                coverage=(0.7 if answerable else 0.3) + rng.gauss(0, 0.15)),
                        forced=False, answerable=answerable))
    return rows


def test_a_fitted_model_separates_what_the_signals_separate():
    rows = _rows()
    model = fit(rows)
    flagged = [model.score(r.signals) < model.threshold for r in rows]
    assert sum(f for f, r in zip(flagged, rows) if r.answerable) <= 4
    assert sum(f for f, r in zip(flagged, rows) if not r.answerable) >= 16
    assert model.weights["nearest"] > 0 and model.weights["coverage"] > 0


def test_questions_answered_by_name_are_never_flagged_and_do_not_bend_the_fit():
    rows = _rows() + [Row(Signals(), forced=True, answerable=True) for _ in range(10)]
    assert fit(rows).weights == fit(_rows()).weights
    flagged_yes, n_yes, _, _, _ = held_out(rows, folds=5, seed=1)
    assert n_yes == 50 and flagged_yes <= 6


def test_each_embedder_searches_with_its_own_tuned_fusion_weights():
    from index.search.fusion import Weights, weights_for

    assert weights_for("e5-small-int8") != Weights()
    assert weights_for("some/untuned-model") == Weights()


def test_a_word_the_corpus_never_uses_is_counted_as_unseen(kb):
    everyday = kb.search("单位的车开了十几年还能开吗", k=5).signals["unseen"]
    legal = kb.search("公务用车的更新年限", k=5).signals["unseen"]
    assert 0 <= legal < everyday <= 1


# ------------------------------------------------------------ a question for an amount no hit states
def _texts(*texts):
    from types import SimpleNamespace
    return [SimpleNamespace(text=t) for t in texts]


def test_a_question_for_an_amount_whose_hits_state_none_is_marked():
    from types import SimpleNamespace
    from index.search.confidence import quantity_unstated

    asked = SimpleNamespace(text="公务接待的住宿标准是多少钱一晚？")
    assert quantity_unstated(asked, _texts("接待单位应当严格控制陪同人数。", "住宿应当安排在定点饭店。")) == 1.0


def test_a_question_for_an_amount_whose_hit_states_one_is_not_marked():
    from types import SimpleNamespace
    from index.search.confidence import quantity_unstated

    asked = SimpleNamespace(text="健康检查几年做一次？")
    assert quantity_unstated(asked, _texts("从事接触直接入口食品工作的人员应当每年进行健康检查。")) == 0.0
    assert quantity_unstated(asked, _texts("办公用房面积不得超过12平方米。")) == 0.0


def test_a_question_that_asks_for_no_amount_is_not_marked():
    from types import SimpleNamespace
    from index.search.confidence import quantity_unstated

    assert quantity_unstated(SimpleNamespace(text="公务用车可以私用吗？"), _texts("不得公车私用。")) == 0.0
