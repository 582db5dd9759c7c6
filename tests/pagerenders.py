"""Page renderers for worker processes in tests: one that fails, one whose worker dies, one that records the
worker's process ID and then takes its time (so a test can signal a run while a worker is mid-page). Top-level
and in their own module: workers import them by name (``tests`` is on their path as on the test run's)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from configscan.corpus import html

_REAL_RENDER = html.render_owner


def raises_for_portland(page: Any, run: Any, packs: Any = None) -> str:
    if page.owner.agency == "Portland Police Bureau":
        raise OSError(28, "No space left on device")
    return _REAL_RENDER(page, run, packs)


def dies_for_portland(page: Any, run: Any, packs: Any = None) -> str:
    if page.owner.agency == "Portland Police Bureau":
        os._exit(9)  # as the kernel's out-of-memory killer would leave it: no exception, no cleanup
    return _REAL_RENDER(page, run, packs)


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
