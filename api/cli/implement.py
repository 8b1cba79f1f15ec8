"""`stdkb checklist` and `stdkb train`: the self-assessment checklist (自查表) and a training set
(宣贯试题) of a document of the knowledge base or of a file (a draft)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from api.cli.common import open_index, settings_of
from index.errors import DocumentNotFound, InvalidRequest
from ingest.errors import DocumentError
from index.search.filters import SearchFilters


def cmd_checklist(args: argparse.Namespace) -> int:
    """One item for every requirement sentence of a document (应、不得、宜、可), with its clause, kind and
    the evidence that shows it is met. DOC is a file, or a title the knowledge base holds
    (《公共机构节能条例》, 节能条例)."""
    from analysis.implement.checklist import checklist

    if args.doc == "import":
        return cmd_import(args)
    if args.file:
        raise InvalidRequest(f"stdkb checklist takes one DOC; did you mean `stdkb checklist import {args.file}`?")
    title, clauses, _ = _document(args)
    result = checklist(title, clauses)
    if args.out:
        return _write(args.out, result, "checklist")
    if args.json:
        sys.stdout.write(result.model_dump_json() + "\n")
        return 0
    print(f"{result.document}：自查表，{len(result.items)} 项")
    for n, item in enumerate(result.items, start=1):
        print(f"{n:>3}. [{item.kind}] {item.clause}  {item.requirement}  （证据：{'、'.join(item.evidence)}）")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """`stdkb checklist import FILE --unit NAME --date YYYY-MM-DD`: take a filled 自查表 back, whole
    or not at all, and keep the unit's 达标率 in the catalogue."""
    from analysis.implement.assessment import import_sheet

    if not args.file:
        raise InvalidRequest("stdkb checklist import FILE: name the filled 自查表 (.xlsx)")
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DocumentError(path, f"cannot read the file: {exc.strerror}") from None
    index = open_index(settings_of(args))
    try:
        result = import_sheet(index, path.name, content, unit=args.unit or "", date=args.date or "",
                              expected=args.expect or "")
    finally:
        index.close()
    if args.json:
        sys.stdout.write(result.model_dump_json() + "\n")
        return 0
    rate = "无法计算（没有适用的要求、禁止类条目）" if result.rate is None else f"{result.rate:.1%}"
    counts = "，".join(f"{k} {v}" for k, v in result.counts.items())
    print(f"《{result.document}》{result.unit} {result.date}：达标率 {rate}（{counts}）")
    return 0


def _document(args: argparse.Namespace):
    """The title and clauses DOC names (a file, or a title of the knowledge base), and the titles of
    the knowledge base's other current documents (none when it has no data directory yet)."""
    from ingest.parse import parse_file

    settings = settings_of(args)
    parsed = parse_file(Path(args.doc)) if Path(args.doc).is_file() else None
    if parsed is not None and not settings.data_dir.is_dir():
        return parsed.title, parsed.clauses, []
    index = open_index(settings)
    try:
        others = sorted({d.title for d in index.documents(SearchFilters(status=["现行有效"])).documents})
        if parsed is not None:
            return parsed.title, parsed.clauses, others
        found = index.works.works_named(args.doc, abbreviations=True)
        page = index.document(found[0].source) if found else None
        if page is None:
            raise DocumentNotFound(args.doc)
        return page.title, page.clauses, others
    finally:
        index.close()


OUT_SUFFIXES = (".xlsx", ".docx", ".md", ".json")


def _write(out: str, result, what: str) -> int:
    """Write the checklist or training set to OUT by its suffix; say where on stderr."""
    from analysis.exports import checklist_export, training_export

    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in OUT_SUFFIXES:
        raise InvalidRequest(f"--out {out}: write a .xlsx, .docx, .md or .json file")
    if suffix == ".json":
        path.write_text(result.model_dump_json(indent=1), encoding="utf-8")
    else:
        export = checklist_export if what == "checklist" else training_export
        path.write_bytes(export(result, suffix.lstrip(".")).content)
    print(f"wrote {path}", file=sys.stderr)
    return 0


def add_parser(sub, data_dir) -> None:
    p = sub.add_parser("checklist", help="the self-assessment checklist (自查表) of a document; import a filled one",
                       description=f"{cmd_checklist.__doc__}\n\n{cmd_import.__doc__}",
                       usage="stdkb checklist DOC [--out FILE | --json]\n"
                             "       stdkb checklist import FILE --unit NAME --date YYYY-MM-DD [--doc DOC]")
    # One positional and an optional second rather than subcommands: argparse cannot take both
    # `checklist DOC` and `checklist import FILE` with subparsers, since DOC would be read as one.
    p.add_argument("doc", metavar="DOC", help="a file (a draft), or the title of a document of the knowledge "
                                              "base; or the word import")
    p.add_argument("file", nargs="?", metavar="FILE", help="with import: the filled 自查表 (.xlsx)")
    p.add_argument("--unit", help="with import: 被评价单位 (else the sheet's)")
    p.add_argument("--date", help="with import: 评价日期 YYYY-MM-DD (else the sheet's)")
    p.add_argument("--doc", dest="expect", help="with import: refuse a sheet of any other document")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--out", help="write 自查表.xlsx (to fill in), .docx (A4, to print), .md or .json")
    data_dir(p)
    p.set_defaults(func=cmd_checklist)

    p = sub.add_parser("train", help="a training set (宣贯试题) of documents", description=cmd_train.__doc__)
    p.add_argument("doc", nargs="*", help="a file (a draft), or the title of a document of the knowledge base")
    p.add_argument("--area", help="also the documents the 标准体系 places in this area (its id, e.g. 302)")
    p.add_argument("-n", type=int, default=30, help="questions at most (default 30)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--out", help="write 试题.docx (试卷, a page break, 答案与解析), .xlsx (题库), .md or .json")
    data_dir(p)
    p.set_defaults(func=cmd_train)


def cmd_train(args: argparse.Namespace) -> int:
    """A training set (宣贯试题) of documents: 判断题, 填空题, 单选题 and 文件题, each with its answer,
    its clause and the sentence that proves it. DOC as for `stdkb checklist`; several DOCs, or
    --area ID (the documents the 标准体系 places there), share the questions in turn."""
    from analysis.implement.checklist import checklist
    from analysis.implement.documents import paper_of
    from analysis.implement.training import training_set

    docs = args.doc or []
    if not docs and not args.area:
        raise InvalidRequest("stdkb train: name a DOC or an --area")
    if len(docs) == 1 and not args.area:
        args.doc = docs[0]
        title, clauses, others = _document(args)
        result = training_set(title, checklist(title, clauses).items, n=args.n, other_titles=others)
    else:
        settings = settings_of(args)
        index = open_index(settings)
        try:
            result = paper_of(index, docs, n=args.n, area=args.area or "", system_file=settings.system_file)
        finally:
            index.close()
    if args.out:
        return _write(args.out, result, "training")
    if args.json:
        sys.stdout.write(result.model_dump_json() + "\n")
        return 0
    print(f"{result.document}：{len(result.questions)} 题")
    for n, q in enumerate(result.questions, start=1):
        options = "  ".join(f"{chr(65 + i)}. {o}" for i, o in enumerate(q.options)) if q.kind != "判断题" else ""
        print(f"{n:>3}. [{q.kind}·{q.difficulty}] {q.stem} {options}\n     答案：{q.answer}（{q.citation.article}）")
    return 0
