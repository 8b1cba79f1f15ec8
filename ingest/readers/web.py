"""Saved web pages (.html, .mhtml): the article text, found by trafilatura."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import DocumentError


def read_web_page(path: Path) -> str:
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
