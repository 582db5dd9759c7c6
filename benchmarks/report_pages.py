"""Printed page counts and screenshots of the example reports (docs/reports.md, docs/screenshots/).

Run from the repository root with Debian's Chromium installed: ``python3 benchmarks/report_pages.py``. Every
bundled example and the real Eugene list (alone and with its audit log) is scanned, printed to PDF (US
Letter, the report's print stylesheet) and its pages counted; with ``--shots`` the first screens at 1280 and
360 px and a few sections are saved as PNG.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import Browser, chromium  # noqa: E402

from configscan.reports.pdf_report import page_count  # noqa: E402

from conftest import EXAMPLES, run_cli  # noqa: E402

EUGENE = Path("tests/data/real/eugene-or")  # relative, so the reports name files as a user would
EUGENE_ARGS = (EUGENE / "sharing-list.csv", "--agency-name", "Eugene Police Department", "--agency-state", "OR")
SHOTS = ROOT / "docs" / "screenshots"


def main(shots: bool) -> None:
    program = chromium()
    if program is None:
        raise SystemExit("install Chromium first (apt-get install chromium)")
    work = Path(tempfile.mkdtemp(prefix="configscan-pages-"))
    reports: dict[str, Path] = {}
    os.chdir(ROOT)
    for example in sorted(EXAMPLES.relative_to(ROOT).glob("*.*")):
        if not example.name.startswith("policy-"):
            reports[example.stem] = work / f"{example.stem}.html"
            run_cli("scan", example, "--html", reports[example.stem])
    reports["eugene"] = work / "eugene.html"
    run_cli("scan", *EUGENE_ARGS, "--html", reports["eugene"])
    reports["eugene-audit"] = work / "eugene-audit.html"
    run_cli("scan", *EUGENE_ARGS, "--audit", EUGENE / "portal-search-audit.csv", "--html", reports["eugene-audit"])
    browser = Browser(program)
    try:
        for name, path in reports.items():
            browser.open(path, 1280, 800)
            print(f"{name:<22} {page_count(browser.pdf()):>3} pages")
        if shots:
            SHOTS.mkdir(parents=True, exist_ok=True)
            views = (("pinecrest-ca", 1280, None), ("pinecrest-ca", 360, None), ("eugene", 1280, "#findings"),
                     ("pinecrest-ca", 1280, "#renew"), ("eugene-audit", 1280, "#audit-charts"))
            for name, width, anchor in views:
                browser.open(reports[name], width, 800)
                if anchor:
                    browser.eval(f"document.querySelector('{anchor}').scrollIntoView()")
                suffix = f"-{anchor.lstrip('#')}" if anchor else ""
                browser.screenshot(SHOTS / f"{name}-{width}{suffix}.png")
    finally:
        browser.close()


if __name__ == "__main__":
    main("--shots" in sys.argv)
