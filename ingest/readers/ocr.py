"""Text from scanned pages: Tesseract with its Simplified-Chinese model, pages rendered by poppler.

A page is rendered in greyscale (`pdftoppm`), turned upright when Tesseract's orientation script
detection says it lies on its side (`--psm 0`, the `osd` model), then read (`chi_sim`, one
uniform block of text). Words come back with a confidence each (TSV); a page's confidence is the
mean over its words. Pages run in a pool of `workers` threads, each a Tesseract process limited to
one thread, so two pages use both cores without the processes fighting over them.

The Debian packages are real dependencies (`tesseract-ocr`, `tesseract-ocr-chi-sim`,
`tesseract-ocr-osd`, `poppler-utils`; the README's commands install them). When one is missing,
`OcrUnavailable` says which.
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.errors import DocumentError

DPI = 200
PAGE_TIMEOUT_S = 180          # one page; a page that takes longer is left out and named
MAX_OCR_PAGES = 300           # a longer scan is refused whole: OCR would take hours on two cores
MAX_IMAGE_PIXELS = 80_000_000  # an image file larger than this is refused (a decompression bomb)
MAX_PAGE_PIXELS_SIDE = 4000   # a rendered page's longer side at most (A4 at 200 dpi is 2339): no giant pages
LOW_CONFIDENCE = 70.0         # pages below this mean word confidence are listed for checking
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


# Who hears of each page read: `stdkb ingest` sets it around a file (ingest/collect.py), so a long
# scan shows its pages on the progress bar; nobody else needs to pass it through the readers.
page_progress: contextvars.ContextVar = contextvars.ContextVar("page_progress", default=None)


class OcrUnavailable(DocumentError):
    """Tesseract, its Chinese model or poppler is not installed."""


@dataclass(frozen=True)
class PageText:
    number: int           # 1-based page number
    text: str
    confidence: float     # mean word confidence, 0–100
    rotated: int = 0      # degrees the page was turned before reading
    problem: str = ""     # why the page has no text (timed out, …)


_workers = 2   # pages read at once; the faces set it from STDKB_OCR_WORKERS (api/settings.py)


def set_workers(n: int) -> None:
    """Read `n` pages at once from now on (each Tesseract process on one thread)."""
    global _workers
    _workers = max(1, int(n))


def workers() -> int:
    """How many pages are read at once (default 2, the machine's cores)."""
    return _workers


@lru_cache(maxsize=1)
def missing_packages() -> tuple[str, ...]:
    """The Debian packages OCR needs and this machine lacks."""
    missing = []
    if shutil.which("tesseract") is None:
        return ("tesseract-ocr", "tesseract-ocr-chi-sim", "tesseract-ocr-osd")
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    if "chi_sim" not in langs:
        missing.append("tesseract-ocr-chi-sim")
    if "osd" not in langs:
        missing.append("tesseract-ocr-osd")
    if shutil.which("pdftoppm") is None:
        missing.append("poppler-utils")
    return tuple(missing)


def require_ocr(path: Path | str) -> None:
    missing = missing_packages()
    if missing:
        raise OcrUnavailable(path, "scanned pages need OCR, which needs the Debian package(s) "
                                   f"{', '.join(missing)} (apt-get install {' '.join(missing)})")


def ocr_pdf_pages(pdf: Path, pages: list[int], progress=None) -> list[PageText]:
    """The text of `pages` (1-based) of `pdf`, read in a pool; in page order."""
    require_ocr(pdf)
    progress = progress or page_progress.get() or (lambda done, total: None)
    if len(pages) > MAX_OCR_PAGES:
        raise DocumentError(pdf, f"{len(pages)} scanned pages (OCR limit {MAX_OCR_PAGES}); split the file")
    dpis = page_dpis(pdf, pages)
    with tempfile.TemporaryDirectory(prefix="stdkb-ocr-") as tmp:
        def one(number: int) -> PageText:
            image = Path(tmp) / f"page-{number}"
            try:
                subprocess.run(["pdftoppm", "-r", str(dpis.get(number, DPI)), "-gray", "-png", "-singlefile", "-f", str(number),
                                "-l", str(number), str(pdf), str(image)],
                               check=True, capture_output=True, timeout=PAGE_TIMEOUT_S)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                return PageText(number, "", 0.0, problem=f"page {number} could not be rendered: {exc}")
            return read_image(image.with_suffix(".png"), number)

        results, done = [], 0
        with ThreadPoolExecutor(max_workers=workers()) as pool:
            for page in pool.map(one, pages):
                results.append(page)
                done += 1
                progress(done, len(pages))
        return results


def page_dpis(pdf: Path, pages: list[int]) -> dict[int, int]:
    """The resolution to render each page at: DPI, less for a page so large that DPI would make an
    image with a side over MAX_PAGE_PIXELS_SIDE (a poster-sized page is no reason to exhaust memory)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    out = {}
    for number in pages:
        box = reader.pages[number - 1].mediabox
        longest_inches = max(float(box.width), float(box.height)) / 72
        out[number] = max(36, min(DPI, int(MAX_PAGE_PIXELS_SIDE / max(longest_inches, 0.1))))
    return out


def ocr_image_file(path: Path) -> PageText:
    """An image file (.png, .jpg, .tif) read as one page; refused when its pixel count is absurd."""
    from PIL import Image

    require_ocr(path)
    try:
        with Image.open(path) as image:
            width, height = image.size
    except Exception as exc:   # Pillow raises many kinds on damaged files
        raise DocumentError(path, f"unreadable image: {exc}") from exc
    if width * height > MAX_IMAGE_PIXELS:
        raise DocumentError(path, f"image of {width}×{height} pixels (limit {MAX_IMAGE_PIXELS:,})")
    return read_image(path, 1)


def read_image(image: Path, number: int) -> PageText:
    """One page image: turned upright if needed, then read."""
    rotated = orientation(image)
    if rotated:
        from PIL import Image

        with Image.open(image) as im:
            # OSD's "Rotate" is how far to turn the page clockwise to set it upright; PIL turns
            # anticlockwise for positive angles.
            im.rotate(-rotated, expand=True).save(image)
    try:
        out = subprocess.run(["tesseract", str(image), "stdout", "-l", "chi_sim", "--psm", "6", "tsv"],
                             capture_output=True, text=True, timeout=PAGE_TIMEOUT_S, env=_one_thread())
    except subprocess.TimeoutExpired:
        return PageText(number, "", 0.0, rotated, problem=f"page {number}: OCR timed out after {PAGE_TIMEOUT_S} s")
    text, confidence = tsv_text(out.stdout)
    return PageText(number, text, confidence, rotated)


def orientation(image: Path) -> int:
    """Degrees (0, 90, 180, 270) Tesseract's OSD says to turn the page; 0 when it cannot tell."""
    try:
        out = subprocess.run(["tesseract", str(image), "stdout", "--psm", "0", "-l", "osd"],
                             capture_output=True, text=True, timeout=60, env=_one_thread())
    except subprocess.TimeoutExpired:
        return 0
    rotate = re.search(r"Rotate:\s*(\d+)", out.stdout)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", out.stdout)
    # A page with little text gives a guess; only a confident answer turns it.
    if rotate and confidence and float(confidence.group(1)) >= 2.0:
        return int(rotate.group(1)) % 360
    return 0


def tsv_text(tsv: str) -> tuple[str, float]:
    """Lines of text from Tesseract's TSV, words of one line joined (no space between CJK
    characters, where Tesseract puts one), and the mean confidence of the words."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))       # block, paragraph, line
        lines.setdefault(key, []).append(cols[11].strip())
        conf = float(cols[10])
        if conf >= 0:
            confidences.append(conf)
    text = restore_label_spacing("\n".join(_join_words(words) for _, words in sorted(lines.items())))
    return text, (sum(confidences) / len(confidences) if confidences else 0.0)


_LABEL = re.compile(r"^(第[一二三四五六七八九十百千零〇\d]+[编章节条])(?=[^\s，。、])", re.M)


def restore_label_spacing(text: str) -> str:
    """"第一条为了…" → "第一条 为了…": the space the page shows between an article's label and its
    text is lost when the words of a CJK line are joined, and the structure parser needs it."""
    return _LABEL.sub(r"\1 ", text)


def _join_words(words: list[str]) -> str:
    out = words[0]
    for word in words[1:]:
        cjk_edge = _CJK.match(out[-1]) or _CJK.match(word[0])
        out += word if cjk_edge else " " + word
    return out


def _one_thread() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}
