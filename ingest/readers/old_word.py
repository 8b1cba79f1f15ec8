"""Old binary Word (.doc) and WPS files, converted to .docx by LibreOffice and read as such."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import DocumentError

from .docx import read_docx
from .text import control_ratio, looks_mis_decoded

CONVERT_TIMEOUT_S = 120


def read_old_word(path: Path) -> str:
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
            text = read_docx(converted)
        except DocumentError as exc:
            raise DocumentError(path, exc.problem) from None
    # A damaged file is not refused by LibreOffice: it falls back to reading the bytes as text.
    if "\ufffd" in text[:2000] or control_ratio(text) > 0.01 or looks_mis_decoded(text):
        raise DocumentError(path, "LibreOffice could not read it as a Word document: the file is damaged")
    return text
