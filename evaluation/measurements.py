"""Write docs/measurements.md, and the Measurements block of the README, from the JSON the
benchmarks wrote into docs/measurements/. No figure is typed by hand: rerun a benchmark with
`--out docs/measurements/NAME.json`, then this.

    .venv/bin/python -m evaluation.measurements

Files it reads (each optional; a missing one is a missing section):
  retrieval-heldout.json, retrieval-dev.json   `stdkb eval QUESTIONS --json` (evaluation/run_eval.py adds the commit)
  retrieval-*-synonyms-off.json                the same with STDKB_SYNONYMS=off
  retrieval-*-adapter-off.json                 the same with STDKB_QUERY_ADAPTER=off
  adapter-folds.json                           `python -m evaluation.fit_adapter DIR --fused --out …`
  gap-heldout-*.json, gap-firstrun-*.json, gap-tuning-*.json   `evaluation/gap_eval.py … --out`
  scale.json, vector_cache.json                `evaluation/bench_scale.py`, `evaluation/bench_vector_cache.py`
  implement.json                               `python -m evaluation.bench_implement --out …`
  training-check.json                          `python -m evaluation.training_check --out …`
  ocr-engines.json                             `evaluation/bench_ocr.py --out`
  ranker-folds.json                            `python -m evaluation.fit_ranker DIR --out …`
  relations-mined.json, term-extension.json    `python -m evaluation.relation_check` / `term_extension_check` `--out …`
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIR = ROOT / "docs" / "measurements"
PAGE = ROOT / "docs" / "measurements.md"
README = ROOT / "README.md"
START, END = "<!-- measurements:start -->", "<!-- measurements:end -->"
TYPES = ("paraphrase", "clause_ref", "cross_doc", "definition", "version", "scoped")


def _load(name: str):
    path = DIR / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _table(header: list[str], rows: list[list]) -> list[str]:
    def cell(v):
        if isinstance(v, float):
            return f"{v:.3f}" if 0 <= v <= 1 else f"{v:.1f}"
        return str(v)
    return ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header),
            *("| " + " | ".join(cell(v) for v in row) + " |" for row in rows), ""]


def _source(data: dict) -> str:
    bits = [f"`{data['command']}`" if data.get("command") else "", f"commit {data['commit']}" if data.get("commit") else "",
            data.get("embedder", "")]
    return "; ".join(b for b in bits if b)


def retrieval(data: dict, title: str) -> list[str]:
    stdkb = data["systems"]["stdkb"]
    rows = []
    for name, m in data["systems"].items():
        for qtype, row in [("overall", m["overall"]), *((t, m["by_type"].get(t)) for t in TYPES)]:
            if row and row["questions"] and (name == "stdkb" or qtype == "overall"):
                rows.append([name, qtype, row["questions"], row["recall@1"], row["recall@5"], row["recall@10"],
                             row["mrr@10"]])
    low = stdkb["low_confidence"]
    flagged = [f"unanswerable questions flagged `low_confidence`: {low['flagged_without_gold']} of "
               f"{low['questions_without_gold']}" if low["questions_without_gold"] else "",
               f"answerable questions flagged: {low['flagged_with_gold']} of {stdkb['overall']['questions']}",
               f"a superseded article above its current gold: {stdkb['stale_above_gold']['stale_ranked_above_gold']} "
               f"of {stdkb['stale_above_gold']['questions_with_stale']}"]
    styles = [f"{style} paraphrases: R@5 {m['recall@5']:.3f}, MRR@10 {m['mrr@10']:.3f} ({m['questions']})"
              for style, m in sorted(stdkb.get("by_style", {}).items())]
    return [f"### {title}", "", f"{data['count']} questions from `{data['questions']}`; {_source(data)}.", "",
            *_table(["system", "type", "n", "R@1", "R@5", "R@10", "MRR@10"], rows),
            *(f"- {line}" for line in [*styles, *flagged] if line), ""]


def with_and_without(pairs: list[tuple[str, dict, dict]], switch: str, what: str) -> list[str]:
    """The same questions with one part of search on and off (`switch`: synonyms, adapter): what it adds."""
    rows = []
    for name, on, off in pairs:
        for label, data in (("on", on), ("off", off)):
            s = data["systems"]["stdkb"]
            rows.append([name, label, s["overall"]["recall@5"], s["overall"]["mrr@10"],
                         s["by_type"].get("paraphrase", {}).get("recall@5", "")])
    return [f"### Search with and without {what}", "",
            f"`{pairs[0][2]['command']}` measures without it.", "",
            *_table(["questions", switch, "R@5", "MRR@10", "paraphrase R@5"], rows), ""]


def gap(files: list[tuple[str, dict]], title: str, note: str) -> list[str]:
    rows = []
    for name, data in files:
        s = data["score"]
        missing, listed = s["missing"], s.get("to_check")
        rows.append([name, f"{s['clauses_right']} / {s['clauses']}", f"{s['planted_found']} / {s['planted']}",
                     f"{sum(missing.values())} / {len(missing)}",
                     f"{sum(listed.values())} / {len(listed)} ({s['to_check_listed']} listed)" if listed is not None else "—",
                     s["unlabelled_flagged"], len(s["flags_outside_gold"]), data.get("seconds", "")])
    return [f"### {title}", "", note, "",
            *_table(["draft", "labelled clauses right", "planted items found", "gold missing duties found",
                     "of them in the 供核对 list", "unlabelled clauses flagged", "flags outside gold", "seconds"], rows)]


def scale(rows: list[dict]) -> list[str]:
    cols = [("clauses", "clauses"), ("ingest_s", "ingest s"), ("step_clauses_per_s", "ingest clauses/s"),
            ("search_p95_ms", "questions p95 ms"), ("citation_p95_ms", "citations p95 ms"),
            ("serve_rss_mb", "serve RSS MB"), ("update_visible_s", "update visible s"), ("disk_mb", "disk MB")]
    return ["### Scale", "", f"`evaluation/bench_scale.py` on the shared corpus grown by variation; {rows[0]['embedder']}.",
            "", *_table([c for _, c in cols], [[r.get(k, "") for k, _ in cols] for r in rows])]


def vector_cache(rows: list[dict]) -> list[str]:
    return ["### Vector cache", "", "`evaluation/bench_vector_cache.py`: a million vectors written as an ingest does.", "",
            *_table(["layout", "rows", "seconds", "file MB"], [[r["layout"], r["rows"], r["total_s"], r["file_mb"]]
                                                              for r in rows])]


def implement(data: dict) -> list[str]:
    """evaluation/bench_implement.py: a training set and a 自查表 of the largest documents."""
    rows = [[d["document"], d["characters"], d["checklist_items"], d["questions"], "、".join(d["kinds"]),
             f"{d['parse_s']:.3f}", f"{d['train_s']:.3f}", f"{d['paper_docx_s']:.3f}", f"{d['checklist_xlsx_s']:.3f}"]
            for d in data["documents"]]
    return ["### Training sets and checklists, the largest documents", "",
            f"{data['n']} questions, median of {data['runs']} runs; `{data['command']}`.", "",
            *_table(["document", "characters", "自查表 items", "questions", "kinds", "parse s", "questions s",
                     "试题.docx s", "自查表.xlsx s"], rows)]
def training_check(data: dict) -> list[str]:
    """evaluation/training_check.py: every question of every document's training set against its clause."""
    kinds = "、".join(f"{k} {n}" for k, n in data["kinds"].items())
    return [f"Training sets of all {data['documents']} documents of the shared corpus, checked against each clause "
            f"by `{data['command']}`: {data['questions']} questions ({kinds}), {len(data['failing'])} not decided by "
            "their clause's text.", ""]


def ocr_engines(data: dict) -> list[str]:
    """Engines side by side: a row a document and variant (held out first), chars, labels and
    seconds a page for each engine."""
    engines = list(dict.fromkeys(r["engine"] for r in data["rows"]))
    runs = list(dict.fromkeys((r["heldout"], r["source"], r["variant"]) for r in data["rows"]))
    runs.sort(key=lambda run: not run[0])   # held out first, the benchmark's order otherwise
    by = {(r["heldout"], r["source"], r["variant"], r["engine"]): r for r in data["rows"]}
    rows = []
    for heldout, source, variant in runs:
        first = next(by[(heldout, source, variant, e)] for e in engines if (heldout, source, variant, e) in by)
        row = ["held out" if heldout else "tuning", Path(first["document"]).stem, variant, first["pages"]]
        for engine in engines:
            r = by.get((heldout, source, variant, engine), {})
            row += [r.get("chars", ""), r.get("labels", "–") if r else "", r.get("s_per_page", "")]
        rows.append(row)
    header = ["set", "document", "variant", "pages"] + [f"{e} {m}" for e in engines for m in ("chars", "labels", "s/page")]
    return ["### OCR engines", "", f"Scans made from text and read back by each engine; {_source(data)}. "
            "chars: 1 − edit distance / length; labels: share of the clause labels recovered; s/page with one worker. "
            f"Default: {data.get('default', engines[0])}.", "", *_table(header, rows)]


def adapter_folds(data: dict) -> list[str]:
    """evaluation/fit_adapter.py: the dense list and the whole search without and with the adapter, out of fold."""
    folds = data["out_of_fold"]
    groups = list(folds["dense"])
    rows = [[name, *(f"{folds[name][g]['recall_at_5']:.3f} / {folds[name][g]['mrr_at_10']:.3f}" for g in groups)]
            for name in folds]
    return ["### The question-vector adapter by folds (fitted on four fifths, scored on the fifth)", "",
            f"R@5 / MRR@10 of the tuning questions ({', '.join(data['questions'])}); {_source(data)}.", "",
            *_table(["ranking", *(f"{g} ({folds['dense'][g]['n']})" for g in groups)], rows)]


def ranker_folds(data: dict) -> list[str]:
    """evaluation/fit_ranker.py: weighted RRF against the learned ranker, out of fold, per set."""
    sets = list(data["rrf"])
    rows = [["weighted RRF (search)", *(f"{data['rrf'][g]['R@5']:.3f} / {data['rrf'][g]['MRR']:.3f}" for g in sets)]]
    rows += [[f"learned, C={c}", *(f"{r[g]['R@5']:.3f} / {r[g]['MRR']:.3f}" for g in sets)]
             for c, r in data["learned_by_folds"].items()]
    return ["### A learned ranker against weighted RRF (by folds; not used by search)", "",
            f"R@5 / MRR of {data['queries']} questions answered by the lists; {_source(data)}.", "",
            *_table(["ranking", *sets], rows)]


def mined_checks(relations: dict | None, terms: dict | None) -> list[str]:
    """evaluation/relation_check.py and term_extension_check.py: the gap analysis on pairs and
    definitions mined from the corpus by editing it, no draft in view."""
    out = ["### Gap analysis on material mined from the corpus", ""]
    if relations:
        rows = [[kind, t["pairs"], t["as_written_conflict"], t["edited_conflict"], t["edited_conflict_citing_it"]]
                for kind, t in relations["pairs"].items()]
        out += [f"A provision taken as a draft clause as written, and with only its operator edited "
                f"(不得X → 可以X, 应当Y → 可以不Y); {_source(relations)}.", "",
                *_table(["provisions", "n", "as written: conflict", "edited: conflict", "edited: conflict citing it"], rows)]
    if terms:
        out += [f"Definitions of the knowledge base with one enumerated member cut: {terms['narrowed_reported']} of "
                f"{terms['narrowed']} reported narrower; unchanged: {terms['unchanged'] - terms['unchanged_quiet']} of "
                f"{terms['unchanged']} reported; two documents' definitions of one term, mostly shared: "
                f"{terms['restated_reported']} of {terms['restated_pairs']} reported; {_source(terms)}.", ""]
    return out


def _gap_files(prefix: str) -> list[tuple[str, dict]]:
    return [(p.stem.removeprefix(prefix), json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(DIR.glob(f"{prefix}*.json"))]


def build() -> tuple[str, str]:
    """(docs/measurements.md, the README's block)."""
    page = ["# Measurements", "", "Generated by `python -m evaluation.measurements` from `docs/measurements/*.json`; "
            "do not edit by hand.", "", "## Held out (written blind, never tuned on)", ""]
    block = []
    heldout = _load("retrieval-heldout.json")
    if heldout:
        page += retrieval(heldout, "Search: evaluation/heldout/questions.jsonl")
        block += retrieval(heldout, "Search, held out")
    for switch, what in (("adapter", "the question-vector adapter (index/search/adapter.py)"),
                         ("synonyms", "the synonym map (ingest/data/synonyms.tsv)")):
        pairs = [(name, _load(f"retrieval-{key}.json"), _load(f"retrieval-{key}-{switch}-off.json"))
                 for name, key in (("held out", "heldout"), ("dev", "dev"))]
        pairs = [p for p in pairs if p[1] and p[2]]
        if pairs:
            page += with_and_without(pairs, switch, what)
    for prefix, title, note in (
            ("gap-heldout-", "Gap analysis: the blind drafts (evaluation/heldout/drafts/)", "As they score now."),
            ("gap-firstrun-", "Gap analysis: the blind drafts' first run",
             "Before any change was made after seeing them (the sign whether the method generalises).")):
        files = _gap_files(prefix)
        if files:
            page += gap(files, title, note)
            if prefix == "gap-heldout-":
                block += gap(files, "Gap analysis, held out", note)
    if _load("implement.json"):
        block += implement(_load("implement.json"))
    if _load("training-check.json"):
        block += training_check(_load("training-check.json"))
    engines = _load("ocr-engines.json")
    if engines:
        page += ocr_engines(engines)
        block += ocr_engines(engines)
    page += ["## Tuning material (dev, and our own folds)", ""]
    dev = _load("retrieval-dev.json")
    if dev:
        page += retrieval(dev, "Search: ../shared/eval/dev.jsonl")
    files = _gap_files("gap-tuning-")
    if files:
        page += gap(files, "Gap analysis: the tuning drafts", "The shared dev draft and evaluation/drafts/.")
    if _load("relations-mined.json") or _load("term-extension.json"):
        page += mined_checks(_load("relations-mined.json"), _load("term-extension.json"))
    if _load("adapter-folds.json"):
        page += adapter_folds(_load("adapter-folds.json"))
    if _load("ranker-folds.json"):
        page += ranker_folds(_load("ranker-folds.json"))
    page += ["## Speed and size", ""]
    if _load("scale.json"):
        page += scale(_load("scale.json"))
    if _load("vector_cache.json"):
        page += vector_cache(_load("vector_cache.json"))
    if _load("implement.json"):
        page += implement(_load("implement.json"))
    if _load("training-check.json"):
        page += training_check(_load("training-check.json"))
    return "\n".join(page).rstrip() + "\n", "\n".join(block).rstrip()


def write() -> None:
    page, block = build()
    PAGE.write_text(page, encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    new = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: f"{START}\n{block}\n{END}", readme, flags=re.S)
    README.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    write()
