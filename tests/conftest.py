"""Shared fixtures: real documents from ../shared/corpus, ingested into real stores on temp dirs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ingest.collect import collect

# The suite runs on the corpus-trained domain model: it trains and embeds the shared corpus in about
# a minute, where e5 takes several. tests/test_e5.py tests the e5 embedder itself, for real.
os.environ.setdefault("STDKB_EMBED_MODEL", "domain")

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CORPUS = SHARED / "corpus"

# A small real knowledge base: core 机关事务 rules, a law in two versions, a pilot document.
SUBSET = [
    "行政法规/机关事务管理条例(2012-06-28).md",
    "行政法规/公共机构节能条例(2017-03-01).md",
    "法律/保守国家秘密法(2010-04-29).md",
    "法律/保守国家秘密法(2024-02-27).md",
    "法律/反食品浪费法(2021-04-29).md",
    "法律/节约能源法(2018-10-26).md",
    "地方性法规/杭州市会展业促进条例(2017-10-16).md",
    "试点文件/003_机关事务运行保障国家级综合标准化试点实施方案.txt",
]


def copy_subset(target: Path, sources=SUBSET) -> Path:
    """Copy documents (keeping their folders) and the matching manifest rows into `target`."""
    import csv

    for rel in sources:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, target / rel)
    with open(CORPUS / "manifest.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["path"] in sources]
    with open(target / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    return target


@pytest.fixture(scope="session")
def subset_corpus(tmp_path_factory) -> Path:
    return copy_subset(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def kb_dir(tmp_path_factory, subset_corpus) -> Path:
    """A data directory with the subset ingested (session-wide, read-only for tests)."""
    from index.index import Index

    data = tmp_path_factory.mktemp("kb")
    index = Index(data)
    report = index.upsert(*collect([subset_corpus]))
    assert not report.skipped, report.skipped
    index.close()
    return data


@pytest.fixture(scope="session")
def kb(kb_dir):
    from index.index import Index

    index = Index(kb_dir)
    yield index
    index.close()


@pytest.fixture(scope="session")
def kb_url(kb_dir) -> str:
    """The subset knowledge base served over real HTTP from a thread (for tests that only read)."""
    from api.settings import Settings

    from .servers import serve_in_thread

    server, thread, url = serve_in_thread(Settings(data_dir=kb_dir))
    yield url
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def kb_copy(kb_dir, tmp_path) -> Path:
    """A private copy of the ingested data directory, for tests that write."""
    target = tmp_path / "kb"
    shutil.copytree(kb_dir, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def full_kb_dir(tmp_path_factory) -> Path:
    """The whole shared corpus ingested (about 75 s): for measuring the gap analysis as users get it."""
    from index.index import Index

    data = tmp_path_factory.mktemp("full-kb")
    index = Index(data)
    index.upsert(*collect([CORPUS]))
    index.close()
    return data


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser), one per test module:
    Playwright's sync API keeps an event loop running while it is open, which later tests' own
    asyncio.run would trip over."""
    playwright = pytest.importorskip("playwright.sync_api")
    from evaluation.screenshots import CHROMIUM, CHROMIUM_ARGS

    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# ------------------------------------------------------------------ pages in the browser, and a server that writes
WRITE_KEY = "test-write-key-0123456789"


@pytest.fixture
def page(browser):
    """A desktop page (1280 px) that fails the test if any script opens a dialog."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda d: pytest.fail(f"a script ran on the page: {d.message}"))
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A phone's page (390 px)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


@pytest.fixture
def writable_url(kb_copy):
    """A private copy of the knowledge base served with the write key WRITE_KEY, no rate limit."""
    from api.settings import Settings

    from .servers import serve_in_thread

    server, thread, url = serve_in_thread(Settings(data_dir=kb_copy, api_key=WRITE_KEY, rate_limit_per_minute=0))
    yield url
    server.should_exit = True
    thread.join(10)
