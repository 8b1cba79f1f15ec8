"""OCR engines side by side on scans made from real documents (issue 32).

    nice .venv/bin/python -m evaluation.bench_ocr [--engines rapidocr,tesseract] [--out docs/measurements/ocr-engines.json]

Documents of the shared corpus and drafts are typeset into text PDFs (reportlab, with a running
header and a page number at the foot, as printed drafts have), rasterised by pdfium, spoilt the
way scans are (a variant a row) and saved as image-only PDFs. Each engine reads them through
stdkb's own reader (ingest/readers/ocr.py) and is scored on:

  chars   1 − edit distance / length, over the whitespace-stripped text of each page
  labels  share of the source's clause labels (第X条; 5.1.4, 附录A, A.1) that the parsed OCR text
          recovers as clauses, by stdkb's parser (ingest/parse.py)
  s/page  wall seconds per page with one worker (so the engines compare; a pool runs two)

Held out: documents nobody looked at while the OCR heuristics were written (the tuning set is the
regulation 机关事务管理条例 and ../shared/drafts/dev_draft.md). A benchmark, not a test: times
depend on the machine and its load; keep it to a dozen pages an engine on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FONT, SIZE, LEADING = "STSong-Light", 11, 17
MARGIN_X, TOP, BOTTOM = 60, 780, 70
_LABEL = {"regulation": re.compile(r"^第[一二三四五六七八九十百千零〇]+条$"),
          "standard": re.compile(r"^(\d{1,2}(\.\d{1,3})*|附录[A-Z]|[A-Z]\.\d{1,3}(\.\d{1,3})*)$")}


@dataclass(frozen=True)
class Source:
    name: str
    path: Path
    kind: str          # regulation | standard
    header: str        # the running header printed on every page
    heldout: bool


SOURCES = [
    Source("regulation-heldout", SHARED / "corpus/行政法规/行政事业性国有资产管理条例(2021-02-01).md", "regulation",
           "行政事业性国有资产管理条例", True),
    Source("standard-heldout", ROOT / "evaluation/drafts/office_draft.md", "standard", "DB3301/T XXXX—202X", True),
    Source("regulation", SHARED / "corpus/行政法规/机关事务管理条例(2012-06-28).md", "regulation", "机关事务管理条例", False),
    Source("standard", SHARED / "drafts/dev_draft.md", "standard", "DB3301/T XXXX—202X", False),
]
# (source, variant, first page, pages): held-out documents plain at 150 dpi; the spoilt variants on
# the tuning ones, on the standard's second page, the one densest with clause numbers.
RUNS = [("regulation-heldout", "150dpi", 1, 2), ("standard-heldout", "150dpi", 1, 2),
        ("regulation", "150dpi", 1, 2), ("regulation", "300dpi", 1, 1), ("standard", "150dpi", 1, 3),
        ("standard", "300dpi", 2, 1), ("standard", "noise", 2, 1), ("standard", "skew2", 2, 1),
        ("standard", "seal", 2, 1), ("standard", "sideways", 2, 1), ("standard", "table", 1, 1)]


def source_lines(source: Source) -> list[str]:
    """The document's lines as printed: Markdown marks and the corpus's info block left out."""
    text = source.path.read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return [re.sub(r"^#+\s*", "", x).strip() for x in text.splitlines() if x.strip() and not x.startswith("<!--")]


def typeset(lines: list[str], pdf: Path, first: int, pages: int, header: str) -> list[list[str]]:
    """`lines` set on A4 pages, wrapped to the measure, and pages `first` (1-based) to
    first + pages - 1 of them printed; the printed lines of each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    width = A4[0] - 2 * MARGIN_X
    wrapped: list[str] = []
    for line in lines:
        while line:
            n = len(line)
            while pdfmetrics.stringWidth(line[:n], FONT, SIZE) > width:
                n -= 1
            wrapped.append(line[:n])
            line = line[n:]
    per_page = int((TOP - BOTTOM) / LEADING)
    printed = [wrapped[i:i + per_page] for i in range(0, len(wrapped), per_page)][first - 1:first - 1 + pages]
    c = canvas.Canvas(str(pdf), pagesize=A4)
    for number, page in enumerate(printed, first):
        c.setFont(FONT, 9)
        c.drawCentredString(A4[0] / 2, 810, header)
        c.drawCentredString(A4[0] / 2, 40, f"— {number} —")
        c.setFont(FONT, SIZE)
        for i, line in enumerate(page):
            c.drawString(MARGIN_X, TOP - i * LEADING, line)
        c.showPage()
    c.save()
    return printed


def typeset_table(lines: list[str], pdf: Path, header: str) -> list[list[str]]:
    """A ruled three-column table (序号, 项目, 要求) filled with clauses of the document, one page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    clauses = [x for x in lines if re.match(r"^\d+\.\d+\.\d+ ", x)][:12]
    rows = [["序号", "项目", "要求"]] + [[str(i), x.split(" ", 1)[0], x.split(" ", 1)[1][:22]] for i, x in enumerate(clauses, 1)]
    xs, height = [MARGIN_X, MARGIN_X + 50, MARGIN_X + 130, A4[0] - MARGIN_X], 34
    c = canvas.Canvas(str(pdf), pagesize=A4)
    c.setFont(FONT, 9)
    c.drawCentredString(A4[0] / 2, 810, header)
    c.setFont(FONT, SIZE)
    top = TOP
    for r, row in enumerate(rows):
        y = top - r * height
        for i, cell in enumerate(row):
            c.drawString(xs[i] + 6, y - 21, cell)
    bottom = top - len(rows) * height
    for r in range(len(rows) + 1):
        c.line(xs[0], top - r * height, xs[-1], top - r * height)
    for x in xs:
        c.line(x, top, x, bottom)
    c.showPage()
    c.save()
    return [["".join(row) for row in rows]]


def rasterise(pdf: Path, variant: str) -> list:
    """The pages of `pdf` as a scanner would give them for `variant` (PIL images)."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    dpi = 300 if variant == "300dpi" else 150
    document = pdfium.PdfDocument(str(pdf))
    images = [page.render(scale=dpi / 72, grayscale=variant != "seal").to_pil() for page in document]
    document.close()
    out = []
    rng = np.random.default_rng(32)
    for image in images:
        if variant == "noise":
            # A photocopy: soft edges, grey background, toner specks and dropouts.
            a = np.asarray(image.convert("L").filter(ImageFilter.GaussianBlur(0.8)), dtype=np.float32)
            a = a * 0.8 + 30 + rng.normal(0, 18, a.shape)
            specks = rng.random(a.shape)
            a[specks < 0.004], a[specks > 0.997] = 0, 255
            image = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
        elif variant == "skew2":
            image = image.convert("L").rotate(2, expand=True, fillcolor=255, resample=Image.BICUBIC)
        elif variant == "sideways":
            image = image.convert("L").rotate(90, expand=True)
        elif variant == "seal":
            # A red seal stamped across the text: a ring with the issuer inside, multiplied onto the page.
            image = image.convert("RGB")
            seal = Image.new("RGB", image.size, (255, 255, 255))
            draw = ImageDraw.Draw(seal)
            cx, cy, r = image.width * 0.55, image.height * 0.3, image.width * 0.16
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(215, 40, 40), width=max(4, int(r / 18)))
            font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", int(r / 4.5))
            draw.text((cx, cy - r / 3), "杭州市机关事务", fill=(215, 40, 40), font=font, anchor="mm")
            draw.text((cx, cy + r / 4), "★ 管理局 ★", fill=(215, 40, 40), font=font, anchor="mm")
            image = Image.fromarray((np.asarray(image, dtype=np.float32) * np.asarray(seal, dtype=np.float32) / 255)
                                    .astype(np.uint8))
        out.append(image)
    return out


def shown(path: Path) -> str:
    """A path as the README names it: inside this checkout, or ../shared/… beside it."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if ROOT in path.parents else f"../{path.relative_to(ROOT.parent)}"


def save_scan(images: list, path: Path, dpi: int) -> None:
    images[0].save(path, save_all=True, append_images=images[1:], resolution=dpi)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute: 1 each)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def labels(text: str, kind: str) -> Counter:
    """The clause labels stdkb's parser finds in `text` (a page from a standard's middle has no
    "1 范围" to say what it is, so a standard is named one, as the manifest would)."""
    from ingest.models import DocumentMeta, Level
    from ingest.parse import parse_text

    meta = DocumentMeta(title="", level=Level.LOCAL_STANDARD) if kind == "standard" else None
    doc = parse_text(text, f"bench/{kind}.md", meta=meta)
    return Counter(c.label for c in doc.clauses if _LABEL[kind].match(c.label))


def run_one(source: Source, variant: str, first: int, pages: int, engine: str, tmp: Path) -> dict:
    from ingest.readers import ocr
    from ingest.readers.pdf import _unwrap_pdf_lines

    text_pdf, scan = tmp / f"{source.name}-{variant}-text.pdf", tmp / f"{source.name}-{variant}-{engine}.pdf"
    lines = source_lines(source)
    printed = (typeset_table(lines, text_pdf, source.header) if variant == "table"
               else typeset(lines, text_pdf, first, pages, source.header))
    save_scan(rasterise(text_pdf, variant), scan, 300 if variant == "300dpi" else 150)
    ocr.set_engine(engine)
    ocr.set_workers(1)
    started = time.perf_counter()
    read = ocr.ocr_pdf_pages(scan, list(range(1, len(printed) + 1)))
    seconds = time.perf_counter() - started
    strip = lambda s: re.sub(r"\s", "", s)  # noqa: E731
    distance = sum(edit_distance(strip("".join(p)), strip(r.text)) for p, r in zip(printed, read))
    length = sum(max(len(strip("".join(p))), len(strip(r.text))) for p, r in zip(printed, read))
    row = {"source": source.name, "document": shown(source.path), "heldout": source.heldout,
           "variant": variant, "engine": engine, "first_page": first, "pages": len(printed),
           "chars": round(1 - distance / max(length, 1), 4), "s_per_page": round(seconds / len(printed), 2),
           "rotated": [r.rotated for r in read], "confidence": [r.confidence for r in read]}
    if variant != "table":
        # A page from the middle is parsed after the source's pages before it, as it sits in its
        # document (a standard's numbering is followed from "1 范围"), and only its own labels count.
        before = "\n".join(_unwrap_pdf_lines("\n".join(p)) for p in
                           (typeset(lines, tmp / "before.pdf", 1, first - 1, source.header) if first > 1 else []))
        context = labels(before, source.kind) if before else Counter()
        want = labels(before + "\n" + "\n".join(_unwrap_pdf_lines("\n".join(p)) for p in printed), source.kind) - context
        got = labels(before + "\n" + "\n".join(_unwrap_pdf_lines(r.text) for r in read), source.kind) - context
        row["labels"] = round(sum((want & got).values()) / max(sum(want.values()), 1), 4)
        row["label_count"] = sum(want.values())
        row["labels_missed"] = sorted((want - got).elements())[:20]
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--only", default="", help="run only these sources (comma-separated names)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    sources = {s.name: s for s in SOURCES}
    rows = []
    with tempfile.TemporaryDirectory(prefix="stdkb-bench-ocr-") as tmp:
        for name, variant, first, pages in RUNS:
            if args.only and name not in args.only.split(","):
                continue
            for engine in args.engines.split(","):
                row = run_one(sources[name], variant, first, pages, engine, Path(tmp))
                print(json.dumps(row, ensure_ascii=False), flush=True)
                rows.append(row)
    from ingest.readers import ocr

    report = {"command": "nice .venv/bin/python -m evaluation.bench_ocr --out docs/measurements/ocr-engines.json",
              "commit": _commit(), "default": ocr.DEFAULT_ENGINE, "tuning_documents": [shown(s.path) for s in SOURCES if not s.heldout],
              "heldout_documents": [shown(s.path) for s in SOURCES if s.heldout], "rows": rows}
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
