"""`stdkb parse`, `ingest`, `check` and `models pull`: files into the knowledge base, and its health."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pydantic import BaseModel, Field

from api.cli.common import open_index, print_json, settings_of
from api.cli.progress import ProgressBar
from api.errors import CHECK_FAILED_EXIT
from ingest.collect import collect
from ingest.models import Document
from ingest.parse import parse_file


class ParsedClause(BaseModel):
    id: str
    label: str
    kind: str
    heading_path: list[str]
    title: str
    text: str
    parent: str | None


class ParseReport(BaseModel):
    """`stdkb parse FILE --json`: how stdkb understands one file."""

    title: str
    level: str
    issuer: str
    doc_number: str
    publish_date: str
    effective_date: str
    status: str
    family: str
    reader: str
    confidence: float | None = Field(description="OCR's mean word confidence (0–100); null for a text layer.")
    low_confidence_pages: list[int]
    clauses: list[ParsedClause]

    @classmethod
    def of(cls, doc: Document) -> "ParseReport":
        return cls(**doc.model_dump(include={"title", "level", "issuer", "doc_number", "publish_date",
                                             "effective_date", "status", "family", "reader"}),
                   confidence=doc.ocr_confidence, low_confidence_pages=doc.ocr_low_pages,
                   clauses=[ParsedClause(**c.model_dump(include=set(ParsedClause.model_fields))) for c in doc.clauses])


def cmd_parse(args: argparse.Namespace) -> int:
    """Show how stdkb understands one file, without storing anything."""
    doc = parse_file(Path(args.file))
    if args.json:
        sys.stdout.write(ParseReport.of(doc).model_dump_json() + "\n")
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
    settings = settings_of(args)
    paths = [Path(p) for p in args.paths] or [Path(args.corpus) if args.corpus else settings.corpus]
    if settings.ingest_nice:
        os.nice(settings.ingest_nice)   # a batch job: searches on this machine come first
    index = open_index(settings)
    print(f"stdkb: data directory {settings.data_dir}; embedder: {index.embedder_description()}", file=sys.stderr)
    progress = ProgressBar()
    if args.text_ready:
        progress = _marking_text_ready(progress, Path(args.text_ready))
    report = index.upsert(*collect(paths, progress), progress=progress)
    if args.text_ready:
        Path(args.text_ready).touch()   # nothing to embed (or all embedded): the text is in all the same
    if args.json:
        print_json(report.model_dump())
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


def _marking_text_ready(progress, marker: Path):
    """`progress` that also creates `marker` when embedding begins: from then on every document is
    searchable by citation and keyword, and a server may start while the vectors fill in behind."""
    def report(stage: str, done: int, total: int) -> None:
        if stage.startswith("embedding") and not marker.exists():
            marker.touch()
        progress(stage, done, total)
    return report


def cmd_check(args: argparse.Namespace) -> int:
    """Verify that the stores of a data directory agree; --repair makes them agree."""
    index = open_index(settings_of(args))
    report = index.check(repair=args.repair)
    if args.json:
        print_json(report.model_dump())
    else:
        print(f"{'OK' if report.ok else 'PROBLEMS'}: {report.documents} documents, {report.clauses} clauses, "
              f"{report.vectors} vectors")
        for p in report.problems:
            print(f"  - {p}{' (repaired)' if report.repaired else ''}")
    index.close()
    return 0 if report.ok or report.repaired else CHECK_FAILED_EXIT


def cmd_models_pull(args: argparse.Namespace) -> int:
    """Download a pretrained embedding model from the model hub into the data directory and verify it."""
    from index.embed.model import hub_dir, pull_model

    settings = settings_of(args)
    models_dir = settings.data_dir / "models"
    embedder = pull_model(args.repo_id, models_dir, revision=args.revision)
    print(f"pulled {args.repo_id} into {hub_dir(models_dir, args.repo_id)} "
          f"({embedder.dim}-dim, fingerprint {embedder.fingerprint}); use it with STDKB_EMBED_MODEL={args.repo_id}")
    return 0
