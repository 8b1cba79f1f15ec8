"""Bases a drafter can sign: the on-point model (analysis/gap/onpoint.py) keeps a provision as a
clause's basis by the encoder's cosine and by how much of the provision the clause is about."""

from __future__ import annotations

from analysis.gap import onpoint
from analysis.gap.onpoint import OnPointModel


def test_the_stored_cosine_is_the_one_the_dense_list_ranks_by(kb):
    hits = kb.search("公共机构应当减少空调、计算机、复印机等用电设备的待机能耗", k=3).hits
    cosines = kb.text.cosines("公共机构应当减少空调、计算机、复印机等用电设备的待机能耗", [h.id for h in hits])
    assert all(c is not None and -1.0 <= c <= 1.0 for c in cosines)
    assert kb.text.cosines("待机能耗", ["no/such/clause#1"]) == [None]


def test_a_provision_nearer_the_clause_and_more_about_it_scores_higher():
    model = OnPointModel(weights={"cosine": 50.0, "covered_back": 6.0}, bias=-46.0, threshold=0.3)
    near = model.score({"cosine": 0.93, "covered_back": 0.5})
    far = model.score({"cosine": 0.88, "covered_back": 0.1})
    assert far < model.threshold < near


def test_signals_measure_how_much_of_the_provision_the_clause_holds(kb):
    hit = kb.search("公共机构节能条例第二十九条", k=1).hits[0]
    (own,) = onpoint.signals(kb, hit.text, [hit])
    (other,) = onpoint.signals(kb, "食堂应当公示菜品价格", [hit])
    assert own["covered_back"] > 0.9 > other["covered_back"]
    assert own["cosine"] > other["cosine"]


def test_an_encoder_without_a_fitted_model_keeps_every_basis():
    assert onpoint.model_for("some/unfitted-encoder") is None
    assert onpoint.model_for("e5-small-int8") is not None
