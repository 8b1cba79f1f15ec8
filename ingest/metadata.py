"""Document metadata: from a manifest.csv row when there is one, else read off the text itself.

Covers the header conventions of the sources stdkb meets: LawRefBook-style Markdown (`# title`,
dated enactment lines, `<!-- INFO END -->`), notices (印发…的通知, 文号 〔2021〕36号, signature date)
and standards (GB/T 30520—2014, DB3301/T 0298—2019).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import ManifestError
from .models import LEVELS_IN_ORDER, STATUSES, DocumentMeta, Level, Status
from .numerals import cn_to_int, to_halfwidth_digits

INFO_END = "<!-- INFO END -->"
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("path", "title", "level", "issuer", "doc_number", "publish_date", "effective_date", "status")

_DATE = re.compile(r"(\d{4}|[一二三四五六七八九〇零○]{4})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月\s*([0-9一二三四五六七八九十]{1,3})\s*日")
_FILE_DATE = re.compile(r"[(（](\d{4}-\d{2}-\d{2})[)）]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STANDARD_NUMBER = re.compile(r"\b((?:GB|DB\d{2,6}|[A-Z]{2})(?:/[TZ])?)\s*([0-9.]+|X+)\s*[—–\-－]+\s*(\d{4}|20\dX|XXXX)")
_DOC_NUMBER_PATTERNS = [
    re.compile(r"(\S{0,30}?令第[0-9一二三四五六七八九十百千零〇]+号)"),
    re.compile(r"(\S{0,30}?公告第[0-9一二三四五六七八九十百千零〇]+号)"),
    re.compile(r"([\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\d+号)"),
]
_ISSUER = re.compile(
    r"((?:中共中央|国务院办公厅|国务院|全国人民代表大会常务委员会|全国人民代表大会|[\u4e00-\u9fff]{2,10}?(?:省|市|自治区|县|区)人民代表大会常务委员会"
    r"|[\u4e00-\u9fff]{2,10}?(?:省|市|自治区|县|区)人民政府|[\u4e00-\u9fff]{2,16}?(?:管理局|委员会|部|总局|厅|局|办公室)))"
)


@dataclass
class HeaderSplit:
    title: str
    header_lines: list[str]
    body: str


def split_header(text: str) -> HeaderSplit:
    """Separate title and header (dates, orders) from the body that the structure parser reads."""
    lines = text.split("\n")
    title = ""
    for line in lines:
        s = line.strip()
        if s.startswith("# "):
            title = s[2:].strip()
            break
        if s:
            break
    if INFO_END in text:
        head, body = text.split(INFO_END, 1)
        header = [ln.strip() for ln in head.split("\n") if ln.strip() and not ln.strip().startswith("# ")]
        return HeaderSplit(title, header, body)
    if title:
        body = text.split("\n", [i for i, ln in enumerate(lines) if ln.strip().startswith("# ")][0] + 1)[-1]
        return HeaderSplit(title, [], body)
    return HeaderSplit(_guess_title(lines), [], text)


def _guess_title(lines: list[str]) -> str:
    """First substantial lines that look like a title (a notice title may be broken over lines)."""
    from .front_matter import is_front_matter   # front_matter reads this module's date and number patterns
    parts: list[str] = []
    for line in lines:
        s = line.strip()
        if not s:
            if parts:
                continue
            continue
        if re.match(r"^(附件\s*\d*|ICS|CCS)\b", s) or len(s) <= 3:
            continue
        if is_front_matter(s):   # the title ends where the issuing line begins
            break
        if len(s) > 60 or re.search(r"[。；：]$", s) or re.match(r"^(第一|一、|1\s)", s):
            break
        parts.append(s)
        if len("".join(parts)) >= 12 or len(parts) >= 3:
            break
    return re.sub(r"\s+", "", "".join(parts)) if parts else ""


def book_title(title: str) -> str:
    """A title in 书名号: 《…》, with any 《》 inside it turned into 〈〉 (GB/T 15834—2011, 4.15):
    《浙江省实施〈中华人民共和国节约能源法〉办法》, never 《浙江省实施《中华人民共和国节约能源法》办法》."""
    inner = title.strip()
    if inner.startswith("《") and inner.endswith("》") and inner.count("《") == 1:
        inner = inner[1:-1]
    return "《" + inner.replace("《", "〈").replace("》", "〉") + "》"


def parse_cn_date(text: str) -> str:
    """'2012年6月28日' or '二〇二二年十一月七日' → '2012-06-28'; '' when absent or invalid."""
    m = _DATE.search(text)
    if not m:
        return ""
    try:
        y, mo, d = (cn_to_int(g) for g in m.groups())
        return date(y, mo, d).isoformat()
    except ValueError:
        return ""


def extract_meta(text: str, source: str, folder_level: str = "") -> DocumentMeta:
    """Read title, level, issuer, number, dates and status off the text (no manifest)."""
    split = split_header(text)
    header = split.header_lines
    head_text = "\n".join(header) or "\n".join(text.split("\n")[:30])
    head_text = to_halfwidth_digits(head_text)
    events = []  # (iso date, line)
    for line in head_text.split("\n"):
        iso = parse_cn_date(line)
        if iso:
            events.append((iso, line))
    publish = ""
    m = _FILE_DATE.search(Path(source).name)
    if m:
        publish = m.group(1)
    enacted = [(d, ln) for d, ln in events if re.search(r"公布|发布|修正|修订|通过|印发|批准", ln)]
    if enacted and enacted[-1][0] > publish:
        publish = max(d for d, _ in enacted)
    if not publish:
        signature = _signature_date(text)
        publish = signature or (events[-1][0] if events else "")
    effective = ""
    for d, ln in events:
        if "施行" in ln and d >= (publish or d):
            effective = d
    issuer = ""
    for _, ln in reversed(enacted or events):
        # Dates out first: in 2023年5月8日国管局印发 the issuer is 国管局, not 日国管局.
        m = _ISSUER.search(_DATE.sub(" ", ln.replace("批准", "")))
        if m:
            issuer = m.group(1)
            break
    doc_number = _find_doc_number(head_text) or _find_doc_number("\n".join(text.split("\n")[:40]))
    title = split.title or _guess_title(text.split("\n")) or Path(source).stem
    level = folder_level if folder_level in LEVELS_IN_ORDER else infer_level(title, doc_number, issuer)
    return DocumentMeta(title=title, level=level, issuer=issuer, doc_number=doc_number,
                        publish_date=publish, effective_date=effective, status=Status.UNKNOWN)


def _signature_date(text: str) -> str:
    """The date a notice is signed: a date alone on a line near the top or the end."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for line in lines[:25] + lines[-10:]:
        if len(line) <= 16:
            iso = parse_cn_date(line)
            if iso:
                return iso
    return ""


def _find_doc_number(text: str) -> str:
    m = _STANDARD_NUMBER.search(text)
    if m:
        return f"{m.group(1)} {m.group(2)}—{m.group(3)}"
    for pattern in _DOC_NUMBER_PATTERNS:
        m = pattern.search(text)
        if m:
            return m.group(1).strip("，。 ")
    return ""


def infer_level(title: str, doc_number: str, issuer: str) -> str:
    """Best guess of the level from the number, title and issuer; '其他' when nothing says."""
    if doc_number.startswith("GB"):
        return "国家标准"
    if doc_number.startswith("DB"):
        return "地方标准"
    if re.match(r"^[A-Z]{2}(/T)?\s", doc_number):
        return "行业标准"
    if re.match(r"^T/", doc_number):
        return "团体标准"
    if "人民代表大会" in issuer and re.search(r"(省|市|自治区)", issuer):
        return "地方性法规"
    if title.startswith("中华人民共和国") and title.endswith("法"):
        return "法律"
    if issuer == "国务院" and re.search(r"(条例|规定|办法|细则)$", title):
        return "行政法规"
    if "试点" in title:
        return "试点文件"
    return "其他"


# ---------------------------------------------------------------------------------------- manifest
@dataclass
class Manifest:
    """manifest.csv read row by row: a bad row spoils only its own document, not the folder."""

    rows: dict[str, DocumentMeta]
    bad_rows: dict[str, ManifestError]
    unattributed: list[ManifestError]    # rows without a path: no document to attach them to

    def get(self, rel: str) -> DocumentMeta | None:
        """The metadata for the document at `rel`; raises its row's ManifestError when the row is bad."""
        if rel in self.bad_rows:
            raise self.bad_rows[rel]
        return self.rows.get(rel)


def read_manifest(path: Path) -> Manifest:
    """Read manifest.csv: path → metadata. Raises ManifestError only when the file as a whole is unusable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ManifestError(path, f"cannot read manifest: {exc.strerror or exc}") from exc
    from .readers import decode_text

    text = decode_text(raw, path)
    try:
        reader = csv.DictReader(text.splitlines())
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise ManifestError(path, f"not a CSV file: {exc}") from exc
    missing = [c for c in ("path", "title") if c not in fieldnames]
    if missing:
        raise ManifestError(path, f"manifest lacks required column(s): {', '.join(missing)}")
    manifest = Manifest({}, {}, [])
    try:
        for line_no, row in enumerate(reader, start=2):
            rel = _norm_rel(row.get("path") or "")
            try:
                if None in row:
                    raise ManifestError(f"{path}:{line_no}", f"row has {len(fieldnames) + len(row[None])} "
                                                            f"fields, the header {len(fieldnames)}")
                manifest.rows[rel] = manifest_row_meta(row, f"{path}:{line_no}")
            except ManifestError as exc:
                (manifest.bad_rows.__setitem__(rel, exc) if rel else manifest.unattributed.append(exc))
    except csv.Error as exc:
        raise ManifestError(path, f"CSV is malformed: {exc}") from exc
    return manifest


def manifest_row_meta(row: dict[str, str | None], where: str) -> DocumentMeta:
    def get(key: str) -> str:
        return (row.get(key) or "").strip()

    if not get("path") or not get("title"):
        raise ManifestError(where, "manifest row lacks a path or a title")
    for key in ("publish_date", "effective_date"):
        value = get(key)
        if value:
            if not _ISO_DATE.match(value):
                raise ManifestError(where, f"{key} '{value}' is not a date in YYYY-MM-DD form")
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise ManifestError(where, f"{key} '{value}' is not a valid date") from exc
    try:
        status = Status.read(get("status") or Status.UNKNOWN)
    except ValueError:
        raise ManifestError(where, f"status '{get('status')}' is not one of {', '.join(STATUSES)}") from None
    level = get("level") or Level.OTHER
    if level not in LEVELS_IN_ORDER:
        raise ManifestError(where, f"level '{level}' is not one of {', '.join(LEVELS_IN_ORDER)}")
    return DocumentMeta(
        title=get("title"), level=level, issuer=get("issuer"), doc_number=get("doc_number"),
        publish_date=get("publish_date"), effective_date=get("effective_date"), status=status,
        status_from_manifest=bool(get("status")),
    )


def _norm_rel(path: str) -> str:
    # NFC like the documents' own names (ingest/parse.py source_name), so the two always meet.
    return unicodedata.normalize("NFC", path.strip().replace("\\", "/").lstrip("./"))
