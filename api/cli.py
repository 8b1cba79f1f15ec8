"""The `stdkb` command line. Each command parses its options, makes one call to the core, prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ingest.errors import StdkbError
from ingest.parse import parse_file

from .errors import classify
from .settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return Settings(**overrides)


def _open_index(settings: Settings):
    from index.index import Index

    return Index(settings.data_dir, embed_model=settings.embed_model, vector_mode=settings.chroma_mode,
                 vector_url=settings.chroma_url, domain_tune_steps=settings.domain_tune_steps)


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
            "family": doc.family,
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
    index = _open_index(settings)
    print(f"stdkb: data directory {settings.data_dir}; embedder: {index.embedder_description()}", file=sys.stderr)
    report = index.ingest(paths, progress=_ProgressBar())
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


def cmd_search(args: argparse.Namespace) -> int:
    """Search clauses. With '-' as the query, read one query per line from standard input."""
    settings = _settings(args)
    index = _open_index(settings)
    queries = [q.strip() for q in sys.stdin] if args.query == "-" else [args.query]
    for q in queries:
        if not q:
            continue
        result = index.search(q, k=args.k)
        if args.json:
            sys.stdout.write(result.model_dump_json(include={"query", "low_confidence", "hits"}) + "\n")
        else:
            print(f"「{q}」" + ("  (no confident answer)" if result.low_confidence else ""))
            for h in result.hits:
                print(f"{h.rank:>2}. {h.title} {h.article}  [{h.level} · {h.status} · {h.publish_date}]")
                if h.heading_path:
                    print("    " + " / ".join(h.heading_path))
                print("    " + h.text.replace("\n", " ")[:160])
    index.close()
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
    return 0 if report.ok or report.repaired else 8


def cmd_models_pull(args: argparse.Namespace) -> int:
    """Download a pretrained embedding model from the model hub into the data directory and verify it."""
    from index.embedder import hub_dir, pull_model

    settings = _settings(args)
    models_dir = settings.data_dir / "models"
    embedder = pull_model(args.repo_id, models_dir, revision=args.revision)
    print(f"pulled {args.repo_id} into {hub_dir(models_dir, args.repo_id)} "
          f"({embedder.dim}-dim, fingerprint {embedder.fingerprint}); use it with STDKB_EMBED_MODEL={args.repo_id}")
    return 0


class _ProgressBar:
    """tqdm bars on stderr, one per stage."""

    def __init__(self):
        self._bar = None
        self._stage = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        key = stage.split(":")[0]
        if key != self._stage:
            if self._bar is not None:
                self._bar.close()
            self._bar = tqdm(total=total, desc=key, file=sys.stderr, leave=True, disable=None)
            self._stage = key
        if ":" in stage:
            self._bar.set_postfix_str(stage.split(":", 1)[1].strip()[:50])
        self._bar.n = done
        self._bar.refresh()
        if done >= total:
            self._bar.close()
            self._bar, self._stage = None, None


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

    p = sub.add_parser("search", help=cmd_search.__doc__, description=cmd_search.__doc__)
    p.add_argument("query", help="a question or a citation; '-' reads queries from standard input")
    p.add_argument("-k", type=int, default=10, choices=range(1, 101), metavar="N", help="number of hits (1-100)")
    p.add_argument("--json", action="store_true", help="print JSON")
    data_dir(p)
    p.set_defaults(func=cmd_search)

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
        _status, code = classify(exc)
        print(f"stdkb: error: {exc}", file=sys.stderr)
        return code
    except ValueError as exc:  # settings validation
        print(f"stdkb: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
