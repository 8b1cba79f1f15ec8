"""One file → one Document: read the format, take the metadata, parse the structure.

`parse_file` is pure apart from reading the file; nothing is stored here.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from .definitions import defined_terms
from .errors import DocumentError
from .front_matter import strip_front_matter
from .metadata import MANIFEST_NAME, extract_meta, read_manifest, split_header
from .models import LEVELS_IN_ORDER, Clause, ClauseId, Document, DocumentMeta
from .readers import SUPPORTED_SUFFIXES, read_document
from .structure import detect_family, parse_body

# Bump when parsing changes what a file turns into, so re-ingest replaces stale clauses.
PARSER_VERSION = "4"   # 4: front matter (印发 lines, 发文字号) is metadata, not a （序） clause


def parse_file(path: Path | str, root: Path | str | None = None, meta: DocumentMeta | None = None,
               consult_manifest: bool = True) -> Document:
    """Parse one file into a Document.

    Parameters: `root` is the folder the file was found under (the `source` is relative to it;
    default: the file's own folder). `meta` overrides what is read off the text, as a manifest
    row does; when it is None and `consult_manifest`, a `manifest.csv` in `root` is consulted.
    Raises DocumentError naming the file and the problem.
    """
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    try:
        source = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        source = path.name
    source = source_name(source, path)
    if meta is None and consult_manifest:
        manifest = root / MANIFEST_NAME
        if manifest.is_file():
            meta = read_manifest(manifest).get(source)
    reading = read_document(path)
    doc = parse_text(reading.text, source, meta, raw_hash=file_hash(path))
    return doc if reading.reader == "text" else doc.model_copy(update={"reader": reading.reader, "ocr_confidence": reading.confidence,
                                  "ocr_low_pages": list(reading.low_confidence_pages)})


def parse_text(text: str, source: str, meta: DocumentMeta | None = None, raw_hash: str = "") -> Document:
    """Parse already-decoded text (used by parse_file and by uploads)."""
    folder = source.split("/")[0] if "/" in source else ""
    if meta is None:
        meta = extract_meta(text, source, folder_level=folder if folder in LEVELS_IN_ORDER else "")
    body = strip_front_matter(split_header(text).body)
    family = detect_family(body, meta.level)
    # A plain-text file's first line is often just the title; it is metadata, not a clause.
    raw = [r for r in parse_body(body, family) if not (r.kind == "preamble" and r.text.strip() == meta.title)]
    if not raw:
        raise DocumentError(source, "no clauses found in the text")
    ids = [ClauseId.of(source, r.key) for r in raw]
    by_key = dict(zip((r.key for r in raw), ids))
    clauses = [
        Clause(
            id=ids[i], label=r.label, number=r.number, kind=r.kind, heading_path=r.heading_path,
            title=r.title, text=r.text, position=i, parent=by_key.get(r.parent_key) if r.parent_key else None,
            prev=ids[i - 1] if i else None, next=ids[i + 1] if i + 1 < len(ids) else None,
            para_start=r.para_start, defines=_terms_of(r),
        )
        for i, r in enumerate(raw)
    ]
    digest = hashlib.sha256()
    digest.update(PARSER_VERSION.encode())
    digest.update((raw_hash or hashlib.sha256(text.encode()).hexdigest()).encode())
    digest.update(meta.model_dump_json().encode())
    return Document(**meta.model_dump(), source=source, family=family, content_hash=digest.hexdigest(),
                    clauses=clauses)


def source_name(name: str, path: Path | str) -> str:
    """The stored name of a document: NFC Unicode, printable; refuses names no one could cite.

    Names come from disks and archives made elsewhere: GBK bytes from a Windows zip are not
    UTF-8 (Python keeps them as lone surrogates, which SQLite cannot store), and a macOS copy
    spells 公务用车 in decomposed form. The same file must get the same name every time.
    """
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        shown = os.fsencode(name).decode("utf-8", errors="backslashreplace")
        raise DocumentError(shown, "file name is not valid UTF-8 (saved by another system's encoding?); rename it")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise DocumentError(repr(name), "file name contains control or invisible formatting characters; rename it")
    if len(name.encode()) > 1000:
        raise DocumentError(name[:80] + "…", "file path is longer than 1000 bytes")
    return unicodedata.normalize("NFC", name)


def _terms_of(raw) -> list[str]:
    """A standard's term entry defines its title (the term, less any English equivalent)."""
    if raw.kind == "term" and raw.title:
        term = re.split(r"\s+[A-Za-z]", raw.title.strip())[0].strip()
        return [term] if term else []
    return defined_terms(raw.text)


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def find_files(paths: list[Path]) -> list[tuple[Path, Path]]:
    """Expand files and folders into (file, root) pairs of supported files, in a stable order.

    Hidden files and `manifest.csv`/README files are not documents.
    """
    found: list[tuple[Path, Path]] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if f.is_file() and not any(part.startswith(".") for part in rel.parts) \
                        and f.suffix.lower() in SUPPORTED_SUFFIXES and f.name.lower() != "readme.md":
                    found.append((f, p))
        else:
            found.append((p, p.parent))
    return found
