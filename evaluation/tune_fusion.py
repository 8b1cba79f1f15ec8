"""Tune the fusion weights of search (index/search/fusion.py, `Weights`) by folds, per embedder.

    python -m evaluation.tune_fusion DATA_DIR [--questions FILE…] [--folds 5] [--seeds 5] [--write]

The questions are dev and the blind tuning paraphrases (evaluation/tuning/) unless given.

Every weight setting of a small grid is run over all questions once (query vectors are cached by
the searcher). Then, for each fold, the setting with the best R@5 + MRR@10 on the other folds is
scored on the held-out fold; the held-out figures (overall and per type) are what to expect on
questions like these that nobody tuned on. They are printed next to the current setting's.
`--write` stores the setting best on all questions as the embedder's entry in
index/search/data/fusion.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections import defaultdict
from dataclasses import asdict, replace
from pathlib import Path

from analysis.evaluate.retrieval import HitResult, Outcome, load_questions, metrics, run
from evaluation.model_files import store
from index.search.fusion import FUSION_FILE, Weights, weights_for

ROOT = Path(__file__).resolve().parent.parent
GRID = {
    "dense": (0.6, 0.9, 1.2, 1.6, 2.0, 2.5),
    "named_dense": (0.6, 1.0),
    "definition": (1.0, 1.5, 2.5),
    "rrf_k": (30, 60),
    "pool": (50, 100, 200),
}


def settings(base: Weights) -> list[Weights]:
    names = list(GRID)
    return [replace(base, **dict(zip(names, values))) for values in itertools.product(*GRID.values())]


def objective(outcomes: list[Outcome]) -> float:
    m = metrics(outcomes)["overall"]
    return (m["recall@5"] or 0) + (m["mrr@10"] or 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--questions", type=Path, nargs="+",
                    default=[ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT / "evaluation" / "tuning" / "paraphrases.jsonl"])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()

    from api.settings import load_settings

    cfg = load_settings(data_dir=args.data_dir)
    index = cfg.open_index()
    if any("heldout" in str(q) for q in args.questions):
        raise SystemExit("held-out questions are never tuned on")
    questions = [q for path in args.questions for q in load_questions(path) if q.relevant]
    current = weights_for(cfg.embed_model)

    def system(query: str):
        result = index.search(query, k=10)
        return [HitResult(h.source, h.article, h.heading_path, h.clause_title) for h in result.hits], \
            result.low_confidence

    grid = settings(current)
    if current not in grid:
        grid.append(current)
    by_setting: dict[Weights, dict[str, Outcome]] = {}
    for w in grid:
        index.use_weights(w)
        by_setting[w] = {o.question.id: o for o in run(system, questions)}

    held: dict[int, list[Outcome]] = defaultdict(list)
    chosen: dict[Weights, int] = defaultdict(int)
    for seed in range(args.seeds):
        ids = [q.id for q in questions]
        random.Random(seed).shuffle(ids)
        folds = [ids[i::args.folds] for i in range(args.folds)]
        for i, test in enumerate(folds):
            train = [x for j, f in enumerate(folds) if j != i for x in f]
            best = max(grid, key=lambda w: (objective([by_setting[w][x] for x in train]), w == current))
            chosen[best] += 1
            held[seed] += [by_setting[best][x] for x in test]

    def line(name: str, outcomes: list[Outcome]) -> str:
        m = metrics(outcomes)
        types = " ".join(f"{t} {v['recall@5']:.3f}" for t, v in {**m["by_type"], **m["by_style"]}.items())
        o = m["overall"]
        return f"{name:<28} R@1 {o['recall@1']:.3f} R@5 {o['recall@5']:.3f} R@10 {o['recall@10']:.3f} " \
               f"MRR@10 {o['mrr@10']:.3f} | R@5 by type: {types}"

    print(f"{len(questions)} questions; embedder: {index.embedder_description()}; {len(grid)} settings")
    print(line("current setting", list(by_setting[current].values())))
    for seed in range(args.seeds):
        print(line(f"held out, shuffle {seed + 1}", held[seed]))
    best_all = max(grid, key=lambda w: (objective(list(by_setting[w].values())), w == current))
    print(line("best on all (optimistic)", list(by_setting[best_all].values())))
    print("settings chosen in the folds:")
    for w, n in sorted(chosen.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {n:>3}× {json.dumps({k: getattr(w, k) for k in GRID})}")
    if args.write:
        store(FUSION_FILE, "weights", cfg.embed_model, asdict(best_all))
        print(f"written to {FUSION_FILE} as '{cfg.embed_model}'")
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
