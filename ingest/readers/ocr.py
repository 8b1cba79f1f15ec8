"""Text from scanned pages: render, turn upright, read, put in reading order (issue 32).

A page of a PDF is rendered in greyscale by pdfium (`pypdfium2`, a wheel); an image file is opened
as it is. The page is turned upright as a whole (0, 90, 180 or 270°, judged by the engine:
ocr_rapid.orientation, ocr_tesseract.orientation), straightened and cleared of table rules
(ocr_image), then an engine reads its lines with a box and a confidence each. ocr_layout puts the
lines in reading order (rows, two columns), leaves out what repeats in the margins of the pages
(running headers, footers, page numbers) and gives a standard's clause numbers ("5.1.4采用…")
their space back, so that they are found as headings.

Engines (`STDKB_OCR_ENGINE`, api/settings.py): `rapidocr` (PP-OCRv6 on onnxruntime, the models
inside the wheel, no Debian package) and `tesseract` (the Debian packages tesseract-ocr,
tesseract-ocr-chi-sim and tesseract-ocr-osd). Which reads our scans better is measured by
evaluation/bench_ocr.py; the winner is DEFAULT_ENGINE. Pages run in a pool of `workers` threads,
each engine call on one thread, so two pages use both cores.
"""

from __future__ import annotations

import contextvars
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ingest.errors import DocumentError

from . import ocr_rapid, ocr_tesseract
from .ocr_image import bicubic, skew, to_grey, without_rules
from .ocr_layout import OcrLine, body_lines, page_lines, restore_heading_spacing, running_lines

DPI = 200                     # pages are rendered at this, or at the engine's RENDER_DPI
PAGE_TIMEOUT_S = 180          # one page (Tesseract); a page that takes longer is left out and named
MAX_OCR_PAGES = 300           # a longer scan is refused whole: OCR would take hours on two cores
MAX_IMAGE_PIXELS = 80_000_000  # an image file larger than this is refused (a decompression bomb)
MAX_PAGE_PIXELS_SIDE = 4000   # a rendered page's longer side at most (A4 at 200 dpi is 2339): no giant pages
LOW_CONFIDENCE = 70.0         # pages below this mean line confidence are listed for checking
ENGINES: dict[str, ModuleType] = {ocr_rapid.NAME: ocr_rapid, ocr_tesseract.NAME: ocr_tesseract}
DEFAULT_ENGINE = "rapidocr"   # the measured winner (docs/measurements/ocr-engines.json)


# Who hears of each page read: `stdkb ingest` sets it around a file (ingest/collect.py), so a long
# scan shows its pages on the progress bar; nobody else needs to pass it through the readers.
page_progress: contextvars.ContextVar = contextvars.ContextVar("page_progress", default=None)


class OcrUnavailable(DocumentError):
    """The OCR engine, or what it needs (a model, a Debian package), is not installed."""


@dataclass(frozen=True)
class PageText:
    number: int           # 1-based page number
    text: str
    confidence: float     # mean line confidence, 0–100
    rotated: int = 0      # degrees the page was turned (clockwise) before reading
    problem: str = ""     # why the page has no text (timed out, …)


@dataclass(frozen=True)
class _ReadPage:
    """A page as the engine read it, before the pages are compared for running headers."""
    number: int
    lines: list[OcrLine]
    width: float
    height: float
    rotated: int = 0
    problem: str = ""


_workers = 2                 # pages read at once; the faces set it from STDKB_OCR_WORKERS
_engine = DEFAULT_ENGINE     # the faces set it from STDKB_OCR_ENGINE (api/settings.py)


def set_workers(n: int) -> None:
    """Read `n` pages at once from now on (each engine call on one thread)."""
    global _workers
    _workers = max(1, int(n))


def workers() -> int:
    """How many pages are read at once (default 2, the machine's cores)."""
    return _workers


def set_engine(name: str) -> None:
    """Read scans with the engine `name` ('rapidocr' or 'tesseract') from now on."""
    global _engine
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}; one of {', '.join(ENGINES)}")
    _engine = name


def engine() -> str:
    """The name of the engine scans are read with."""
    return _engine


def missing_packages() -> tuple[str, ...]:
    """What the chosen engine needs and this machine lacks (Debian packages for Tesseract; the
    Python package or a bundled model for RapidOCR)."""
    return ENGINES[_engine].missing()


def require_ocr(path: Path | str) -> None:
    missing = missing_packages()
    if missing:
        how = (f"apt-get install {' '.join(missing)}" if _engine == ocr_tesseract.NAME
               else "reinstall stdkb's Python dependencies, or set STDKB_OCR_ENGINE=tesseract")
        raise OcrUnavailable(path, f"scanned pages need OCR ({_engine}), which needs {', '.join(missing)} ({how})")


def ocr_pdf_pages(pdf: Path, pages: list[int], progress=None) -> list[PageText]:
    """The text of `pages` (1-based) of `pdf`, read in a pool; in page order."""
    require_ocr(pdf)
    progress = progress or page_progress.get() or (lambda done, total: None)
    if len(pages) > MAX_OCR_PAGES:
        raise DocumentError(pdf, f"{len(pages)} scanned pages (OCR limit {MAX_OCR_PAGES}); split the file")
    chosen = ENGINES[_engine]
    dpis = page_dpis(pdf, pages, getattr(chosen, "RENDER_DPI", DPI))

    def one(number: int) -> _ReadPage:
        try:
            image = render_page(pdf, number, dpis.get(number, DPI))
        except Exception as exc:   # pdfium raises its own error kinds on damaged pages
            return _ReadPage(number, [], 0, 0, problem=f"page {number} could not be rendered: {exc}")
        return _read(chosen, image, number)

    read, done = [], 0
    with ThreadPoolExecutor(max_workers=workers()) as pool:
        for page in pool.map(one, pages):
            read.append(page)
            done += 1
            progress(done, len(pages))
    return page_texts(read)


_pdfium = threading.Lock()   # pdfium is not thread-safe; rendering is a small part of a page's time


def render_page(pdf: Path, number: int, dpi: int):
    """Page `number` (1-based) of `pdf` as a greyscale PIL image at `dpi` (see `to_grey`)."""
    import pypdfium2 as pdfium

    with _pdfium:
        document = pdfium.PdfDocument(str(pdf))
        try:
            image = document[number - 1].render(scale=dpi / 72).to_pil()
        finally:
            document.close()
    return to_grey(image)


def page_dpis(pdf: Path, pages: list[int], dpi: int = DPI) -> dict[int, int]:
    """The resolution to render each page at: `dpi`, less for a page so large that it would make an
    image with a side over MAX_PAGE_PIXELS_SIDE (a poster-sized page is no reason to exhaust memory)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    out = {}
    for number in pages:
        box = reader.pages[number - 1].mediabox
        longest_inches = max(float(box.width), float(box.height)) / 72
        out[number] = max(36, min(dpi, int(MAX_PAGE_PIXELS_SIDE / max(longest_inches, 0.1))))
    return out


def ocr_image_file(path: Path) -> PageText:
    """An image file (.png, .jpg, .tif) read as one page; refused when its pixel count is absurd."""
    from PIL import Image

    require_ocr(path)
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise DocumentError(path, f"image of {width}×{height} pixels (limit {MAX_IMAGE_PIXELS:,})")
            page = to_grey(image)
    except DocumentError:
        raise
    except Exception as exc:   # Pillow raises many kinds on damaged files
        raise DocumentError(path, f"unreadable image: {exc}") from exc
    return page_texts([_read(ENGINES[_engine], page, 1)])[0]


def read_image(image, number: int = 1) -> PageText:
    """One page image (PIL) read on its own with the chosen engine: turned upright, read, ordered."""
    return page_texts([_read(ENGINES[_engine], to_grey(image), number)])[0]


def _read(chosen: ModuleType, image, number: int) -> _ReadPage:
    """Turn the page upright and read its lines; a failure becomes the page's problem."""
    try:
        rotated = chosen.orientation(image)
        if rotated:
            # `rotated` is how far to turn the page clockwise; PIL turns anticlockwise for positive angles.
            image = image.rotate(-rotated, expand=True)
        angle = skew(image)
        if angle:
            image = image.rotate(angle, expand=True, fillcolor=255, resample=bicubic())
        lines = chosen.read(without_rules(image))
    except subprocess.TimeoutExpired:
        return _ReadPage(number, [], image.width, image.height,
                         problem=f"page {number}: OCR timed out after {PAGE_TIMEOUT_S} s")
    except Exception as exc:   # an engine's own failure on one page must not lose the others
        return _ReadPage(number, [], image.width, image.height,
                         problem=f"page {number}: OCR failed: {type(exc).__name__}: {exc}")
    return _ReadPage(number, lines, image.width, image.height, rotated)


def page_texts(pages: list[_ReadPage]) -> list[PageText]:
    """The text of each page read: furniture repeated across the pages left out, the rest in
    reading order, clause numbers spaced."""
    running = running_lines([(p.lines, p.height) for p in pages if p.lines])
    out = []
    for page in pages:
        body = body_lines(page.lines, page.height, running)
        text = "\n".join(restore_heading_spacing(row) for row in page_lines(body, page.width))
        chars = sum(len(ln.text) for ln in body)
        # Weighted by characters: a short line read badly (a seal's rim) counts for less than a paragraph.
        confidence = sum(ln.confidence * len(ln.text) for ln in body) / chars if chars else 0.0
        out.append(PageText(page.number, text, round(confidence, 1), page.rotated, page.problem))
    return out


def restore_label_spacing(text: str) -> str:
    """Each line of `text` with the space after its article label or clause number restored
    (see ocr_layout.restore_heading_spacing)."""
    return "\n".join(restore_heading_spacing(line) for line in text.split("\n"))
