"""PDF report: the HTML report printed by headless Chromium (Debian's ``chromium`` package).

A browser is the only engine that prints the report exactly as people see it (CSS grid, inline SVG, the
print stylesheet's page-number margin boxes and repeated table headers) without a second layout engine to
maintain. Chromium is found as ``$CONFIGSCAN_CHROMIUM``, else ``chromium``, ``chromium-browser`` or
``google-chrome`` on PATH; when none is there the writer says what to install (exit 3, one line). The page
is loaded from a private temporary folder with networking, sync and extensions off, so printing makes no
request either.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from configscan import leftovers
from configscan.findings import ScanResult
from configscan.writers import Writer, WriterError

from . import html_report

CHROMIUM_ENV = "CONFIGSCAN_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_SECONDS = 120
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio", "--no-pdf-header-footer")


def find_chromium() -> str:
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        if shutil.which(configured):
            return configured
        raise WriterError(f"${CHROMIUM_ENV} names {configured!r}, which is not an executable program")
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise WriterError("the PDF report needs Chromium, which was not found: install it (Debian/Ubuntu: "
                      f"apt-get install chromium) or set ${CHROMIUM_ENV} to its path; the other reports "
                      "can be written without it")


def print_html(html: str, chromium: str | None = None) -> bytes:
    """``html`` printed to PDF by headless Chromium, from a fresh profile in a run-owned temporary folder."""
    program = chromium or find_chromium()
    with leftovers.work_directory("configscan-pdf-") as work:
        page, out = Path(work) / "report.html", Path(work) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        command = [program, *FLAGS, f"--user-data-dir={Path(work) / 'profile'}", f"--print-to-pdf={out}",
                   page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            raise WriterError(f"Chromium did not print the PDF within {TIMEOUT_SECONDS} s") from exc
        except OSError as exc:
            raise WriterError(f"Chromium ({program}) could not be started: {exc.strerror or exc}") from exc
        if not out.is_file() or out.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise WriterError(f"Chromium exited {done.returncode} without a PDF ({tail[0][:200]})")
        return out.read_bytes()


_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def page_count(pdf: bytes) -> int:
    """Pages in a PDF Chromium wrote (its page objects are not in compressed object streams)."""
    return len(_PAGE.findall(pdf))


def render(result: ScanResult) -> bytes:
    return print_html(html_report.render(result))


writer = Writer(name="pdf", description="the HTML report printed to PDF by headless Chromium", render=render)
