"""Fit the on-point model of bases (analysis/gap/onpoint.py) on bases judged by reading.

    python -m evaluation.fit_onpoint DATA_DIR [--judged evaluation/tuning/basis_judgments.jsonl]
        [--write] [--heldout evaluation/heldout/basis_judgments.jsonl]

By 5 folds × 5 shuffles: the model is fitted on four fifths, and the out-of-fold scores give, per
threshold, the precision and recall of the bases kept. The threshold written is THRESHOLD, chosen
on the tuning drafts (below). `--heldout` only measures the written model on the blind drafts'
judged bases (nothing is chosen there).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np

from analysis.gap.onpoint import FEATURES, MODEL_FILE, OnPointModel, signals
from evaluation.model_files import store

ROOT = Path(__file__).resolve().parent.parent
# The highest of the thresholds tried (0.30, 0.35, 0.40, 0.45, 0.70) that keeps every planted item
# of the tuning drafts (evaluation/gap_eval.py on ../shared/drafts/dev_draft.md and
# evaluation/drafts/): at 0.35 one 会议服务 basis is lost; at 0.70 (out-of-fold precision 0.81) nine.
THRESHOLD = 0.3


def rows(index, path: Path, by_text: bool = False) -> list[tuple[dict[str, float], bool]]:
    """(signals, on point) of each judged basis whose provision has a vector."""
    from index.search.ranker import make_hit
    judged = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if by_text:   # the blind drafts' file names provisions by text: find their ids
        for j in judged:
            found = index.keyword_search(j["provision_text"], k=1)
            j["id"] = found[0].id if found else ""
    found = index.catalog.clauses_by_id([j["id"] for j in judged])
    out = []
    for j in judged:
        if j["id"] not in found:
            continue
        (s,) = signals(index, j["clause_text"], [make_hit(0, 0.0, *found[j["id"]])])
        if s is not None:
            out.append((s, j["verdict"] == "on_point"))
    return out


def fit(data: list[tuple[dict[str, float], bool]]):
    from sklearn.linear_model import LogisticRegression
    x = np.array([[s[f] for f in FEATURES] for s, _ in data])
    y = np.array([v for _, v in data])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    clf = LogisticRegression(class_weight="balanced").fit((x - mean) / std, y)
    coef = clf.coef_[0] / std
    return {f: round(float(c), 4) for f, c in zip(FEATURES, coef)}, round(float(clf.intercept_[0] - (coef * mean).sum()), 4)


def curve(scores: np.ndarray, y: np.ndarray) -> list[tuple[float, int, float, float]]:
    out = []
    for t in np.round(np.arange(0.05, 1.0, 0.05), 2):
        keep = scores >= t
        if keep.any():
            out.append((float(t), int(keep.sum()), float(y[keep].mean()), float(y[keep].sum() / max(y.sum(), 1))))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--judged", type=Path, default=ROOT / "evaluation" / "tuning" / "basis_judgments.jsonl")
    ap.add_argument("--heldout", type=Path)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    from api.settings import load_settings
    settings = load_settings(data_dir=args.data_dir)
    index = settings.open_index()
    data = rows(index, args.judged)
    y = np.array([v for _, v in data])
    oof = np.zeros(len(data))
    for seed in range(5):
        order = list(range(len(data)))
        random.Random(seed).shuffle(order)
        for k in range(5):
            test = order[k::5]
            weights, bias = fit([data[i] for i in order if i not in set(test)])
            model = OnPointModel(weights, bias, 0.5)
            oof[test] += [model.score(data[i][0]) / 5 for i in test]
    print(f"{len(data)} judged bases, {int(y.sum())} on point; out of fold: threshold, kept, precision, recall")
    table = curve(oof, y)
    for t, kept, p, r in table:
        print(f"  {t:.2f}  {kept:>4}  {p:.3f}  {r:.3f}")
    threshold = THRESHOLD
    weights, bias = fit(data)
    model = OnPointModel(weights, bias, threshold)
    print(f"fitted on all: {weights}, bias {bias}, threshold {threshold}")
    if args.heldout:
        blind = rows(index, args.heldout, by_text=True)
        kept = [v for s, v in blind if model.score(s) >= threshold]
        print(f"held out: {len(blind)} judged bases, {sum(v for _, v in blind)} on point; kept {len(kept)}, "
              f"of them on point {sum(kept)} ({sum(kept) / max(len(kept), 1):.3f})")
    if args.write:
        store(MODEL_FILE, "models", settings.embed_model, {"weights": weights, "bias": bias, "threshold": threshold},
              about="On-point model of bases (analysis/gap/onpoint.py), written by "
                    "`python -m evaluation.fit_onpoint DIR --write` from evaluation/tuning/basis_judgments.jsonl.")
        print(f"written to {MODEL_FILE}")
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
