"""`stdkb eval`: score stdkb and the peer baselines on one questions file, and print the table."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from .baselines import BM25Baseline, DenseBaseline, naive_chunks
from .retrieval import HitResult, load_questions, metrics, run


def evaluate(index, questions_path: Path, corpus: Path, baselines: bool = True, k: int = 10,
             progress: Callable[[str, int, int], None] = lambda stage, done, total: None) -> dict:
    """Metrics per system: 'stdkb' and, with `baselines`, 'bm25_naive_chunks' and 'dense_naive_chunks'.
    `progress(stage, done, total)` hears of every question answered, per system."""
    questions = load_questions(questions_path)

    def stdkb(query: str):
        result = index.search(query, k=k)
        return [HitResult(h.source, h.article, h.heading_path, h.clause_title) for h in result.hits], \
            result.low_confidence

    systems = {"stdkb": stdkb}
    if baselines:
        chunks = naive_chunks(corpus)
        systems["bm25_naive_chunks"] = BM25Baseline(chunks, index.text.segmenter, k=k)
        systems["dense_naive_chunks"] = DenseBaseline(
            chunks, index.embedder(), k=k,
            progress=lambda done, total: progress("baselines: embedding naive chunks", done, total))
    report: dict = {"questions": str(questions_path), "count": len(questions), "k": k,
                    "embedder": index.embedder_description(), "systems": {}}
    for name, system in systems.items():
        started = time.perf_counter()
        outcomes = run(system, questions, k=k,
                       progress=lambda done, total, name=name: progress(f"questions: {name}", done, total))
        m = metrics(outcomes)
        m["ms_per_query"] = round((time.perf_counter() - started) / len(questions) * 1000, 1)
        report["systems"][name] = m
    return report


def render(report: dict) -> str:
    """A plain-text table: one row per system × question type."""
    lines = [f"{report['count']} questions from {report['questions']}; embedder: {report['embedder']}", ""]
    header = f"{'system':<20} {'type':<12} {'n':>3} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7}"
    lines += [header, "-" * len(header)]
    for name, m in report["systems"].items():
        rows = [("overall", m["overall"])] + list(m["by_type"].items())
        for qtype, row in rows:
            if not row["questions"]:
                continue
            lines.append(f"{name:<20} {qtype:<12} {row['questions']:>3} {row['recall@1']:>6.3f} "
                         f"{row['recall@5']:>6.3f} {row['recall@10']:>6.3f} {row['mrr@10']:>7.3f}")
        stale, low = m["stale_above_gold"], m["low_confidence"]
        lines.append(f"{'':<20} stale article above its current gold: {stale['stale_ranked_above_gold']} of "
                     f"{stale['questions_with_stale']} questions with a stale version")
        if name == "stdkb":
            lines.append(f"{'':<20} low_confidence: {low['flagged_without_gold']} of {low['questions_without_gold']} "
                         f"questions without gold, {low['flagged_with_gold']} of "
                         f"{m['overall']['questions']} with gold")
        lines.append(f"{'':<20} {m['ms_per_query']} ms per query")
        lines.append("")
    return "\n".join(lines)
