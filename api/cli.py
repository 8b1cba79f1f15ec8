"""The `stdkb` command line. Each command parses its options, makes one call to the core, prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ingest.errors import StdkbError
from ingest.parse import parse_file
from index.errors import CitationNotFound, InvalidRequest

from . import cli_gap, cli_system, remote
from .errors import CHECK_FAILED_EXIT, classify
from .progress import ProgressBar
from .settings import Settings, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return load_settings(**overrides)


def _open_index(settings: Settings):
    return settings.open_index()


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


# ------------------------------------------------------------------------------------- commands
def cmd_parse(args: argparse.Namespace) -> int:
    """Show how stdkb understands one file, without storing anything."""
    doc = parse_file(Path(args.file))
    if args.json:
        _print_json({
            "title": doc.title, "level": doc.level, "issuer": doc.issuer, "doc_number": doc.doc_number,
            "publish_date": doc.publish_date, "effective_date": doc.effective_date, "status": doc.status,
            "family": doc.family, "reader": doc.reader, "confidence": doc.ocr_confidence,
            "low_confidence_pages": doc.ocr_low_pages,
            "clauses": [{"id": c.id, "label": c.label, "kind": c.kind, "heading_path": c.heading_path,
                         "title": c.title, "text": c.text, "parent": c.parent} for c in doc.clauses],
        })
        return 0
    print(f"{doc.title}  [{doc.level} · {doc.status} · {doc.publish_date or '日期不详'}]  ({doc.family}, {len(doc.clauses)} clauses)")
    last_path: list[str] = []
    for c in doc.clauses:
        if c.heading_path != last_path:
            print("  " + " / ".join(c.heading_path))
            last_path = c.heading_path
        first = c.text.split("\n")[0]
        print(f"    {c.label:<10} {first[:60]}{'…' if len(first) > 60 else ''}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """Parse and store documents (files or folders); unchanged files are skipped."""
    settings = _settings(args)
    paths = [Path(p) for p in args.paths] or [Path(args.corpus) if args.corpus else settings.corpus]
    if settings.ingest_nice:
        os.nice(settings.ingest_nice)   # a batch job: searches on this machine come first
    index = _open_index(settings)
    print(f"stdkb: data directory {settings.data_dir}; embedder: {index.embedder_description()}", file=sys.stderr)
    report = index.ingest(paths, progress=ProgressBar())
    if args.json:
        _print_json(report.model_dump())
    else:
        print(f"ingested into {settings.data_dir} in {report.seconds}s: "
              f"{report.documents_added} added, {report.documents_replaced} replaced, "
              f"{report.documents_unchanged} unchanged, {report.clauses_written} clauses written; "
              f"now {report.total_documents} documents, {report.total_clauses} clauses")
        print(f"embedder: {report.embedder}{' (trained in this run)' if report.embedder_trained else ''}")
        for s in report.skipped:
            print(f"skipped {s.path}: {s.reason}")
    index.close()
    return 0


def _filters(args: argparse.Namespace):
    from pydantic import ValidationError

    from index.filters import SearchFilters

    try:
        return SearchFilters(level=args.level or [], status=args.status or [], region=args.region or "",
                             document=args.document or "", as_of=args.as_of or "", date_from=args.date_from or "",
                             date_to=args.date_to or "")
    except ValidationError as exc:
        raise InvalidRequest("; ".join(f"--{'-'.join(str(p) for p in e['loc']).replace('_', '-')}: {e['msg']}"
                                       for e in exc.errors())) from None


def _highlighter(query: str, segmenter):
    """Matched words in bold yellow on a terminal, in 【】 otherwise (with the knowledge base's own
    segmenter, or a default one when a server answered)."""
    from index.highlight import mark, query_terms
    from ingest.segment import Segmenter

    terms = query_terms(query, segmenter or Segmenter())
    before, after = ("\033[1;33m", "\033[0m") if sys.stdout.isatty() else ("【", "】")
    return lambda text: mark(text, terms, before, after)


def _print_hit(h, highlight) -> None:
    print(f"{h.rank:>2}. {h.title} {h.article}  [{h.level} · {h.status} · {h.publish_date or '日期不详'}]"
          f"  score {h.score}")
    if h.heading_path:
        print("    " + " / ".join(h.heading_path))
    text = h.text.replace("\n", " ")
    print("    " + highlight(text[:240] + ("…" if len(text) > 240 else "")))


def cmd_search(args: argparse.Namespace) -> int:
    """Search clauses by question or citation. With '-' as the query, read one query per line from standard input."""
    settings = _settings(args)
    filters = _filters(args)
    index = None if settings.url else _open_index(settings)
    queries = (line.strip() for line in sys.stdin) if args.query == "-" else iter([args.query])
    for q in queries:
        if not q and args.query == "-":
            continue
        result = remote.search(settings.url, q, args.k, filters) if index is None else \
            index.search(q, k=args.k, filters=filters)
        if args.json:
            sys.stdout.write(result.model_dump_json() + "\n")
            sys.stdout.flush()
            continue
        print(f"「{q}」" + ("  — 知识库中没有可靠的答案（low confidence）" if result.low_confidence else ""))
        if result.notice:
            print(f"  注意：{result.notice}")
        highlight = _highlighter(q, index.segmenter if index else None)
        for h in result.hits:
            _print_hit(h, highlight)
    if index is not None:
        index.close()
    return 0


def cmd_clause(args: argparse.Namespace) -> int:
    """Look up a citation exactly: the clause, the articles before and after it, and the document outline."""
    settings = _settings(args)
    if settings.url:
        result = remote.clause(settings.url, args.citation, _filters(args))
    else:
        index = _open_index(settings)
        result = index.clause(args.citation, filters=_filters(args))
        index.close()
    if args.json:
        _print_json(result.model_dump())
    else:
        if result.notice:
            print(f"注意：{result.notice}")
        for h in result.hits:
            print(f"{h.title}（{h.publish_date or '日期不详'}，{h.level}，{h.status}）{h.article}")
            if h.heading_path:
                print("  " + " / ".join(h.heading_path))
            print(h.text)
            if h.previous:
                print(f"  ← {h.previous.article}")
            if h.next:
                print(f"  → {h.next.article}")
    return 0 if result.found else classify(CitationNotFound(args.citation)).exit_code


def cmd_eval(args: argparse.Namespace) -> int:
    """Score retrieval on questions with gold clauses, next to the naive-chunk BM25 and dense baselines."""
    from analysis.evaluate.report import evaluate, render

    settings = _settings(args)
    index = _open_index(settings)
    corpus = Path(args.corpus) if args.corpus else settings.corpus
    report = evaluate(index, Path(args.questions), corpus=corpus, baselines=not args.no_baselines, k=args.k,
                      progress=ProgressBar())
    index.close()
    if args.json:
        _print_json(report)
    else:
        print(render(report))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web pages (/), the JSON API (/api/v1) and its docs (/docs) on the data directory."""
    from .app import serve

    serve(_settings(args), host=args.host, port=args.port, workers=args.workers)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Verify that the stores of a data directory agree; --repair makes them agree."""
    index = _open_index(_settings(args))
    report = index.check(repair=args.repair)
    if args.json:
        _print_json(report.model_dump())
    else:
        print(f"{'OK' if report.ok else 'PROBLEMS'}: {report.documents} documents, {report.clauses} clauses, "
              f"{report.vectors} vectors")
        for p in report.problems:
            print(f"  - {p}{' (repaired)' if report.repaired else ''}")
    index.close()
    return 0 if report.ok or report.repaired else CHECK_FAILED_EXIT


def cmd_models_pull(args: argparse.Namespace) -> int:
    """Download a pretrained embedding model from the model hub into the data directory and verify it."""
    from index.embedder import hub_dir, pull_model

    settings = _settings(args)
    models_dir = settings.data_dir / "models"
    embedder = pull_model(args.repo_id, models_dir, revision=args.revision)
    print(f"pulled {args.repo_id} into {hub_dir(models_dir, args.repo_id)} "
          f"({embedder.dim}-dim, fingerprint {embedder.fingerprint}); use it with STDKB_EMBED_MODEL={args.repo_id}")
    return 0


def _with_index(func):
    """A command that needs the settings and an open knowledge base, closed afterwards."""
    def run(args: argparse.Namespace) -> int:
        settings = _settings(args)
        index = _open_index(settings)
        try:
            return func(args, settings, index)
        finally:
            index.close()
    run.__doc__ = func.__doc__
    return run


# ----------------------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stdkb", description="Knowledge base of laws, regulations and "
                                     "standards for drafters of 机关事务 standards.")
    sub = parser.add_subparsers(dest="command", required=True)

    def data_dir(p):
        p.add_argument("--data-dir", help="data directory (default: $STDKB_DATA_DIR or ./stdkb-data)")

    p = sub.add_parser("parse", help=cmd_parse.__doc__, description=cmd_parse.__doc__)
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("ingest", help=cmd_ingest.__doc__, description=cmd_ingest.__doc__)
    p.add_argument("paths", nargs="*", help="files or folders (default: the corpus folder)")
    p.add_argument("--corpus", help="corpus folder ingested when no path is given (default: $STDKB_CORPUS or ../shared/corpus)")
    data_dir(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_ingest)

    def filters(p):
        g = p.add_argument_group("filters")
        g.add_argument("--level", action="append", help="document level, e.g. 法律, 地方性法规 (repeatable)")
        g.add_argument("--status", action="append", help="现行有效 / 已被修订 / 已废止 (repeatable)")
        g.add_argument("--region", help="text in the issuer or at the start of the title, e.g. 杭州")
        g.add_argument("--document", help="a document's source path or text in its title")
        g.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD: only versions in force on that day")
        g.add_argument("--from", dest="date_from", help="published on or after YYYY-MM-DD")
        g.add_argument("--to", dest="date_to", help="published on or before YYYY-MM-DD")

    p = sub.add_parser("search", help=cmd_search.__doc__, description=cmd_search.__doc__)
    p.add_argument("query", help="a question or a citation; '-' reads queries from standard input")
    p.add_argument("-k", type=int, default=10, choices=range(1, 101), metavar="N", help="number of hits (1-100)")
    p.add_argument("--json", action="store_true", help="print JSON")
    filters(p)
    data_dir(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("clause", help=cmd_clause.__doc__, description=cmd_clause.__doc__)
    p.add_argument("citation", help="e.g. 机关事务管理条例第十条, 《标准化法》第2条第二款, GB/T 30520—2014 3.1")
    p.add_argument("--json", action="store_true", help="print JSON")
    filters(p)
    data_dir(p)
    p.set_defaults(func=cmd_clause)

    p = sub.add_parser("eval", help=cmd_eval.__doc__, description=cmd_eval.__doc__)
    p.add_argument("questions", help="JSONL questions with gold clauses (format of ../shared/eval/dev.jsonl)")
    p.add_argument("-k", type=int, default=10, help="hits per question (default 10)")
    p.add_argument("--corpus", help="corpus folder for the baselines (default: $STDKB_CORPUS or ../shared/corpus)")
    p.add_argument("--no-baselines", action="store_true", help="score stdkb only")
    p.add_argument("--json", action="store_true", help="print JSON")
    data_dir(p)
    p.set_defaults(func=cmd_eval)

    cli_gap.add_parser(sub, data_dir, _with_index)
    cli_system.add_parser(sub, data_dir, _with_index)

    p = sub.add_parser("serve", help=cmd_serve.__doc__, description=cmd_serve.__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1,
                   help="server processes; each holds its own search views in memory (default 1)")
    data_dir(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("check", help=cmd_check.__doc__, description=cmd_check.__doc__)
    p.add_argument("--repair", action="store_true", help="remove half-written documents and fix the stores")
    p.add_argument("--json", action="store_true", help="print JSON")
    data_dir(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("models", help="manage embedding models")
    msub = p.add_subparsers(dest="models_command", required=True)
    pp = msub.add_parser("pull", help=cmd_models_pull.__doc__, description=cmd_models_pull.__doc__)
    pp.add_argument("repo_id", nargs="?", default="BAAI/bge-small-zh-v1.5")
    pp.add_argument("--revision", default=None)
    data_dir(pp)
    pp.set_defaults(func=cmd_models_pull)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except StdkbError as exc:
        print(f"stdkb: error: {exc}", file=sys.stderr)
        return classify(exc).exit_code


if __name__ == "__main__":
    sys.exit(main())
