"""Documents that arrive as uploads or streams: a safe stored name, metadata from the form, one Document.

The client's file name is never used as a path: only its last component survives, cleaned to
letters, digits, CJK and a few punctuation marks, so `../../etc/passwd.md` becomes `passwd.md`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import DocumentError
from .metadata import extract_meta, parse_cn_date
from .models import LEVELS_IN_ORDER, STATUSES, UPLOADS, Document, DocumentMeta, Status
from .parse import file_hash, parse_file, parse_text
from .readers import SUPPORTED_SUFFIXES, read_document

_UNSAFE = re.compile(r"[^\w.\-()（）《》〔〕【】 ]+")
MAX_NAME_CHARS = 120


def safe_filename(name: str) -> str:
    """A file name that is safe to create in the uploads folder; DocumentError if nothing usable is left."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")  # control and format characters
    base = _UNSAFE.sub("_", base).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(name or "(no name)", f"unsupported file type '{suffix or '(none)'}'; "
                            "stdkb reads .md, .txt, .docx, .doc, .wps, .pdf, .ofd, saved web pages (.html, .mhtml) and scanned images (.png, .jpg, .tif)")
    stem = stem.strip(" .") or hashlib.sha256(name.encode()).hexdigest()[:12]
    return stem[:MAX_NAME_CHARS] + suffix


def form_meta(text: str, source: str, fields: dict[str, str]) -> DocumentMeta:
    """Metadata read off the text, overridden by what the uploader filled in; bad values are refused."""
    meta = extract_meta(text, source).model_dump()
    for key, value in fields.items():
        value = (value or "").strip()
        if not value:
            continue
        if key == "level" and value not in LEVELS_IN_ORDER:
            raise DocumentError(source, f"unknown level '{value}'; one of {', '.join(LEVELS_IN_ORDER)}")
        if key == "status":
            try:
                value = Status.read(value).value
            except ValueError:
                raise DocumentError(source, f"unknown status '{value}'; one of {', '.join(STATUSES)}") from None
        if key in ("publish_date", "effective_date"):
            iso = _iso_date(value)
            if not iso:
                raise DocumentError(source, f"{key} '{value}' is not a date (YYYY-MM-DD)")
            value = iso
        meta[key] = value
    meta["status_from_manifest"] = bool((fields.get("status") or "").strip())
    return DocumentMeta(**meta)


def _iso_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return parse_cn_date(value)


def parse_upload(path: Path, name: str, fields: dict[str, str]) -> Document:
    """Parse a received file stored at `path` as the document `uploads/<name>`."""
    source = f"{UPLOADS}/{name}"
    try:
        reading = read_document(path)
    except DocumentError as exc:
        raise DocumentError(name, exc.problem) from None
    doc = parse_text(reading.text, source, form_meta(reading.text, source, fields), raw_hash=file_hash(path))
    return doc.model_copy(update={"reader": reading.reader, "ocr_confidence": reading.confidence,
                                  "ocr_low_pages": list(reading.low_confidence_pages)})


@contextmanager
def received_upload(filename: str, stream: BinaryIO, fields: dict[str, str]) -> Iterator[tuple[Document, Path]]:
    """An upload saved under a temporary name and parsed as the document `uploads/<safe name>`, with
    `fields` (the form's metadata) over what the text says. Yields the document and its file, which
    `KnowledgeBase.upsert(originals=…)` moves into the data directory; whatever is not kept is gone
    when the block ends. DocumentError names `filename`."""
    name = safe_filename(filename)
    with tempfile.TemporaryDirectory(prefix="stdkb-upload-") as tmp:
        path = Path(tmp) / name
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, length=1 << 20)
        try:
            doc = parse_upload(path, name, fields)
        except DocumentError as exc:
            raise DocumentError(filename or name, exc.problem) from None
        yield doc, path


def parse_received(filename: str, stream: BinaryIO) -> Document:
    """Parse a file received as a stream (a draft sent for analysis) without keeping it: it is read
    from a temporary copy that is gone when this returns. DocumentError names `filename`."""
    name = safe_filename(filename)
    with tempfile.TemporaryDirectory(prefix="stdkb-received-") as tmp:
        path = Path(tmp) / f"received{Path(name).suffix}"
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, length=1 << 20)
        try:
            return parse_file(path)
        except DocumentError as exc:
            raise DocumentError(filename, exc.problem) from None
