"""Files and folders → parsed documents, with every file that could not be read and why.

One bad file never stops the others; a folder's unusable manifest.csv is reported once and its
documents are read with metadata from their own text.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Callable

from .readers import ocr
from .errors import DocumentError
from .metadata import MANIFEST_NAME, Manifest, read_manifest
from .models import Document, SkippedFile
from .parse import find_files, parse_file

Progress = Callable[[str, int, int], None]


def collect(paths: list[Path], progress: Progress = lambda *_: None) -> tuple[list[Document], list[SkippedFile]]:
    """Parse every supported file under `paths`: (documents, skipped files with reasons)."""
    skipped: list[SkippedFile] = []
    files = []
    for p in paths:
        if not p.exists():
            skipped.append(SkippedFile(path=str(p), reason="no such file or directory"))
        else:
            files.extend(find_files([p]))
    manifests: dict[Path, Manifest | None] = {}
    docs: list[Document] = []
    seen: set[str] = set()
    for n, (path, root) in enumerate(files, start=1):
        progress("parsing", n, len(files))
        if root not in manifests:
            manifests[root] = _folder_manifest(root, skipped)
        try:
            rel = path.relative_to(root).as_posix() if path != root else path.name
            meta = manifests[root].get(unicodedata.normalize("NFC", rel)) if manifests[root] else None
            token = ocr.page_progress.set(lambda done, total, name=path.name: progress(f"OCR: {name}", done, total))
            try:
                doc = parse_file(path, root, meta, consult_manifest=False)
            finally:
                ocr.page_progress.reset(token)
        except DocumentError as exc:
            where = "" if exc.path == str(path) else f"{exc.path}: "
            skipped.append(SkippedFile(path=printable(path), reason=where + exc.problem))
            continue
        except Exception as exc:  # a parser bug on one file must not stop the batch
            skipped.append(SkippedFile(path=printable(path), reason=f"internal error: {type(exc).__name__}: {exc}"))
            continue
        if doc.source in seen:
            skipped.append(SkippedFile(path=str(path), reason=f"same source path '{doc.source}' given twice"))
            continue
        seen.add(doc.source)
        docs.append(doc)
    return docs, skipped


def _folder_manifest(root: Path, skipped: list[SkippedFile]) -> Manifest | None:
    """The folder's manifest; an unusable one is reported and its documents use their own text."""
    path = root / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        manifest = read_manifest(path)
    except DocumentError as exc:
        skipped.append(SkippedFile(path=str(path), reason=f"{exc.problem}; the documents in {root} "
                                                          f"were read with metadata from their own text"))
        return None
    for exc in manifest.unattributed:
        skipped.append(SkippedFile(path=exc.path, reason=exc.problem))
    return manifest


def printable(path: Path) -> str:
    """A path for a report, even when its name is not valid UTF-8."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")
