"""The `stdkb` command line. Each command parses its options, makes one call to the core, prints."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from api.cli import documents
from api.cli import gap as cli_gap
from api.cli import implement as cli_implement
from api import remote
from api.cli import system as cli_system
from api.cli.common import open_index, print_json, settings_of, with_index
from api.cli.progress import ProgressBar
from api.errors import classify
from api.filters import FILTER_FIELDS, search_filters
from index.errors import CitationNotFound
from ingest.errors import StdkbError


def _filters(args: argparse.Namespace):
    # A bad value is named by the option that carried it (--from, not date_from).
    options = {"date_from": "--from", "date_to": "--to"}
    return search_filters(lambda field: options.get(field, "--" + field.replace("_", "-")),
                          **{name: getattr(args, name, None) for name in FILTER_FIELDS})


def _highlighter(terms: list[str]):
    """The words search matched, in bold yellow on a terminal, in 【】 otherwise."""
    from index.search.highlight import mark

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
    """Search clauses by question or citation. With '-' as the query, read one query per line from standard input.
    --format ris or csl prints the hits as one reference list (RIS, CSL-JSON) for a reference manager."""
    from analysis.exports import REFERENCE_FORMATS, check_format

    if args.format:
        check_format(args.format, REFERENCE_FORMATS)
    settings = settings_of(args)
    filters = _filters(args)
    index = None if settings.url else open_index(settings)
    queries = (line.strip() for line in sys.stdin) if args.query == "-" else iter([args.query])
    hits = []
    for q in queries:
        if not q and args.query == "-":
            continue
        result = remote.search(settings.url, q, args.k, filters) if index is None else \
            index.search(q, k=args.k, filters=filters)
        if args.format:
            hits += result.hits   # every query's hits make one list: one reference a document
            continue
        if args.json:
            sys.stdout.write(result.model_dump_json() + "\n")
            sys.stdout.flush()
            continue
        print(f"「{q}」" + ("  — 知识库中没有可靠的答案（low confidence）" if result.low_confidence else ""))
        if result.notice:
            print(f"  注意：{result.notice}")
        highlight = _highlighter(result.terms)
        for h in result.hits:
            _print_hit(h, highlight)
    if args.format:
        _print_references(hits, args.format, settings.url, index)
    if index is not None:
        index.close()
    return 0


def _print_references(hits, format: str, url: str, index) -> None:
    """The references link to the clause pages of STDKB_URL when it is set, else to paths relative to
    wherever the knowledge base is served (/doc/…#第十条): the CLI knows no server of its own."""
    from analysis.bibliography import csl_json, hit_references, ris

    references = hit_references(hits, url, index.document_info if index is not None else None)
    sys.stdout.write(ris(references) if format == "ris" else csl_json(references))
    sys.stdout.flush()


def cmd_clause(args: argparse.Namespace) -> int:
    """Look up a citation exactly: the clause, the articles before and after it, and the document outline."""
    settings = settings_of(args)
    if settings.url:
        result = remote.clause(settings.url, args.citation, _filters(args))
    else:
        index = open_index(settings)
        result = index.clause(args.citation, filters=_filters(args))
        index.close()
    if args.json:
        print_json(result.model_dump())
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

    settings = settings_of(args)
    index = open_index(settings)
    corpus = Path(args.corpus) if args.corpus else settings.corpus
    report = evaluate(index, Path(args.questions), corpus=corpus, baselines=not args.no_baselines, k=args.k,
                      progress=ProgressBar())
    index.close()
    if args.json:
        print_json(report)
    else:
        print(render(report))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web pages (/), the JSON API (/api/v1) and its docs (/docs) on the data directory."""
    from api.http.app import serve

    serve(settings_of(args), host=args.host, port=args.port, workers=args.workers)
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    """Serve the knowledge base to an LLM assistant over the Model Context Protocol (stdio).
    Tools: search, clause, gap, review, system; resources: stdkb://documents, stdkb://doc/{source}.
    --http serves streamable HTTP at /mcp; it has no API key, so keep it on 127.0.0.1."""
    from api.mcp.server import run

    run(settings_of(args), http=args.http, host=args.host, port=args.port)
    return 0


# ----------------------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stdkb", description="Knowledge base of laws, regulations and "
                                     "standards for drafters of 机关事务 standards.")
    sub = parser.add_subparsers(dest="command", required=True)

    def data_dir(p):
        p.add_argument("--data-dir", help="data directory (default: $STDKB_DATA_DIR or ./stdkb-data)")

    p = sub.add_parser("parse", help=documents.cmd_parse.__doc__, description=documents.cmd_parse.__doc__)
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=documents.cmd_parse)

    p = sub.add_parser("ingest", help=documents.cmd_ingest.__doc__, description=documents.cmd_ingest.__doc__)
    p.add_argument("paths", nargs="*", help="files or folders (default: the corpus folder)")
    p.add_argument("--corpus", help="corpus folder ingested when no path is given (default: $STDKB_CORPUS or ../shared/corpus)")
    data_dir(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--text-ready", metavar="FILE", help="create FILE once every document is searchable by citation "
                   "and keyword, before the vectors are done (scripts/run starts the server then)")
    p.set_defaults(func=documents.cmd_ingest)

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
    p.add_argument("--format", metavar="ris|csl", help="print the hits as references, one a document: ris (RIS, "
                   "for NoteExpress, Zotero, EndNote) or csl (CSL-JSON); linked to STDKB_URL's clause pages if set")
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

    cli_gap.add_parser(sub, data_dir, with_index)
    cli_system.add_parser(sub, data_dir, with_index)
    cli_implement.add_parser(sub, data_dir)

    p = sub.add_parser("serve", help=cmd_serve.__doc__, description=cmd_serve.__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1,
                   help="server processes; each holds its own search views in memory (default 1)")
    data_dir(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("mcp", help=cmd_mcp.__doc__.splitlines()[0], description=cmd_mcp.__doc__)
    p.add_argument("--http", action="store_true", help="serve streamable HTTP at /mcp instead of stdio")
    p.add_argument("--host", default="127.0.0.1", help="with --http (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="with --http (default 8000)")
    data_dir(p)
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser("check", help=documents.cmd_check.__doc__, description=documents.cmd_check.__doc__)
    p.add_argument("--repair", action="store_true", help="remove half-written documents and fix the stores")
    p.add_argument("--json", action="store_true", help="print JSON")
    data_dir(p)
    p.set_defaults(func=documents.cmd_check)

    p = sub.add_parser("models", help="manage embedding models")
    msub = p.add_subparsers(dest="models_command", required=True)
    pp = msub.add_parser("pull", help=documents.cmd_models_pull.__doc__, description=documents.cmd_models_pull.__doc__)
    pp.add_argument("repo_id", nargs="?", default="BAAI/bge-small-zh-v1.5")
    pp.add_argument("--revision", default=None)
    data_dir(pp)
    pp.set_defaults(func=documents.cmd_models_pull)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except StdkbError as exc:
        print(f"stdkb: error: {exc}", file=sys.stderr)
        return classify(exc).exit_code

