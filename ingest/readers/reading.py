"""What reading one file gives: its text and how it was read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    """A file's text and how it was read: "text" (a text layer or plain text), "ocr" (every page
    scanned), "text+ocr" (a PDF with some scanned pages) or "web" (the article of a saved web page);
    for OCR, the mean word confidence and the pages to check against the original."""
    text: str
    reader: str = "text"
    confidence: float | None = None
    low_confidence_pages: tuple[int, ...] = ()
    problems: tuple[str, ...] = ()
