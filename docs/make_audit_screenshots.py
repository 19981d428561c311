"""Make the audit screenshots in docs/img/ (audit-*.png): ``python docs/make_audit_screenshots.py``.

Generated, never hand-made: ``psr-check audit`` over the bundled records corpus
(corpus/records/dev/records.csv), rendered by Debian's Chromium driven headless by Playwright.
Needs the test extra (``pip install -e ".[test]"``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "img"
RECORDS = REPO / "corpus" / "records" / "dev" / "records.csv"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> int:
    from playwright.sync_api import sync_playwright

    from psr_check.audit.run import AuditOptions, run_audit
    from psr_check.render.audit import render_audit
    from psr_check.settings import Settings

    output = run_audit(AuditOptions(records=str(RECORDS), group_by=["court", "team", "month"]), Settings())
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "audit.html"
        page_file.write_text(render_audit(output, "html"), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1200, "height": 1100})
            page.goto(page_file.as_uri())
            page.screenshot(path=str(OUT / "audit-summary.png"))
            page.locator("#by-court").scroll_into_view_if_needed()
            page.evaluate("document.getElementById('by-court').scrollIntoView()")
            page.screenshot(path=str(OUT / "audit-groups.png"))
            browser.close()
    print(f"wrote {OUT / 'audit-summary.png'} and {OUT / 'audit-groups.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
