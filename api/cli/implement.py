"""`stdkb checklist`: the self-assessment checklist (自查表) of a document of the knowledge base or
of a file (a draft)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from api.cli.common import open_index, settings_of
from index.errors import DocumentNotFound


def cmd_checklist(args: argparse.Namespace) -> int:
    """One item for every requirement sentence of a document (应、不得、宜、可), with its clause, kind and
    the evidence that shows it is met. DOC is a file, or a title the knowledge base holds
    (《公共机构节能条例》, 节能条例)."""
    from analysis.implement.checklist import checklist
    from ingest.parse import parse_file

    if Path(args.doc).is_file():
        doc = parse_file(Path(args.doc))
        result = checklist(doc.title, doc.clauses)
    else:
        index = open_index(settings_of(args))
        try:
            found = index.works.works_named(args.doc, abbreviations=True)
            page = index.document(found[0].source) if found else None
            if page is None:
                raise DocumentNotFound(args.doc)
            result = checklist(page.title, page.clauses)
        finally:
            index.close()
    if args.json:
        sys.stdout.write(result.model_dump_json() + "\n")
        return 0
    print(f"{result.document}：自查表，{len(result.items)} 项")
    for n, item in enumerate(result.items, start=1):
        print(f"{n:>3}. [{item.kind}] {item.clause}  {item.requirement}  （证据：{'、'.join(item.evidence)}）")
    return 0


def add_parser(sub, data_dir) -> None:
    p = sub.add_parser("checklist", help="the self-assessment checklist (自查表) of a document",
                       description=cmd_checklist.__doc__)
    p.add_argument("doc", help="a file (a draft), or the title of a document of the knowledge base")
    p.add_argument("--json", action="store_true", help="print JSON")
    data_dir(p)
    p.set_defaults(func=cmd_checklist)
