"""Make the screenshots of the web page in docs/img/ (serve-*.png): ``python docs/make_screenshots.py``.

Generated, never hand-made: the real server (``create_app`` over a Linter, uvicorn on a free
loopback port) and Debian's Chromium driven headless by Playwright (``/usr/bin/chromium``; no
browser download), showing a bundled example draft, corpus/examples/oral-record-da.txt. Run it
again whenever the page changes. Needs the test extra (``pip install -e ".[test]"``).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "img"
EXAMPLE = REPO / "corpus" / "examples" / "oral-record-da.txt"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> int:
    from playwright.sync_api import sync_playwright

    from psr_check.lint import Linter
    from psr_check.web import create_app
    from psr_check.web.server import BackgroundServer

    OUT.mkdir(parents=True, exist_ok=True)
    with BackgroundServer(create_app(Linter())) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1000, "height": 760})
        page.goto(server.url)
        page.fill("#text", EXAMPLE.read_text(encoding="utf-8"))
        page.select_option("#region", "North West")
        page.select_option("#report_type", "oral")
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        page.screenshot(path=str(OUT / "serve-form.png"))
        page.click("#check")
        page.wait_for_selector("#summary-headline")
        page.evaluate("document.activeElement.blur()")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(OUT / "serve-results.png"))
        page.locator("section.report").screenshot(path=str(OUT / "serve-text.png"))
        browser.close()
    for name in ("serve-form.png", "serve-results.png", "serve-text.png"):
        print(OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
