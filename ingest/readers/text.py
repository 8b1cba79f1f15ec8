"""Plain text files: decoding (UTF-8, UTF-16, GB18030) and the normalisation every reader's text gets."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ingest.errors import DocumentError

MAX_LINE_CHARS = 20_000  # the longest line in the shared corpus has 1,181 characters

# Characters that carry no text: zero-width spaces and joiners, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


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
        if control_ratio(text) > 0.01:
            raise DocumentError(path, "binary data (control characters), not a text file")
        if encoding == "gb18030" and looks_mis_decoded(text):
            break
        return text
    raise DocumentError(path, "text is neither UTF-8 nor GB18030/GBK; re-save it as UTF-8")


def control_ratio(text: str) -> float:
    sample = text[:65536]
    bad = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return bad / max(1, len(sample))


def looks_mis_decoded(text: str) -> bool:
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
