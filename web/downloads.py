"""Reports as file downloads (Markdown, DOCX), shared by the pages and the JSON API."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi.responses import Response

from analysis.render import gap_docx, gap_markdown, review_docx, review_markdown

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN = "text/markdown; charset=utf-8"


def attachment(filename: str, fallback: str) -> dict:
    """Content-Disposition for a Chinese file name (RFC 6266 filename*), with an ASCII fallback."""
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}


def review_file(review, format: str) -> Response:
    headers = attachment(f"文献综述-{review.topic}.{format}", f"review.{format}")
    if format == "md":
        return Response(review_markdown(review), media_type=MARKDOWN, headers=headers)
    return Response(review_docx(review), media_type=DOCX, headers=headers)


def gap_file(report, format: str) -> Response:
    headers = attachment(f"协调性分析-{Path(report.draft).stem or 'draft'}.{format}", f"gap-report.{format}")
    if format == "md":
        return Response(gap_markdown(report), media_type=MARKDOWN, headers=headers)
    return Response(gap_docx(report), media_type=DOCX, headers=headers)
