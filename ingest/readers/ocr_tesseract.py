"""The Tesseract engine: its Simplified-Chinese model (`chi_sim`), orientation by its OSD model.

Each page is one `tesseract` process limited to one thread (`OMP_THREAD_LIMIT=1`), so that the
page pool (ocr.py) uses the cores without the processes fighting over them. Needs the Debian
packages tesseract-ocr, tesseract-ocr-chi-sim and tesseract-ocr-osd.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from .ocr_layout import OcrLine

NAME = "tesseract"
PAGE_TIMEOUT_S = 180
RENDER_DPI = 300    # Tesseract is trained on print at 300 dpi
PACKAGES = ("tesseract-ocr", "tesseract-ocr-chi-sim", "tesseract-ocr-osd")


@lru_cache(maxsize=1)
def missing() -> tuple[str, ...]:
    """The Debian packages this engine needs and this machine lacks."""
    if shutil.which("tesseract") is None:
        return PACKAGES
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    return tuple(p for p, lang in (("tesseract-ocr-chi-sim", "chi_sim"), ("tesseract-ocr-osd", "osd"))
                 if lang not in langs)


def orientation(image) -> int:
    """Degrees (0, 90, 180, 270) to turn the page clockwise to set it upright, by Tesseract's
    orientation script detection; 0 when it cannot tell."""
    with tempfile.TemporaryDirectory(prefix="stdkb-osd-") as tmp:
        path = Path(tmp) / "page.png"
        image.save(path)
        try:
            out = subprocess.run(["tesseract", str(path), "stdout", "--psm", "0", "-l", "osd"],
                                 capture_output=True, text=True, timeout=60, env=_one_thread())
        except subprocess.TimeoutExpired:
            return 0
    rotate = re.search(r"Rotate:\s*(\d+)", out.stdout)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", out.stdout)
    # A page with little text gives a guess; only a confident answer turns it.
    if rotate and confidence and float(confidence.group(1)) >= 2.0:
        return int(rotate.group(1)) % 360
    return 0


def read(image) -> list[OcrLine]:
    """The lines of an upright page image (PIL), each with its box and mean word confidence.
    Raises subprocess.TimeoutExpired when the page takes longer than PAGE_TIMEOUT_S."""
    with tempfile.TemporaryDirectory(prefix="stdkb-tess-") as tmp:
        path = Path(tmp) / "page.png"
        image.save(path)
        # --psm 6: one uniform block of text; the automatic layout analysis (psm 3) splits CJK
        # lines into fragments. Columns are put in order afterwards from the boxes (ocr_layout).
        out = subprocess.run(["tesseract", str(path), "stdout", "-l", "chi_sim", "--psm", "6", "tsv"],
                             capture_output=True, text=True, timeout=PAGE_TIMEOUT_S, env=_one_thread())
    return tsv_lines(out.stdout)


def tsv_lines(tsv: str) -> list[OcrLine]:
    """Lines from Tesseract's TSV: the words of a line joined (no space next to a CJK character,
    where Tesseract puts one), the line's box the union of its words' boxes."""
    from .ocr_layout import join_row

    words: dict[tuple[int, int, int], list[OcrLine]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height, conf = int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]), float(cols[10])
        key = (int(cols[2]), int(cols[3]), int(cols[4]))       # block, paragraph, line
        words.setdefault(key, []).append(OcrLine(cols[11].strip(), left, top, left + width, top + height, max(conf, 0.0)))
    out = []
    for _, line in sorted(words.items()):
        out.append(OcrLine(join_row(line), min(w.x0 for w in line), min(w.y0 for w in line),
                           max(w.x1 for w in line), max(w.y1 for w in line),
                           sum(w.confidence for w in line) / len(line)))
    return out


def _one_thread() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}
