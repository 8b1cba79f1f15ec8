"""Every page as a user first sees it, at a desktop and a phone width: screenshots for the README
and a check that nothing makes the page scroll sideways (the usual way a page breaks on a phone).

    python -m evaluation.screenshots DATA_DIR [--out docs/screenshots]

serves DATA_DIR on loopback (with a throwaway key, so the upload page shows its form), visits each
page of `TOUR` in Debian's Chromium at 1280 and 390 px, writes NAME-WIDTH.png and prints every page
wider than its window. tests/test_web.py walks the same tour on the test knowledge base.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Callable

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps trying to reach Google on this closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WIDTHS = (1280, 390)
TOUR_KEY = "screenshot-tour-key-0123456789"
DRAFT = """# 机关事务管理 公共机构能源管理规范（草案）

杭州市地方标准

## 1 范围

本文件规定了杭州市公共机构能源管理的基本要求。

## 2 规范性引用文件

GB/T 2589—2008 综合能耗计算通则

## 3 基本要求

3.1 公共机构应当建立能源消费统计制度。

3.2 夏季室内空调温度设置不得低于24摄氏度。
"""


def _gap(page, base: str) -> None:
    draft = Path(tempfile.mkdtemp()) / "能源管理规范（草案）.md"
    draft.write_text(DRAFT, encoding="utf-8")
    page.goto(base + "/gap")
    page.set_input_files("input[name=file]", str(draft))
    page.get_by_role("button", name="分析").click()
    page.wait_for_selector("section.gap")


def _upload(page, base: str) -> None:
    page.goto(base + "/upload")
    if "/login" in page.url:
        page.get_by_label("访问密钥").fill(TOUR_KEY)
        page.get_by_role("button", name="进入").click()
        page.wait_for_url("**/upload")


def _goto(path: str) -> Callable:
    return lambda page, base: page.goto(base + path)


TOUR: dict[str, Callable] = {
    "home": _goto("/"),
    "search": _goto("/?q=公共机构夏季室内空调温度设置"),
    "ask": _goto("/ask?q=公务用车什么情况下可以更新？"),
    "ask-guide": _goto("/ask"),
    "version": _goto("/?q=2010年保守国家秘密法第二十条"),
    "review": _goto("/review?topic=公共机构节能"),
    "gap": _gap,
    "terms": _goto("/terms?term=公共机构"),
    "documents": _goto("/documents"),
    "document": _goto("/doc/法律/保守国家秘密法(2024-02-27).md?compare=法律/保守国家秘密法(2010-04-29).md"),
    "upload": _upload,
    "system": _goto("/system"),
    "train": _goto("/train?doc=公共机构节能条例&n=10"),
    "checklist": _goto("/checklist?doc=公共机构节能条例"),
}


def overflow(page) -> int:
    """How many pixels the page is wider than its window (0 when nothing scrolls sideways)."""
    return max(0, page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"])


def take(data_dir: Path, out: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    from api.settings import Settings
    from tests.servers import serve_in_thread

    out.mkdir(parents=True, exist_ok=True)
    server, thread, base = serve_in_thread(Settings(data_dir=data_dir, api_key=TOUR_KEY, rate_limit_per_minute=0))
    problems = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                for name, visit in TOUR.items():
                    visit(page, base)
                    page.wait_for_load_state("networkidle")
                    if extra := overflow(page):
                        problems.append(f"{name} at {width} px is {extra} px wider than the window")
                    page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=False)
                context.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    problems = take(args.data_dir, args.out)
    print("\n".join(problems) or f"no page scrolls sideways; screenshots in {args.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
