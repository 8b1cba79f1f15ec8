"""OCR speed and accuracy on scans made from a real regulation, next to its text layer.

    .venv/bin/python evaluation/bench_ocr.py [--pages 4] [--out FILE.json]

A regulation of the shared corpus is typeset into a text PDF (reportlab), rendered at 150 dpi in
greyscale into an image-only PDF (the scan), and read back: seconds per page with one worker and
with the pool (STDKB_OCR_WORKERS), character accuracy against the text PDF, and whether the same
article labels come out. A benchmark, not a test: its times depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from api.settings import load_settings
from ingest.readers import ocr

ROOT = Path(__file__).resolve().parent.parent
REGULATION = ROOT.parent / "shared" / "corpus" / "行政法规" / "公共机构节能条例(2017-03-01).md"
CHARS_PER_LINE, LINES_PER_PAGE = 40, 40


def typeset(lines: list[str], pdf: Path, pages: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(pdf), pagesize=A4)
    c.setFont("STSong-Light", 12)
    y, page = 800, 1
    for line in lines:
        while line:
            part, line = line[:CHARS_PER_LINE], line[CHARS_PER_LINE:]
            c.drawString(50, y, part)
            y -= 18
            if y < 80:
                if page == pages:
                    c.save()
                    return
                c.showPage()
                c.setFont("STSong-Light", 12)
                y, page = 800, page + 1
    c.save()


def scan(pdf: Path, out: Path) -> None:
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(out.parent / "page")], check=True)
    images = [Image.open(p).convert("L") for p in sorted(out.parent.glob("page*.png"))]
    images[0].save(out, save_all=True, append_images=images[1:], resolution=150)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from ingest.parse import parse_file

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    lines = [x for x in REGULATION.read_text(encoding="utf-8").splitlines() if x.strip() and not x.startswith("#")]
    with tempfile.TemporaryDirectory() as tmp:
        text_pdf, scan_pdf = Path(tmp) / "text.pdf", Path(tmp) / "scan.pdf"
        typeset(lines, text_pdf, args.pages)
        scan(text_pdf, scan_pdf)
        started = time.perf_counter()
        text = parse_file(text_pdf)
        text_s = time.perf_counter() - started
        report = {"pages": args.pages, "text_layer_s": round(text_s, 2)}
        for workers in (1, load_settings().ocr_workers):
            ocr.set_workers(workers)
            started = time.perf_counter()
            scanned = parse_file(scan_pdf)
            seconds = time.perf_counter() - started
            report[f"workers_{workers}"] = {"s_per_page": round(seconds / args.pages, 2),
                                             "pages_per_s": round(args.pages / seconds, 3)}
        clean = lambda doc: re.sub(r"\s", "", "".join(c.text for c in doc.clauses))  # noqa: E731
        report["char_accuracy"] = round(difflib.SequenceMatcher(None, clean(text), clean(scanned),
                                                                autojunk=False).ratio(), 4)
        articles = lambda doc: [c.label for c in doc.clauses if c.kind == "article"]  # noqa: E731
        report["same_article_labels"] = articles(text) == articles(scanned)
        report["ocr_confidence"] = scanned.ocr_confidence
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
