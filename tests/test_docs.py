"""The README is the guide a newcomer reads first: its module map names every module, its settings
table every setting, and it stays short enough to read in one sitting."""

from __future__ import annotations

import re
from pathlib import Path

from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
LAYERS = ("ingest", "index", "analysis", "api", "web")


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def _mapped_modules() -> set[str]:
    """`folder/` rows of the module map, each naming its modules in backticks."""
    found = set()
    for line in _section("Module map").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        folder = cells[0].strip("`")
        found |= {folder + name for name in re.findall(r"`([\w/]+\.py)`", cells[1])}
    return found


def test_the_module_map_names_every_module():
    modules = {str(p.relative_to(ROOT)) for layer in LAYERS for p in (ROOT / layer).rglob("*.py")
               if p.name not in ("__init__.py", "__main__.py")}
    missing = sorted(modules - _mapped_modules())
    assert not missing, f"modules missing from the README's module map: {missing}"


def test_the_module_map_names_no_module_that_is_gone():
    gone = sorted(m for m in _mapped_modules() if not (ROOT / m).is_file())
    assert not gone, f"the README's module map names files that do not exist: {gone}"


def test_the_settings_table_names_every_setting():
    table = _section("Settings")
    missing = [f"STDKB_{name.upper()}" for name in Settings.model_fields
               if f"`STDKB_{name.upper()}`" not in table]
    assert not missing, f"settings missing from the README's settings table: {missing}"


def test_every_setting_says_what_it_means():
    assert all(field.description for field in Settings.model_fields.values())


def test_the_readme_is_a_guide_not_a_diary():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 350


def test_the_measurements_are_as_the_benchmarks_wrote_them():
    from evaluation.measurements import END, PAGE, START, build

    page, block = build()
    assert PAGE.read_text(encoding="utf-8") == page, "docs/measurements.md: run python -m evaluation.measurements"
    readme = README.read_text(encoding="utf-8")
    assert readme[readme.index(START) + len(START):readme.index(END)].strip() == block.strip()


def test_the_ocr_workers_setting_reaches_the_reader_that_reads_scans(monkeypatch):
    from api.settings import load_settings
    from ingest.readers import ocr

    monkeypatch.setenv("STDKB_OCR_WORKERS", "3")
    try:
        assert load_settings().ocr_workers == 3 and ocr.workers() == 3
    finally:
        ocr.set_workers(2)
