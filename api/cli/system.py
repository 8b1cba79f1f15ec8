"""`stdkb system`: the standards system (标准体系) of the knowledge base, and what a drafter records
beside it (standards registered by metadata, placements she overrides)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analysis.system.registry import AreaNotFound
from index.errors import InvalidRequest

OUT_SUFFIXES = (".docx", ".xlsx", ".md", ".json")


def cmd_system(args: argparse.Namespace, settings, index) -> int:
    """The framework, every document placed in it, the 标准明细表, coverage and missing documents.
    --json prints the report; --out writes 标准体系表.docx, 标准明细表.xlsx, .md or .json."""
    from analysis.exports import system_export
    from analysis.system.render import system_markdown
    from analysis.system.system import area_view, build_system

    out = Path(args.out) if args.out else None
    if out and out.suffix.lower() not in OUT_SUFFIXES:
        raise InvalidRequest(f"--out {out}: the system is written as .docx, .xlsx, .md or .json")
    report = build_system(index, settings.system_file)
    if args.area:
        view = area_view(report, args.area)
        if view is None:
            raise AreaNotFound(f"no area {args.area} in the framework")
        sys.stdout.write(json.dumps({k: _dump(v) for k, v in view.items()}, ensure_ascii=False) + "\n")
        return 0
    if out:
        if out.suffix.lower() == ".json":
            out.write_text(report.model_dump_json(indent=1), encoding="utf-8")
        else:
            out.write_bytes(system_export(report, out.suffix.lower().lstrip(".")).content)
        print(f"wrote {out}", file=sys.stderr)
    if args.json:
        sys.stdout.write(report.model_dump_json() + "\n")
    elif not out:
        sys.stdout.write(system_markdown(report))
    return 0


def cmd_register(args: argparse.Namespace, settings, index) -> int:
    """Register a standard by its metadata (no text needed): it joins the 明细表 in its area."""
    from analysis.system.framework import load_framework
    from analysis.system.registry import register_standard, registration

    row = registration(code=args.code or "", title=args.title, level=args.level, status=args.status,
                       area=args.area, plan_year=args.year or "", lead_unit=args.lead or "", replaces=args.replaces or "")
    register_standard(index, row, load_framework(settings.system_file))
    print(f"registered {row.code or row.title} in area {row.area}", file=sys.stderr)
    return 0


def cmd_unregister(args: argparse.Namespace, settings, index) -> int:
    """Remove a registered standard (by its number, or 名称:title for one not numbered yet)."""
    from analysis.system.registry import unregister_standard

    if not unregister_standard(index, args.code):
        print(f"stdkb: error: no registered standard {args.code}", file=sys.stderr)
        return 3
    return 0


def cmd_place(args: argparse.Namespace, settings, index) -> int:
    """Put a document in the areas given (strongest first), keep it out of all (--none), or let stdkb
    place it again (--auto). Survives re-ingest."""
    from analysis.system.framework import load_framework
    from analysis.system.registry import clear_override, override_placement

    if args.auto:
        clear_override(index, args.source)
    else:
        override_placement(index, args.source, [] if args.none else args.area or [], load_framework(settings.system_file))
    return 0


def _dump(value):
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value.model_dump() if hasattr(value, "model_dump") else value


def add_parser(sub, data_dir, run) -> None:
    """The `system` command and its subcommands; `run(func)` wraps a command with settings and index."""
    p = sub.add_parser("system", help="the standards system (标准体系): areas, documents, 明细表, gaps",
                       description=cmd_system.__doc__)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--out", help="write the report to FILE (.docx 标准体系表, .xlsx 标准明细表, .md or .json)")
    p.add_argument("--area", help="print one area (its id, e.g. 302) as JSON")
    data_dir(p)
    p.set_defaults(func=run(cmd_system))
    ssub = p.add_subparsers(dest="system_command")

    r = ssub.add_parser("register", help=cmd_register.__doc__, description=cmd_register.__doc__)
    r.add_argument("--code", help="标准号, e.g. DB3301/T 0123—2025 (omit while 待制定)")
    r.add_argument("--title", required=True, help="名称")
    r.add_argument("--level", required=True, help="国家标准, 行业标准, 地方标准 or 团体标准")
    r.add_argument("--status", default="在编", help="现行, 在编, 待制定, 待修订 or 已废止 (default 在编)")
    r.add_argument("--area", required=True, help="the framework area's id, e.g. 401")
    r.add_argument("--year", help="计划年份")
    r.add_argument("--lead", help="牵头单位")
    r.add_argument("--replaces", help="代替的标准号")
    data_dir(r)
    r.set_defaults(func=run(cmd_register))

    u = ssub.add_parser("unregister", help=cmd_unregister.__doc__, description=cmd_unregister.__doc__)
    u.add_argument("code")
    data_dir(u)
    u.set_defaults(func=run(cmd_unregister))

    pl = ssub.add_parser("place", help=cmd_place.__doc__, description=cmd_place.__doc__)
    pl.add_argument("source", help="the document's source path, as `stdkb system --json` lists it")
    group = pl.add_mutually_exclusive_group(required=True)
    group.add_argument("--area", action="append", help="an area id (repeatable, strongest first)")
    group.add_argument("--none", action="store_true", help="keep it out of every area")
    group.add_argument("--auto", action="store_true", help="drop the override: stdkb places it")
    data_dir(pl)
    pl.set_defaults(func=run(cmd_place))
