"""OFD files (GB/T 33190, the national format many 红头文件 are published in): a ZIP of XML pages.

OFD.xml names the document (title, dates) and its Document.xml, which lists the pages; each page's
Content.xml places text objects at coordinates. The text is read in reading order — page by page,
top to bottom, left to right — and objects on one baseline joined into one line, since an OFD
writer may store them in any order and split a line into many objects.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from ingest.errors import DocumentError

MAX_UNPACKED_BYTES = 200 * 1024 * 1024   # as for .docx: a zip bomb unpacks far beyond any real document
MAX_PAGES = 2000


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in element.iter() if _local(e.tag) == name), None)


def read_ofd(path: Path) -> str:
    """The text of an OFD file, its title (from OFD.xml) as the first line when it has one."""
    try:
        with zipfile.ZipFile(path) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED_BYTES:
                raise DocumentError(path, "unpacks to more than 200 MB: refused as a possible zip bomb")
            names = set(zf.namelist())
            if "OFD.xml" not in names:
                raise DocumentError(path, "not an OFD file (no OFD.xml in the package)")
            root = _xml(zf, "OFD.xml", path)
            title = (_find(root, "Title").text or "").strip() if _find(root, "Title") is not None else ""
            doc_root = _find(root, "DocRoot")
            if doc_root is None or not (doc_root.text or "").strip():
                raise DocumentError(path, "OFD.xml names no document (no DocRoot)")
            doc_path = doc_root.text.strip().lstrip("/")
            document = _xml(zf, doc_path, path)
            pages = [p for p in document.iter() if _local(p.tag) == "Page" and p.get("BaseLoc")]
            if len(pages) > MAX_PAGES:
                raise DocumentError(path, f"OFD has {len(pages)} pages (limit {MAX_PAGES})")
            lines = []
            for page in pages:
                loc = page.get("BaseLoc").strip()
                page_path = loc.lstrip("/") if loc.startswith("/") else posixpath.normpath(
                    posixpath.join(posixpath.dirname(doc_path), loc))
                lines += page_lines(_xml(zf, page_path, path))
    except zipfile.BadZipFile as exc:
        raise DocumentError(path, f"corrupt OFD (not a valid zip archive): {exc}") from exc
    text = "\n".join(lines)
    if title and not text.lstrip().startswith(title):
        text = f"# {title}\n\n{text}"
    return text


def _xml(zf: zipfile.ZipFile, name: str, path: Path) -> ET.Element:
    try:
        return ET.fromstring(zf.read(name))
    except KeyError:
        raise DocumentError(path, f"corrupt OFD: {name} is missing") from None
    except ET.ParseError as exc:
        raise DocumentError(path, f"corrupt OFD: {name} is not well-formed XML ({exc})") from None


def page_lines(page: ET.Element) -> list[str]:
    """The text of one page, line by line in reading order."""
    pieces = []   # (y, x, size, text)
    for obj in page.iter():
        if _local(obj.tag) != "TextObject":
            continue
        box = [float(v) for v in (obj.get("Boundary") or "0 0 0 0").split()[:4]]
        size = float(obj.get("Size") or 3.5)
        for code in obj:
            if _local(code.tag) != "TextCode" or not (code.text or "").strip():
                continue
            x = box[0] + float(code.get("X") or 0)
            y = box[1] + float(code.get("Y") or 0)
            pieces.append((y, x, size, code.text.strip()))
    lines: list[list[tuple[float, str]]] = []
    last_y = None
    for y, x, size, text in sorted(pieces):
        # Pieces whose baselines lie within half a character height share a line.
        if last_y is None or y - last_y > size / 2:
            lines.append([])
            last_y = y
        lines[-1].append((x, text))
    return ["".join(t for _, t in sorted(line)) for line in lines]
