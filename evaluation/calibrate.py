"""Calibrate `low_confidence` (STDKB_MIN_EVIDENCE) on answerable and unanswerable questions, by folds.

    python -m evaluation.calibrate DATA_DIR [--answerable ../shared/eval/dev.jsonl]
        [--unanswerable evaluation/no_answer.jsonl] [--folds 5] [--seed 3]

Each question is searched once and its `confidence` kept. The questions are dealt into folds,
answerable and unanswerable alike; for each fold the threshold is chosen on the other folds (the
one with the best balanced accuracy: answerable not flagged, unanswerable flagged, halfway
between neighbouring scores) and applied to the held-out fold. Reported: the held-out shares
flagged of each kind, and the threshold chosen on all questions for the embedder's default.
Nothing is fitted to a single question: one number per embedder.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from .retrieval import load_questions

ROOT = Path(__file__).resolve().parent.parent


def best_threshold(scores: list[tuple[float, bool]]) -> float:
    """The cut (flag below it) with the best balanced accuracy on (confidence, answerable) pairs."""
    values = sorted({s for s, _ in scores})
    cuts = [values[0] - 1e-6] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1] + 1e-6]
    answerable = [s for s, a in scores if a]
    unanswerable = [s for s, a in scores if not a]

    def balanced(cut: float) -> float:
        kept = sum(s >= cut for s in answerable) / max(len(answerable), 1)
        flagged = sum(s < cut for s in unanswerable) / max(len(unanswerable), 1)
        return (kept + flagged) / 2

    return max(cuts, key=lambda c: (balanced(c), -abs(c - 1.0)))


def folds_of(items: list, k: int, rng: random.Random) -> list[list]:
    items = items[:]
    rng.shuffle(items)
    return [items[i::k] for i in range(k)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--answerable", type=Path, default=ROOT.parent / "shared" / "eval" / "dev.jsonl")
    ap.add_argument("--unanswerable", type=Path, default=ROOT / "evaluation" / "no_answer.jsonl")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()

    from api.settings import load_settings

    index = load_settings(data_dir=args.data_dir).open_index()
    rows = []
    for path, answerable in ((args.answerable, True), (args.unanswerable, False)):
        for q in load_questions(path):
            rows.append((index.search(q.query, k=10).confidence, answerable and bool(q.relevant)))
    rng = random.Random(args.seed)
    yes = folds_of([r for r in rows if r[1]], args.folds, rng)
    no = folds_of([r for r in rows if not r[1]], args.folds, rng)
    flagged_yes = flagged_no = 0
    for i in range(args.folds):
        train = [r for j in range(args.folds) if j != i for r in yes[j] + no[j]]
        cut = best_threshold(train)
        flagged_yes += sum(s < cut for s, _ in yes[i])
        flagged_no += sum(s < cut for s, _ in no[i])
        print(f"fold {i + 1}: threshold {cut:.3f} (chosen on the other folds); held out: "
              f"{sum(s < cut for s, _ in yes[i])}/{len(yes[i])} answerable flagged, "
              f"{sum(s < cut for s, _ in no[i])}/{len(no[i])} unanswerable flagged")
    n_yes, n_no = sum(map(len, yes)), sum(map(len, no))
    print(f"\nembedder: {index.embedder_description()}")
    print(f"held out: answerable flagged {flagged_yes}/{n_yes} ({flagged_yes / n_yes:.0%}), "
          f"unanswerable flagged {flagged_no}/{n_no} ({flagged_no / n_no:.0%})")
    print(f"threshold on all questions: {best_threshold(rows):.3f}")
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
