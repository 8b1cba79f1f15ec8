"""Reports as files to download: name, media type and bytes. Both faces (API and pages) send these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from index.errors import InvalidRequest
from index.results import SearchResult

from .bibliography import Lookup, Reference, csl_json, hit_references, review_references, ris
from .gap.gap import GapReport
from .gap.render import gap_docx, gap_markdown
from .results_render import results_csv, results_docx, results_markdown
from .review.render import review_docx, review_markdown
from .review.review import Review

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN = "text/markdown; charset=utf-8"
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RIS = "application/x-research-info-systems"
CSL_JSON = "application/vnd.citationstyles.csl+json"
FORMATS = ("md", "docx")
RESULT_FORMATS = ("md", "docx", "csv")
# Reference lists for reference managers (issue 32): RIS, and CSL-JSON written as .json.
REFERENCE_FORMATS = ("ris", "csl")


@dataclass(frozen=True)
class Export:
    filename: str          # Chinese, for filename*=
    ascii_filename: str    # the fallback for clients that read only filename=
    media_type: str
    content: bytes

    def headers(self) -> dict[str, str]:
        """Content-Disposition with the Chinese name (RFC 6266 filename*) and an ASCII fallback."""
        return {"Content-Disposition": f"attachment; filename=\"{self.ascii_filename}\"; "
                                       f"filename*=UTF-8''{quote(self.filename)}"}


def check_format(format: str, allowed: tuple[str, ...]) -> str:
    """`format`, or InvalidRequest (422, exit code 2) naming the formats there are."""
    if format not in allowed:
        raise InvalidRequest(f"unknown format '{format}'; the formats are {', '.join(allowed)}")
    return format


def references_export(references: list[Reference], format: str, name: str, ascii_name: str) -> Export:
    """A reference list as a file: `format` ris or csl (CSL-JSON)."""
    check_format(format, REFERENCE_FORMATS)
    if format == "ris":
        return Export(f"{name}.ris", f"{ascii_name}.ris", RIS, ris(references).encode("utf-8"))
    return Export(f"{name}.json", f"{ascii_name}.json", CSL_JSON, csl_json(references).encode("utf-8"))


def review_export(review: Review, format: str, base_url: str = "", lookup: Lookup | None = None) -> Export:
    """The 文献综述: md or docx; ris or csl for its 参考文献, linked to the clause pages under `base_url`."""
    if format in REFERENCE_FORMATS:
        return references_export(review_references(review, base_url, lookup), format,
                                 f"文献综述-{review.topic}-参考文献", "review-references")
    content = review_markdown(review).encode("utf-8") if format == "md" else review_docx(review)
    return Export(f"文献综述-{review.topic}.{format}", f"review.{format}", _media(format), content)


def gap_export(report: GapReport, format: str) -> Export:
    content = gap_markdown(report).encode("utf-8") if format == "md" else gap_docx(report)
    return Export(f"协调性分析-{Path(report.draft).stem or 'draft'}.{format}", f"gap-report.{format}",
                  _media(format), content)


def results_export(result: SearchResult, format: str, base_url: str = "", lookup: Lookup | None = None) -> Export:
    """A search's result list; `format` md, docx or csv, or ris or csl: one reference a document."""
    check_format(format, RESULT_FORMATS + REFERENCE_FORMATS)
    if format in REFERENCE_FORMATS:
        return references_export(hit_references(result.hits, base_url, lookup), format,
                                 f"检索结果-{result.query[:30]}", "search-results")
    content = {"md": lambda: results_markdown(result).encode("utf-8"), "csv": lambda: results_csv(result),
               "docx": lambda: results_docx(result)}[format]()
    return Export(f"检索结果-{result.query[:30]}.{format}", f"search-results.{format}",
                  CSV if format == "csv" else _media(format), content)


def explanation_export(report: GapReport, draft, format: str, base_url: str = "",
                       lookup: Lookup | None = None) -> Export:
    """The 编制说明 drafted from a gap report: docx or md; ris or csl for its 参考文献."""
    from .gap.explain import explain, explanation_docx, explanation_markdown

    check_format(format, FORMATS + REFERENCE_FORMATS)
    doc = explain(report, draft)
    if format in REFERENCE_FORMATS:
        return references_export(hit_references(doc.cited, base_url, lookup), format,
                                 f"编制说明-{Path(report.draft).stem or 'draft'}-参考文献", "explanation-references")
    content = explanation_markdown(doc).encode("utf-8") if format == "md" else explanation_docx(doc)
    return Export(f"编制说明-{Path(report.draft).stem or 'draft'}.{format}", f"explanation.{format}", _media(format), content)


def system_export(report, format: str) -> Export:
    """The 标准体系表: docx (the whole table), xlsx (the 明细表 to work in) or md."""
    from .system.render import system_docx, system_markdown, system_xlsx

    if format not in ("md", "docx", "xlsx"):
        raise ValueError(f"unknown export format '{format}'")
    content = {"md": lambda: system_markdown(report).encode("utf-8"), "docx": lambda: system_docx(report),
               "xlsx": lambda: system_xlsx(report)}[format]()
    name = "标准明细表" if format == "xlsx" else "标准体系表"
    return Export(f"{name}.{format}", f"standards-system.{format}", XLSX if format == "xlsx" else _media(format), content)


IMPLEMENT_FORMATS = ("md", "docx", "xlsx")


def checklist_export(checklist, format: str) -> Export:
    """The 自查表: xlsx (to fill in and import again), docx (to print) or md."""
    from .implement.render import checklist_docx, checklist_markdown, checklist_xlsx

    return _implement_export(f"自查表-{checklist.document}", "checklist", format,
                             {"md": lambda: checklist_markdown(checklist).encode("utf-8"),
                              "docx": lambda: checklist_docx(checklist), "xlsx": lambda: checklist_xlsx(checklist)})


def training_export(paper, format: str) -> Export:
    """A training set: docx (试卷, a page break, 答案与解析), xlsx (题库) or md."""
    from .implement.render import training_docx, training_markdown, training_xlsx

    return _implement_export(f"宣贯试题-{paper.document[:40]}", "training", format,
                             {"md": lambda: training_markdown(paper).encode("utf-8"),
                              "docx": lambda: training_docx(paper), "xlsx": lambda: training_xlsx(paper)})


def _implement_export(name: str, ascii_name: str, format: str, makers: dict) -> Export:
    if format not in IMPLEMENT_FORMATS:
        raise ValueError(f"unknown export format '{format}'")
    media = XLSX if format == "xlsx" else _media(format)
    return Export(f"{name}.{format}", f"{ascii_name}.{format}", media, makers[format]())


def _media(format: str) -> str:
    if format not in FORMATS:
        raise ValueError(f"unknown export format '{format}'")
    return MARKDOWN if format == "md" else DOCX
