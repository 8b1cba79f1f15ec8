"""Fit the question-vector adapter (index/search/adapter.py) on questions with known gold articles.

    python -m evaluation.fit_adapter DATA_DIR [QUESTIONS.jsonl …] [--fused] [--dense-weights 2.2,3.0]
        [--write] [--out FILE]

Default questions: ../shared/eval/dev.jsonl and the blind tuning paraphrases
(evaluation/tuning/paraphrases.jsonl) — never the held-out set. In 5 folds the adapter is fitted
on four fifths and the fifth is scored without and with it: the dense list alone (R@5 and MRR@10
over gold articles) and, with --fused, the whole search. --write stores the adapter fitted on all
of them for the data directory's embedder. With --dense-weights the search is also scored with the
dense list weighted so in the fusion, each fold with its own adapter (a weight chosen on corrected
vectors of the questions the adapter was fitted on would favour it), and --write stores the best
with the adapter: it applies only while the adapter is on. The figure of the weight chosen is the
best of those scored on the same folds, so a little optimistic.

The fit: U (dimension × RANK, zeros) and V (RANK × dimension, small random) minimise the softmax
loss of each question's gold clauses against every stored clause vector (temperature TAU: e5's
cosines lie within a few tenths of each other), plus PENALTY × ‖UV‖², full batch, EPOCHS steps of
Adam. RANK 16, PENALTY 0.1, 100 epochs were the first setting tried; ranks 8 and 32, penalties 1
and 0.01 moved the out-of-fold dense R@5 by under 0.01.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from analysis.evaluate.retrieval import HitResult, Question, load_questions, run
from index.embed.model import DOMAIN
from index.search.adapter import ADAPTER_FILE, QueryAdapter
from index.search.query import clean_query
from evaluation.model_files import store

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT / "evaluation" / "tuning" / "paraphrases.jsonl"]
RANK, PENALTY, TAU, EPOCHS, RATE = 16, 0.1, 0.02, 100, 1e-3
FOLDS, SEED = 5, 7


@dataclass
class Examples:
    matrix: np.ndarray          # the stored clause vectors
    article: np.ndarray         # per row, the number of its article (parts of one article share it)
    questions: list[Question]
    vectors: np.ndarray         # per question, the encoder's vector
    gold: list[list[int]]       # per question, the rows of its gold articles


def examples(index, questions: list[Question]) -> Examples:
    """The questions with gold that the stored vectors hold, with everything the fit needs."""
    dense = index._holder.current().dense
    base = getattr(dense, "base", dense)   # a freshly ingested directory has no delta
    ids, matrix = base.ids, base.matrix
    found = index.catalog.clauses_by_id(ids)
    keys, judged = {}, []
    held = [i for i, cid in enumerate(ids) if cid in found]   # rows of documents removed since are left out
    ids, matrix = [ids[i] for i in held], matrix[held]
    article = np.array([keys.setdefault((found[cid][1].source, found[cid][0].parent or cid), len(keys)) for cid in ids])
    for cid in ids:
        c, d = found[cid]
        judged.append(HitResult(d.source, c.label, c.heading_path, c.title))
    kept, vectors, gold = [], [], []
    for q in questions:
        rows = [i for i, r in enumerate(judged) if any(r.matches(g) for g in q.relevant)]
        if rows:
            kept.append(q)
            vectors.append(index._searcher._query_vector(clean_query(q.query)))
            gold.append(rows)
    return Examples(matrix, article, kept, np.asarray(vectors, dtype=np.float32), gold)


def fit(ex: Examples, rows: list[int], seed: int = 0) -> QueryAdapter:
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(1)   # one summation order: the same questions give the same file, byte for byte
    matrix = torch.from_numpy(ex.matrix)
    q = torch.from_numpy(ex.vectors[rows])
    gold = [torch.tensor(ex.gold[i]) for i in rows]
    dim = matrix.shape[1]
    u = torch.zeros(dim, RANK, requires_grad=True)
    v = (torch.randn(RANK, dim) * 0.01).requires_grad_()
    step = torch.optim.Adam([u, v], lr=RATE)
    for _ in range(EPOCHS):
        moved = q + q @ u @ v
        scores = (moved / moved.norm(dim=1, keepdim=True)) @ matrix.T / TAU
        positive = torch.stack([torch.logsumexp(scores[j, g], 0) for j, g in enumerate(gold)])
        loss = (torch.logsumexp(scores, 1) - positive).mean() + PENALTY * (u @ v).pow(2).sum()
        step.zero_grad()
        loss.backward()
        step.step()
    return QueryAdapter(u.detach().numpy(), v.detach().numpy())


def dense_rank(ex: Examples, i: int, adapter: QueryAdapter | None) -> int | None:
    """Rank (0-based, by article) of the first gold article in the dense list alone; None past 10."""
    vector = adapter(ex.vectors[i]) if adapter else ex.vectors[i]
    seen: list[int] = []
    for row in np.argsort(-(ex.matrix @ vector))[:200]:
        if ex.article[row] not in seen:
            seen.append(ex.article[row])
            if len(seen) == 10:
                break
    gold = set(ex.article[ex.gold[i]])
    return next((r for r, a in enumerate(seen) if a in gold), None)


def search_rank(index, q: Question, adapter: QueryAdapter | None) -> int | None:
    """Rank (0-based) of the first gold hit of the whole search with `adapter`; None past 10."""
    index.use_adapter(adapter)

    def system(query: str):
        result = index.search(query, k=10)
        return [HitResult(h.source, h.article, h.heading_path, h.clause_title) for h in result.hits], \
            result.low_confidence

    return run(system, [q])[0].first_relevant


def figures(ranks: list[int | None]) -> dict:
    return {"n": len(ranks), "recall_at_5": round(float(np.mean([r is not None and r < 5 for r in ranks])), 3),
            "mrr_at_10": round(float(np.mean([1 / (r + 1) if r is not None else 0.0 for r in ranks])), 3)}


def folds(index, ex: Examples, fused: bool, dense_weights: list[float] = ()) -> dict:
    """Out-of-fold figures per ranking: the dense list alone, and with `fused` the whole search,
    each without and with the fold's adapter; `search_adapted_dense_W` with the dense list weighted W
    in the fusion (the corrected list may be worth more than the encoder's own)."""
    order = list(range(len(ex.questions)))
    random.Random(SEED).shuffle(order)
    ranks: dict[str, list] = {"dense": [], "dense_adapted": [], "search": [], "search_adapted": []}
    ranks |= {f"search_adapted_dense_{w}": [] for w in dense_weights}
    groups: list[str] = []
    weights = index._searcher.weights
    for f in range(FOLDS):
        test = order[f::FOLDS]
        adapter = fit(ex, [i for i in order if i not in set(test)])
        for i in test:
            groups.append(ex.questions[i].style or ex.questions[i].type)
            ranks["dense"].append(dense_rank(ex, i, None))
            ranks["dense_adapted"].append(dense_rank(ex, i, adapter))
            if fused:
                ranks["search"].append(search_rank(index, ex.questions[i], None))
                ranks["search_adapted"].append(search_rank(index, ex.questions[i], adapter))
            for w in dense_weights:
                index.use_weights(replace(weights, dense=w))
                ranks[f"search_adapted_dense_{w}"].append(search_rank(index, ex.questions[i], adapter))
                index.use_weights(weights)
    out = {}
    for name, r in ranks.items():
        if r:
            out[name] = {"all": figures(r)} | {g: figures([x for x, h in zip(r, groups) if h == g])
                                                for g in sorted(set(groups))}
    return out


def best_dense_weight(out_of_fold: dict, current: float) -> float:
    """The dense weight with the best out-of-fold R@5 + MRR@10 (the current one on a tie)."""
    scored = {current: out_of_fold.get("search_adapted", {}).get("all")}
    scored |= {float(k.rsplit("_", 1)[1]): v["all"] for k, v in out_of_fold.items() if k.startswith("search_adapted_dense_")}
    scored = {w: f["recall_at_5"] + f["mrr_at_10"] for w, f in scored.items() if f}
    return max(scored, key=lambda w: (scored[w], w == current))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("questions", nargs="*", type=Path, default=QUESTIONS)
    ap.add_argument("--fused", action="store_true", help="also score the whole search by folds (slower)")
    ap.add_argument("--dense-weights", default="", help="e.g. 2.2,3.0: also score the search with the dense "
                    "list weighted so; --write then stores the best weight with the fusion weights")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--out", type=Path, help="write the report (docs/measurements/adapter-folds.json)")
    args = ap.parse_args()
    if any("heldout" in str(q) for q in args.questions):
        raise SystemExit("held-out questions are never fitted on")
    args.fused = args.fused or bool(args.dense_weights)   # a weight is chosen only against the current one
    from api.settings import load_settings
    settings = load_settings(data_dir=args.data_dir, query_adapter=False)   # each fold brings its own
    if args.write and settings.embed_model == DOMAIN:
        raise SystemExit("the domain model is trained on each corpus anew: an adapter fitted on one would not fit another")
    index = settings.open_index()
    ex = examples(index, [q for p in args.questions for q in load_questions(p) if q.relevant])
    report = {"questions": [os.path.relpath(p.resolve(), ROOT) for p in args.questions],
              "out_of_fold": folds(index, ex, args.fused, [float(w) for w in args.dense_weights.split(",") if w])}
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.out:
        from evaluation.run_eval import commit
        report.update(commit=commit(), embedder=settings.embed_model,
                      command="python -m evaluation.fit_adapter DIR" + (" --fused" if args.fused else "")
                      + (f" --dense-weights {args.dense_weights}" if args.dense_weights else ""))
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.write:
        current = index._searcher.weights.dense
        chosen = best_dense_weight(report["out_of_fold"], current) if args.dense_weights else None
        adapter = replace(fit(ex, list(range(len(ex.questions)))), dense_weight=chosen)
        store(ADAPTER_FILE, "adapters", settings.embed_model,
              adapter.entry(rank=RANK, questions=len(ex.questions)),
              about="Question-vector adapters per embedder (index/search/adapter.py), by python -m evaluation.fit_adapter.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
