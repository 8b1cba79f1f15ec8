"""PDF files: the text layer (pypdf), ruled tables (pdfplumber), scanned pages by OCR."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ingest.errors import DocumentError

from .docx import markdown_table
from .ocr import LOW_CONFIDENCE, missing_packages, ocr_pdf_pages
from .reading import Reading

MAX_PDF_PAGES = 2000
SCANNED_PAGE_CHARS = 10   # fewer visible characters than this in a page's text layer: a scanned page
MAX_TABLE_PAGES = 300     # pages searched for ruled tables (pdfplumber takes a tenth of a second a page)


def read_pdf(path: Path) -> Reading:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise DocumentError(path, "encrypted PDF; provide an unencrypted copy")
            except DocumentError:
                raise
            except Exception as exc:
                raise DocumentError(path, f"encrypted PDF that cannot be opened: {exc}") from exc
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise DocumentError(path, f"PDF has {len(pages)} pages (limit {MAX_PDF_PAGES})")
        texts = [page.extract_text() or "" for page in pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(path, f"corrupt or truncated PDF: {exc}") from exc
    except Exception as exc:  # pypdf surfaces many internal errors on malformed files
        raise DocumentError(path, f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    # A page with (almost) no text layer is a scan: those pages, and only those, are read by OCR.
    scanned = [n for n, t in enumerate(texts, 1) if len(re.sub(r"\s", "", t)) < SCANNED_PAGE_CHARS]
    texts = _with_pdf_tables(path, texts, skip=set(scanned))
    if not scanned:
        return Reading("\n".join(_unwrap_pdf_lines(t) for t in texts))
    if len(scanned) < len(texts) and missing_packages():
        # Text on most pages and no OCR here: keep the text, say which pages went unread.
        return Reading("\n".join(_unwrap_pdf_lines(t) for t in texts),
                       problems=(f"pages {', '.join(map(str, scanned))} are scanned and were not read: "
                                 f"install {' '.join(missing_packages())}",))
    pages = {p.number: p for p in ocr_pdf_pages(path, scanned)}
    merged = [pages[n].text if n in pages else t for n, t in enumerate(texts, 1)]
    reading = ocr_reading(list(pages.values()), "ocr" if len(scanned) == len(texts) else "text+ocr")
    return replace(reading, text="\n".join(_unwrap_pdf_lines(t) for t in merged))


def ocr_reading(pages, reader: str) -> Reading:
    read = [p for p in pages if p.text.strip()]
    confidence = round(sum(p.confidence for p in read) / len(read), 1) if read else 0.0
    return Reading("\n".join(p.text for p in pages), reader=reader, confidence=confidence,
                   low_confidence_pages=tuple(p.number for p in pages if p.confidence < LOW_CONFIDENCE),
                   problems=tuple(p.problem for p in pages if p.problem))


def _with_pdf_tables(path: Path, texts: list[str], skip: set[int]) -> list[str]:
    """Pages whose text layer holds ruled tables, re-read so that each table is a Markdown table in
    its place (pdfplumber finds tables by their ruling lines); other pages keep pypdf's text."""
    import pdfplumber

    out = list(texts)
    try:
        with pdfplumber.open(str(path)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                if number in skip or number > MAX_TABLE_PAGES:
                    continue
                tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
                if tables:
                    out[number - 1] = _page_with_tables(page, tables)
    except Exception:   # a table finder's failure must not lose the text pypdf has read
        return texts
    return out


def _page_with_tables(page, tables) -> str:
    parts, top = [], 0.0
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        return not any(x0 <= obj.get("x0", 0) <= x1 and y0 <= obj.get("top", 0) <= y1 for x0, y0, x1, y1 in boxes)

    for table in tables:
        band = page.crop((0, top, page.width, table.bbox[1])).filter(outside).extract_text() or ""
        parts += [band, markdown_table([[cell or "" for cell in row] for row in table.extract()])]
        top = table.bbox[3]
    parts.append(page.crop((0, top, page.width, page.height)).filter(outside).extract_text() or "")
    return "\n".join(p for p in parts if p.strip())


# An annex clause ("A.1 …", "B.2.3 …") starts a line as a numbered clause does (issue 32: OCR of a
# standard's annex lost them into the line above).
_STRUCTURAL_START = re.compile(r"^(\||第[一二三四五六七八九十百千零〇0-9]+[编章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[)）]|\d+(\.\d+)*\s|[A-Z]\.\d+(\.\d+)*\s|附\s*录|#)")
_SENTENCE_END = re.compile(r"[。；：:！？!?）)」”|]$")   # "|": a table row (see markdown_table)


def _unwrap_pdf_lines(text: str) -> str:
    """Rejoin lines that the PDF layout wrapped in mid-sentence; keep real line breaks."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if out and not _SENTENCE_END.search(out[-1]) and not _STRUCTURAL_START.match(line) \
                and len(out[-1]) >= 20:
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)
