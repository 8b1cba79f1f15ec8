"""Which sentence does /ask quote? Measured against the `answer_hint` of the dev questions.

    python -m evaluation.answer_eval DATA_DIR [--questions ../shared/eval/dev.jsonl]

For every question whose first hit is a gold clause with more than one sentence, the sentence
chosen by `analysis.answer.ask.best_sentences` is compared with the question's answer hint
(a drafter's one-line summary of the answer) by character-bigram F1. Rows: the question's words
alone, the encoder alone, and the encoder plus the words at several weights. The hint summarises
the whole clause, so the figures compare choices with each other; they are no absolute accuracy.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from analysis.answer import ask
from analysis.evaluate.retrieval import HitResult, load_questions
from index.search.highlight import query_terms

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = (0.0, 0.05, 0.1, 0.2, 0.5, 1.0)


def bigram_f1(a: str, b: str) -> float:
    grams = lambda t: {t[i:i + 2] for i in range(len(t) - 1)} - {""}  # noqa: E731
    x, y = grams("".join(a.split())), grams("".join(b.split()))
    if not x or not y:
        return 0.0
    common = len(x & y)
    return 2 * common / (len(x) + len(y))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--questions", type=Path, default=ROOT.parent / "shared" / "eval" / "dev.jsonl")
    args = ap.parse_args()

    from api.settings import load_settings
    from ingest.sentences import sentences

    index = load_settings(data_dir=args.data_dir).open_index()
    hints = {}
    for line in args.questions.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            hints[str(row.get("id"))] = row.get("answer_hint", "")
    scores: dict[str, list[float]] = {"words alone": [], "encoder alone": []}
    scores.update({f"encoder + {w} × words": [] for w in WEIGHTS[1:]})
    for q in load_questions(args.questions):
        hint = hints.get(q.id, "")
        result = index.search(q.query, k=1)
        if not hint or not result.hits or len(sentences(result.hits[0].text)) < 2:
            continue
        top = result.hits[0]
        if not any(HitResult(top.source, top.article, top.heading_path, top.clause_title).matches(g)
                   for g in q.relevant):
            continue
        terms = query_terms(q.query, index.text.segmenter)
        parts = sentences(top.text)
        cosines = index.text.similarity(q.query, parts)
        cached = lambda _parts: cosines  # noqa: E731  (same sentences each time)
        ask.LEXICAL_WEIGHT = 1.0
        scores["words alone"].append(bigram_f1(ask.best_sentences(top.text, terms), hint))
        for w in WEIGHTS:
            ask.LEXICAL_WEIGHT = w
            name = "encoder alone" if w == 0 else f"encoder + {w} × words"
            scores[name].append(bigram_f1(ask.best_sentences(top.text, terms, cached), hint))
    n = len(scores["words alone"])
    print(f"{n} questions whose first hit is gold and has several sentences; embedder: {index.embedder_description()}")
    for name, values in scores.items():
        print(f"{name:<24} bigram F1 with the answer hint: {sum(values) / max(n, 1):.3f}")
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
