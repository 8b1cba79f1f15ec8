"""The confidence threshold is chosen by balanced accuracy, one number for all questions."""

from evaluation.calibrate import best_threshold
from index.confidence import THRESHOLDS, threshold_for


def test_the_threshold_separates_answerable_from_unanswerable_scores():
    scores = [(1.2, True), (1.1, True), (0.9, True), (0.8, False), (0.7, False)]
    assert 0.8 < best_threshold(scores) < 0.9


def test_when_scores_overlap_the_cut_balances_both_kinds_of_error():
    scores = [(1.0, True), (0.6, True), (0.7, False), (0.5, False)]
    cut = best_threshold(scores)
    kept = sum(s >= cut for s, a in scores if a) / 2
    flagged = sum(s < cut for s, a in scores if not a) / 2
    assert (kept + flagged) / 2 == 0.75


def test_each_embedder_has_its_own_calibrated_threshold():
    assert threshold_for("domain") == THRESHOLDS["domain"] != threshold_for("e5-small-int8")
    assert threshold_for("some/uncalibrated-model") == THRESHOLDS["domain"]
