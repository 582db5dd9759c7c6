"""A page renderer for worker processes in tests: it records the worker's process ID, then takes its time, so
a test can signal a run while a worker is mid-page. Top-level and in its own module: workers import it by
name (``tests`` is on their path as on the test run's)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from configscan.corpus import html

_REAL_RENDER = html.render_owner


def slow_render(page: Any, run: Any, packs: Any = None) -> str:
    marker = Path(os.environ["CONFIGSCAN_TEST_PAGE_STARTED"])
    marker.write_text(str(os.getpid()))
    time.sleep(1.5)
    return _REAL_RENDER(page, run, packs)


def main() -> None:
    """``configscan`` with every page rendered, slowly, by one worker."""
    from configscan.cli import main as cli_main
    from configscan.corpus import pagework

    html.INLINE_PAGES = 0
    html.render_owner = slow_render
    pagework.spare_cores = lambda: 1
    cli_main()


if __name__ == "__main__":
    main()
