"""`stdkb gap` and `stdkb explain`: a draft standard against the knowledge base, as a report and as
the 编制说明 it supports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from api.cli.progress import ProgressBar
from index.errors import InvalidRequest


def cmd_gap(args: argparse.Namespace, settings, index) -> int:
    """Gap analysis (协调性分析) of a draft standard: basis, duplicates, conflicts, missing provisions,
    references, structure and GB/T 1.1 drafting rules. --json prints the report; --out writes it as
    .md, .docx or .json."""
    from analysis.gap.gap import analyse_draft
    from analysis.gap.render import gap_docx, gap_markdown

    if args.out and Path(args.out).suffix.lower() not in (".md", ".docx", ".json"):
        raise InvalidRequest(f"--out {args.out}: the report is written as .md, .docx or .json")
    report = analyse_draft(index, Path(args.draft), levels=args.level or None,
                           regions=args.region if args.region else None, progress=ProgressBar())
    if args.out:
        out = Path(args.out)
        suffix = out.suffix.lower()
        if suffix == ".docx":
            out.write_bytes(gap_docx(report))
        else:
            out.write_text(gap_markdown(report) if suffix == ".md" else report.model_dump_json(indent=1), encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    if args.json:
        sys.stdout.write(report.model_dump_json() + "\n")
    elif not args.out:
        sys.stdout.write(gap_markdown(report))
    return 0


def cmd_explain(args: argparse.Namespace, settings, index) -> int:
    """Write the 编制说明 of a draft from the evidence (3.1, 3.2, 4.1, 4.2; the rest as marked
    placeholders): --out 编制说明.docx or .md. With --references ris or csl, --out gets its 参考文献
    instead, as RIS or CSL-JSON for a reference manager."""
    from analysis.exports import REFERENCE_FORMATS, check_format, explanation_export
    from analysis.gap.draft import read_draft
    from analysis.gap.gap import analyse_draft

    out = Path(args.out)
    if args.references:
        format = check_format(args.references, REFERENCE_FORMATS)
    elif out.suffix.lower() in (".docx", ".md"):
        format = out.suffix.lower().lstrip(".")
    else:
        raise InvalidRequest(f"--out {out}: the 编制说明 is written as .docx or .md (its 参考文献 with --references ris|csl)")
    report = analyse_draft(index, Path(args.draft), regions=args.region if args.region else None,
                           progress=ProgressBar())
    # STDKB_URL, if set, is where the references' clause pages are; else they are relative paths
    export = explanation_export(report, read_draft(Path(args.draft)), format, settings.url, index.document_info)
    out.write_bytes(export.content)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def add_parser(sub, data_dir, run) -> None:
    """The `gap` and `explain` commands; `run(func)` wraps a command with settings and index."""
    p = sub.add_parser("gap", help="gap analysis (协调性分析) of a draft standard", description=cmd_gap.__doc__)
    p.add_argument("draft", help="the draft: .md, .txt, .docx or .pdf")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--out", help="write the report to FILE (.md, .docx or .json)")
    p.add_argument("--level", action="append", help="compare with these levels only (repeatable)")
    p.add_argument("--region", action="append",
                   help="jurisdictions whose local rules bind the draft (default: read off its cover and scope)")
    data_dir(p)
    p.set_defaults(func=run(cmd_gap))

    p = sub.add_parser("explain", help="write the 编制说明 of a draft from the evidence", description=cmd_explain.__doc__)
    p.add_argument("draft", help="the draft: .md, .txt, .docx or .pdf")
    p.add_argument("--out", required=True, help="编制说明.docx or .md (参考文献.ris or .json with --references)")
    p.add_argument("--references", metavar="ris|csl", help="write the 参考文献 to --out instead: ris (RIS) or "
                   "csl (CSL-JSON), linked to STDKB_URL's clause pages if set")
    p.add_argument("--region", action="append", help="jurisdictions whose local rules bind the draft")
    data_dir(p)
    p.set_defaults(func=run(cmd_explain))
