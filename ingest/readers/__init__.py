"""File formats → plain text. One reader a format, chosen by the file's suffix from `READERS`, after
its content is checked against that suffix; every failure is a DocumentError naming the file and
the problem.

Markdown headings are kept as '#' lines (the structure parser uses them); .docx heading styles are
turned into the same '#' lines so that one parser serves every format.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Callable

from ingest.errors import DocumentError

from .docx import markdown_table, read_docx
from .ocr import ocr_image_file
from .ofd import read_ofd
from .old_word import read_old_word
from .pdf import ocr_reading, read_pdf
from .reading import Reading
from .text import decode_text, normalise_text
from .web import read_web_page

__all__ = ["READERS", "Reading", "SUPPORTED_SUFFIXES", "decode_text", "markdown_table", "normalise_text",
           "read_document", "read_document_text", "sniff"]

MAX_FILE_BYTES = 50 * 1024 * 1024  # the largest law in the corpus is under 1 MB


def _plain(path: Path) -> Reading:
    return Reading(decode_text(path.read_bytes(), path))


# suffix → (reader, what the first bytes must be: pdf, zip, ole, html-or-text "web", or plain "text")
READERS: dict[str, tuple[Callable[[Path], Reading], str]] = {
    ".md": (_plain, "text"),
    ".txt": (_plain, "text"),
    ".docx": (lambda p: Reading(read_docx(p)), "zip"),
    ".ofd": (lambda p: Reading(read_ofd(p)), "zip"),
    ".pdf": (read_pdf, "pdf"),
    ".doc": (lambda p: Reading(read_old_word(p)), "ole"),
    ".wps": (lambda p: Reading(read_old_word(p)), "ole"),
    **{s: (lambda p: Reading(read_web_page(p), reader="web"), "web") for s in (".html", ".htm", ".mhtml", ".mht")},
    **{s: (lambda p: ocr_reading([ocr_image_file(p)], "ocr"), "text") for s in (".png", ".jpg", ".jpeg", ".tif", ".tiff")},
}
SUPPORTED_SUFFIXES = tuple(READERS)


def read_document_text(path: Path) -> str:
    """Return the text of a supported file, normalised (see `normalise_text`)."""
    return read_document(path).text


def read_document(path: Path) -> Reading:
    """The text of a supported file, normalised (see `normalise_text`), and how it was read."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise DocumentError(path, f"unsupported file type '{suffix or '(none)'}'; stdkb reads .md, .txt, .docx, "
                                  ".pdf, .ofd, .doc, .wps, saved web pages (.html, .mhtml) and scanned images (.png, .jpg, .tif)")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if size == 0:
        raise DocumentError(path, "file is empty")
    if size > MAX_FILE_BYTES:
        raise DocumentError(path, f"file is too large ({size // (1024 * 1024)} MB; limit {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    reader, expected = READERS[suffix]
    _check_content(path, suffix, expected)
    reading = reader(path)
    text = normalise_text(reading.text)
    if not text.strip():
        raise DocumentError(path, "no text found in file" + ("（OCR 未识别出文字）" if reading.reader != "text" else ""))
    return replace(reading, text=text)


def sniff(head: bytes) -> str:
    """What the first bytes of a file say it is, whatever its name says: pdf, zip, html, ole or other."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"   # the old binary .doc/.xls format
    if re.match(rb"(?i)<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", start):
        return "html"
    return "other"


_WHAT = {"pdf": "a PDF", "zip": "a ZIP archive (.docx, .xlsx …)", "html": "an HTML page",
         "ole": "an old binary Office file (.doc/.xls)", "other": "neither a PDF nor a ZIP archive"}


def _check_content(path: Path, suffix: str, expected: str) -> None:
    """Uploads and folders carry names that lie; the content decides which reader may open a file."""
    with path.open("rb") as fh:
        kind = sniff(fh.read(1024))
    if expected == "web":
        if kind in ("pdf", "zip", "ole"):
            raise DocumentError(path, f"named {suffix} but the content is {_WHAT[kind]}")
        return
    if expected != "text" and kind != expected:
        raise DocumentError(path, f"named {suffix} but the content is {_WHAT[kind]}")
    if expected == "text" and kind in ("pdf", "zip", "ole", "html"):
        hint = "; save the page's text as .txt" if kind == "html" else ""
        raise DocumentError(path, f"named {suffix} but the content is {_WHAT[kind]}{hint}")
