"""File formats → plain text lines. Every failure becomes a DocumentError naming the file and the problem.

Markdown headings are kept as '#' lines (the structure parser uses them); .docx heading styles are
turned into the same '#' lines so that one parser serves every format.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import DocumentError
from .ocr import LOW_CONFIDENCE, missing_packages, ocr_image_file, ocr_pdf_pages
from .ofd import read_ofd

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
WEB_SUFFIXES = (".html", ".htm", ".mhtml", ".mht")
OLD_WORD_SUFFIXES = (".doc", ".wps")
SUPPORTED_SUFFIXES = (".md", ".txt", ".docx", ".pdf", ".ofd", *OLD_WORD_SUFFIXES, *IMAGE_SUFFIXES, *WEB_SUFFIXES)
CONVERT_TIMEOUT_S = 120
MAX_FILE_BYTES = 50 * 1024 * 1024  # the largest law in the corpus is under 1 MB
MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024  # a zip bomb unpacks far beyond any real document
MAX_PDF_PAGES = 2000
SCANNED_PAGE_CHARS = 10
MAX_TABLE_PAGES = 300     # pages searched for ruled tables (pdfplumber takes a tenth of a second a page)   # fewer visible characters than this in a page's text layer: a scanned page
MAX_LINE_CHARS = 20_000  # the longest line in the shared corpus has 1,181 characters

# Characters that carry no text: zero-width spaces and joiners, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


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


def read_document_text(path: Path) -> str:
    """Return the text of a supported file, normalised (see `normalise_text`)."""
    return read_document(path).text


def read_document(path: Path) -> Reading:
    """The text of a supported file, normalised (see `normalise_text`), and how it was read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
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
    _check_content_matches_suffix(path, suffix)
    if suffix in (".md", ".txt"):
        reading = Reading(decode_text(path.read_bytes(), path))
    elif suffix == ".docx":
        reading = Reading(_read_docx(path))
    elif suffix in IMAGE_SUFFIXES:
        reading = _ocr_reading([ocr_image_file(path)], "ocr")
    elif suffix in WEB_SUFFIXES:
        reading = Reading(_read_web_page(path), reader="web")
    elif suffix == ".ofd":
        reading = Reading(read_ofd(path))
    elif suffix in OLD_WORD_SUFFIXES:
        reading = Reading(_read_old_word(path))
    else:
        reading = _read_pdf(path)
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


def _check_content_matches_suffix(path: Path, suffix: str) -> None:
    """Uploads and folders carry names that lie; the content decides which reader may open a file."""
    with path.open("rb") as fh:
        kind = sniff(fh.read(1024))
    expected = {".pdf": "pdf", ".docx": "zip", ".ofd": "zip", ".doc": "ole", ".wps": "ole"}.get(suffix)
    if suffix in WEB_SUFFIXES:
        if kind in ("pdf", "zip", "ole"):
            raise DocumentError(path, f"named {suffix} but the content is {_WHAT[kind]}")
        return
    if expected and kind != expected:
        raise DocumentError(path, f"named {suffix} but the content is {_WHAT[kind]}")
    if not expected and kind in ("pdf", "zip", "ole", "html"):
        hint = "; save the page's text as .txt" if kind == "html" else ""
        raise DocumentError(path, f"named {suffix} but the content is {_WHAT[kind]}{hint}")


def decode_text(data: bytes, path: Path | str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM or GB18030/GBK; refuse binary data and other encodings.

    Strict UTF-8 almost never succeeds on GBK-encoded Chinese, so trying it first cannot silently
    mis-decode a GBK file; GB18030 is a superset of GBK and GB2312.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # Notepad's "Unicode": UTF-16 with a byte-order mark.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(path, f"UTF-16 text that does not decode ({exc.reason}); re-save it as UTF-8") from exc
    if b"\x00" in data[:65536]:
        raise DocumentError(path, "binary data (NUL bytes), not a text file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _control_ratio(text) > 0.01:
            raise DocumentError(path, "binary data (control characters), not a text file")
        if encoding == "gb18030" and _looks_mis_decoded(text):
            break
        return text
    raise DocumentError(path, "text is neither UTF-8 nor GB18030/GBK; re-save it as UTF-8")


def _control_ratio(text: str) -> float:
    sample = text[:65536]
    bad = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return bad / max(1, len(sample))


def _looks_mis_decoded(text: str) -> bool:
    """GB18030 decodes almost any byte string; real Chinese text is mostly common CJK and ASCII.

    Shift-JIS or Big5 bytes decode into real but rare hanzi (会議室 → 夛媍幒), so the hanzi must also
    be mostly among GB2312's 3,755 common ones: at least 98 % in every file of the shared corpus,
    0 % for Shift-JIS, about 56 % for Big5.
    """
    sample = text[:65536]
    common = sum(1 for ch in sample if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
    if common / max(1, len(sample)) < 0.9:
        return True
    hanzi = [ch for ch in sample if "\u4e00" <= ch <= "\u9fff"]
    return len(hanzi) >= 20 and sum(_is_common_hanzi(ch) for ch in hanzi) / len(hanzi) < 0.8


def _is_common_hanzi(ch: str) -> bool:
    try:
        return 0xB0 <= ch.encode("gb2312")[0] <= 0xD7   # GB2312 level 1
    except UnicodeEncodeError:
        return False


def normalise_text(text: str) -> str:
    """Remove invisible characters and fix known source quirks; keep everything else as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    # U+E010 stands in for a decimal point in some LawRefBook files ("5\ue0106平方千米").
    text = re.sub(r"(?<=\d)\ue010(?=\d)", ".", text)
    lines = text.split("\n")
    if any(len(line) > MAX_LINE_CHARS for line in lines):
        lines = [_wrap_long_line(line) for line in lines]
    return "\n".join(lines)


def _wrap_long_line(line: str) -> str:
    if len(line) <= MAX_LINE_CHARS:
        return line
    # A single enormous line (minified or broken export): break it at sentence ends so the parser
    # works on paragraphs, not one 10 MB string; a "sentence" that is still too long is cut.
    pieces = []
    for sentence in re.split(r"(?<=[。；！？])", line):
        while len(sentence) > MAX_LINE_CHARS:
            pieces.append(sentence[:MAX_LINE_CHARS])
            sentence = sentence[MAX_LINE_CHARS:]
        pieces.append(sentence)
    return "\n".join(p for p in pieces if p)


# -------------------------------------------------------------------------------------------- docx
def _read_docx(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            unpacked = sum(info.file_size for info in zf.infolist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise DocumentError(path, "macro-enabled Word file (contains vbaProject.bin); save it as a plain .docx")
            if unpacked > MAX_DOCX_UNPACKED_BYTES:
                raise DocumentError(path, f"unpacks to {unpacked // (1024 * 1024)} MB (limit {MAX_DOCX_UNPACKED_BYTES // (1024 * 1024)} MB): refused as a possible zip bomb")
            if "word/document.xml" not in names:
                raise DocumentError(path, "not a Word document (no word/document.xml in the package)")
    except zipfile.BadZipFile as exc:
        raise DocumentError(path, f"corrupt .docx (not a valid zip archive): {exc}") from exc
    import docx  # python-docx; imported here so plain-text ingestion does not pay for it

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for broken packages
        raise DocumentError(path, f"corrupt .docx: {exc}") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_docx_paragraph_line(docx.text.paragraph.Paragraph(child, document)))
        elif tag == "tbl":
            lines.append(markdown_table([[c.text for c in _distinct_cells(row)]
                                         for row in docx.table.Table(child, document).rows]))
    return "\n\n".join(line for line in lines if line.strip())


def _distinct_cells(row):
    """A row's cells, a merged cell once (python-docx repeats it for every grid column it spans)."""
    seen, out = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def markdown_table(rows: list[list[str]]) -> str:
    """Rows of cell texts as one Markdown table block: the first row is the header. Standards put
    limits in tables (面积, 温度, 配置标准); kept as a table inside the clause, search and the
    numeric checks of gap analysis read them with their column names."""
    rows = [[" ".join(cell.split()).replace("|", "｜") for cell in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]])


def _docx_paragraph_line(paragraph) -> str:
    text = paragraph.text.strip()
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    m = re.match(r"^(?:Heading|标题)\s*(\d)$", style.strip(), re.IGNORECASE)
    if m and text:
        return "#" * min(6, int(m.group(1)) + 1) + " " + text
    if style.strip().lower() in ("title", "标题") and text:
        return "# " + text
    return text


# ------------------------------------------------------------------------------- old Word, WPS
def _read_old_word(path: Path) -> str:
    """An old binary Word file (.doc) or a WPS file (.wps, the same format), converted to .docx by
    LibreOffice and read as one. LibreOffice was chosen by measured fidelity on Chinese text:
    catdoc dropped the text of tables and antiword read nothing of a file LibreOffice had written."""
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise DocumentError(path, "old Word and WPS files are converted by LibreOffice, which is not installed "
                                  "(apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="stdkb-doc-") as tmp:
        source = Path(tmp) / f"in{path.suffix.lower()}"
        shutil.copyfile(path, source)
        # A profile of its own: two conversions at once would otherwise fight over the user's one.
        profile = (Path(tmp) / "profile").as_uri()
        try:
            subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx",
                            "--outdir", tmp, str(source)], capture_output=True, timeout=CONVERT_TIMEOUT_S, check=True)
        except subprocess.TimeoutExpired:
            raise DocumentError(path, f"LibreOffice took more than {CONVERT_TIMEOUT_S} s to convert it") from None
        except subprocess.CalledProcessError as exc:
            raise DocumentError(path, f"LibreOffice could not convert it: {exc.stderr.decode(errors='replace')[:200]}") from None
        converted = Path(tmp) / "in.docx"
        if not converted.is_file():
            raise DocumentError(path, "LibreOffice could not read it as a Word document (corrupt file?)")
        try:
            text = _read_docx(converted)
        except DocumentError as exc:
            raise DocumentError(path, exc.problem) from None
    # A damaged file is not refused by LibreOffice: it falls back to reading the bytes as text.
    if "\ufffd" in text[:2000] or _control_ratio(text) > 0.01 or _looks_mis_decoded(text):
        raise DocumentError(path, "LibreOffice could not read it as a Word document: the file is damaged")
    return text


# ---------------------------------------------------------------------------------------- web pages
def _read_web_page(path: Path) -> str:
    """The article of a page saved from a government website, without its menus and footer
    (trafilatura), under its title as a heading; tables kept as Markdown tables."""
    import trafilatura

    data = path.read_bytes()
    if path.suffix.lower() in (".mhtml", ".mht"):
        data = _mhtml_html(data, path)
    try:
        body = trafilatura.extract(data, include_tables=True, include_comments=False, output_format="markdown",
                                   favor_recall=True)
        meta = trafilatura.extract_metadata(data)
    except Exception as exc:   # lxml and trafilatura raise many kinds on broken markup
        raise DocumentError(path, f"unreadable web page: {exc}") from exc
    if not body:
        raise DocumentError(path, "no article text found in the web page")
    title = (meta.title or "").strip() if meta else ""
    # Government sites print 发布日期：2023-05-06; the metadata reader knows 2023年5月6日.
    body = re.sub(r"(日期[：:]\s*)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})",
                  lambda m: f"{m.group(1)}{m.group(2)}年{int(m.group(3))}月{int(m.group(4))}日", body)
    return (f"# {title}\n\n" if title and title not in body[:200] else "") + _with_table_headers(body)


def _with_table_headers(text: str) -> str:
    """trafilatura writes a table's rows as "| a | b |" lines without the header rule: add it, so
    the table reads as the tables of .docx files do (see markdown_table)."""
    out, previous = [], ""
    for line in (x.rstrip() for x in text.splitlines()):
        out.append(line)
        if line.startswith("|") and not previous.startswith("|"):
            out.append("|" + " --- |" * max(1, line.count("|") - 1))
        previous = line
    return "\n".join(out)


def _mhtml_html(data: bytes, path: Path) -> bytes:
    """The HTML part of a page saved as one file (.mhtml: MIME, like an e-mail)."""
    import email
    from email import policy

    message = email.message_from_bytes(data, policy=policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            try:
                return payload.decode(charset, errors="replace").encode("utf-8")
            except LookupError:
                return payload
    raise DocumentError(path, "no HTML part in the .mhtml file")


# --------------------------------------------------------------------------------------------- pdf
def _read_pdf(path: Path) -> Reading:
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
    reading = _ocr_reading(list(pages.values()), "ocr" if len(scanned) == len(texts) else "text+ocr")
    return replace(reading, text="\n".join(_unwrap_pdf_lines(t) for t in merged))


def _ocr_reading(pages, reader: str) -> Reading:
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


_STRUCTURAL_START = re.compile(r"^(\||第[一二三四五六七八九十百千零〇0-9]+[编章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[)）]|\d+(\.\d+)*\s|附\s*录|#)")
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
