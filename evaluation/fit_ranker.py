"""Fit the learned ranker (evaluation/learned_ranker.py) by folds and score it against weighted RRF.

    python -m evaluation.fit_ranker DATA_DIR [--questions FILE…] [--mined N]
        [--folds 5] [--seeds 5] [--out docs/measurements/ranker-folds.json]

Training queries are the dev questions and the blind tuning paraphrases (evaluation/tuning/)
and, with --mined, queries mined from the corpus itself
(evaluation/mine_queries.py: a provision's restatement where another article cites it). Each
query is run once through the searcher's lists; its candidates' feature rows and whether each is
gold are kept, so that every model is scored offline by the same collapse and cut-off as search.

By folds over the questions (mined queries are always on the training side), each fold's model
is fitted on the others and scored on it, next to weighted RRF on the same questions, overall and
per question file and style. Held-out questions (evaluation/heldout/) are never read here.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from analysis.evaluate.retrieval import Gold, HitResult, load_questions
from index.search.filters import SearchFilters, allowed_sources
from index.search.fusion import fuse
from evaluation.learned_ranker import FEATURES, Candidates, LinearRanker, features
from index.search.lookup import resolve
from index.search.query import analyse, clean_query

ROOT = Path(__file__).resolve().parent.parent
HARD_NEGATIVES = 40
RANDOM_NEGATIVES = 20
C_GRID = (0.1, 0.3, 1.0, 3.0)


@dataclass
class Sample:
    """One query's candidates: feature rows, gold or not, the key its hits collapse to, RRF's order."""

    qid: str
    cands: Candidates
    gold: np.ndarray
    key: list[str]
    rrf: list[str]


def collect(index, qid: str, query: str, relevant: list[Gold]) -> Sample | None:
    """The query's candidates as search sees them; None for a citation answered by lookup."""
    searcher = index._searcher
    snap = searcher._current()
    query = clean_query(query)
    plan = analyse(query, snap.titles)
    filters = SearchFilters()
    allowed = allowed_sources(snap.documents, filters)
    if plan.is_citation and resolve(searcher.catalog, snap.documents, plan, allowed).hits:
        return None
    lists, _nearest, named = searcher._lists(snap, plan, allowed)
    if not lists.get("dense"):
        return None
    evidence = searcher._evidence(snap, plan, named, filters, lists)
    cands = features(lists, evidence, searcher.weights.pool)
    found = searcher.catalog.clauses_by_id(cands.ids)
    gold, key = [], []
    for cid in cands.ids:
        if cid not in found:
            gold.append(False)
            key.append(cid)
            continue
        c, d = found[cid]
        gold.append(any(HitResult(d.source, c.label, c.heading_path, c.title).matches(g) for g in relevant))
        key.append(c.parent or c.id)
    rrf = [cid for cid, _ in fuse(lists, evidence, searcher.weights)]
    return Sample(qid, cands, np.array(gold), key, rrf)


def first_relevant(sample: Sample, order: list[str], k: int = 10) -> int | None:
    """0-based rank of the first gold hit after parts collapse into their article, as search does."""
    pos = {cid: i for i, cid in enumerate(sample.cands.ids)}
    seen: list[str] = []
    for cid in order:
        i = pos[cid]
        if sample.key[i] in seen:
            continue
        seen.append(sample.key[i])
        if sample.gold[i]:
            return len(seen) - 1
        if len(seen) >= k:
            return None
    return None


def figures(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {"R@1": sum(r is not None and r < 1 for r in ranks) / n,
            "R@5": sum(r is not None and r < 5 for r in ranks) / n,
            "MRR": sum(1 / (r + 1) for r in ranks if r is not None) / n}


def pairs(samples: list[Sample], seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Differences (gold − not gold) within each query, both signs; every query weighs the same."""
    rng = random.Random(seed)
    xs, ys, ws = [], [], []
    for s in samples:
        pos = np.flatnonzero(s.gold)
        if not len(pos):
            continue
        idx = {cid: i for i, cid in enumerate(s.cands.ids)}
        hard = [idx[c] for c in s.rrf if not s.gold[idx[c]]][:HARD_NEGATIVES]
        rest = [i for i in np.flatnonzero(~s.gold) if i not in set(hard)]
        neg = hard + rng.sample(rest, min(RANDOM_NEGATIVES, len(rest)))
        if not neg:
            continue
        d = (s.cands.matrix[pos][:, None, :] - s.cands.matrix[neg][None, :, :]).reshape(-1, s.cands.matrix.shape[1])
        w = np.full(len(d), 1.0 / len(d))
        xs += [d, -d]
        ys += [np.ones(len(d)), np.zeros(len(d))]
        ws += [w, w]
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


def fit(samples: list[Sample], c: float) -> LinearRanker:
    x, y, w = pairs(samples)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    model.fit(x, y, sample_weight=w * len(set(s.qid for s in samples)))
    return LinearRanker(weights={name: round(float(v), 4) for name, v in zip(FEATURES, model.coef_[0])})


def ranked(model: LinearRanker, s: Sample) -> list[str]:
    return model.rank(s.cands)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--questions", type=Path, nargs="+",
                    default=[ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT / "evaluation" / "tuning" / "paraphrases.jsonl"])
    ap.add_argument("--mined", type=int, default=0, help="how many mined queries to add to every training side")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if any("heldout" in str(q) for q in args.questions):
        raise SystemExit("held-out questions are never fitted on")

    from api.settings import load_settings

    cfg = load_settings(data_dir=args.data_dir)
    index = cfg.open_index()
    dev, origin = [], {}
    for path in args.questions:
        for q in load_questions(path):
            if q.relevant and (s := collect(index, q.id, q.query, q.relevant)) is not None:
                dev.append(s)
                origin[q.id] = f"{path.stem}:{q.style}" if q.style else path.stem
    mined: list[Sample] = []
    if args.mined:
        from evaluation.mine_queries import mine
        for m in mine(index, args.mined):
            s = collect(index, m.id, m.query, m.relevant)
            if s is not None:
                s.gold &= np.array([cid != m.own for cid in s.cands.ids])   # the citing clause is no answer
                mined.append(s)
    print(f"{len(dev)} queries ranked by the lists (citations answered by lookup left out); "
          f"{len(mined)} mined queries; embedder {cfg.embed_model}")
    groups = sorted(set(origin.values()))

    def line(name: str, ranks: dict[str, int | None]) -> str:
        parts = [f"all R@5 {figures(list(ranks.values()))['R@5']:.3f} MRR {figures(list(ranks.values()))['MRR']:.3f}"]
        for g in groups:
            f = figures([r for q, r in ranks.items() if origin[q] == g])
            parts.append(f"{g} {f['R@5']:.3f}/{f['MRR']:.3f}")
        return f"{name:<26}" + " | ".join(parts)

    print(line("weighted RRF", {s.qid: first_relevant(s, s.rrf) for s in dev}))

    def summary(ranks: dict[str, int | None]) -> dict[str, dict[str, float]]:
        out = {"all": figures(list(ranks.values()))}
        out |= {g: figures([r for q, r in ranks.items() if origin[q] == g]) for g in groups}
        return {g: {k: round(v, 3) for k, v in f.items()} for g, f in out.items()}

    by_c: dict[float, dict[str, int | None]] = {}
    for c in C_GRID:
        for seed in range(args.seeds):
            ids = [s.qid for s in dev]
            random.Random(seed).shuffle(ids)
            folds = [set(ids[i::args.folds]) for i in range(args.folds)]
            ranks = {}
            for test in folds:
                model = fit([s for s in dev if s.qid not in test] + mined, c)
                ranks |= {s.qid: first_relevant(s, ranked(model, s)) for s in dev if s.qid in test}
            print(line(f"learned C={c} shuffle {seed + 1}", ranks))
            if seed == 0:
                by_c[c] = ranks
    if mined:
        for c in C_GRID:
            model = fit(mined, c)
            print(line(f"mined only, C={c}", {s.qid: first_relevant(s, ranked(model, s)) for s in dev}))
    if args.out:
        from evaluation.run_eval import commit
        report = {"commit": commit(), "command": "python -m evaluation.fit_ranker DIR", "queries": len(dev),
                  "mined": len(mined), "rrf": summary({s.qid: first_relevant(s, s.rrf) for s in dev}),
                  "learned_by_folds": {str(c): summary(r) for c, r in by_c.items()}}
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
