"""Owner pages rendered in worker processes while the run judges the next owners.

A national corpus has thousands of owners, and rendering their pages was about half of a run (2 M searches:
37 s of 78 s), all of it on the one core the findings also need. Rendering a page needs nothing but the
owner's findings and the run's figures, so on a machine with a spare core it is done beside the findings.

Each page is pickled the moment it is handed over (the caller lets the owner's findings go at once) and
rendered and written by a worker. At most ``_IN_FLIGHT`` pages wait at a time, so memory stays bounded when
the workers fall behind. Every page's outcome is collected before the pages are published. A page that raised,
or a worker that died, raises here, and the run fails as it would with a page rendered in-process. Workers
are spawned, not forked: the parent holds the engine's threads, which a fork would copy mid-lock.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

_IN_FLIGHT = 256  # pages handed over and not yet written, at most: bounded memory (a pickled page is tens of KB),
# yet enough that the run need not wait for the workers while it reads the next owners' facts in the engine
MAX_WORKERS = 3

# The worker's run: set once per worker process by ``_start`` (the pool's initializer), so the run's figures,
# the same on every page, cross the process boundary once, not once per page.
_worker: dict[str, Any] = {}


def spare_cores() -> int:
    """Cores beyond the one the run itself uses (the ones this process may run on, where the OS says)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, MAX_WORKERS))


class PagePool:
    """Pages rendered by ``workers`` spawned processes into ``staging``: ``render(page, run, packs) -> str``
    is the page's text (a module-level function, as the workers import it by name)."""

    def __init__(self, staging: Path, run: Any, workers: int, render: Callable[..., str]) -> None:
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start, initargs=(staging, run, render))
        self._pending: deque[Future[None]] = deque()

    def submit(self, slug: str, page: Any) -> None:
        """Hand a page over (pickled now: the caller may change the page's owner as soon as this returns);
        waits for the oldest page when too many are pending, and raises its error if it failed."""
        try:
            self._pending.append(self._pool.submit(_render_one, slug, pickle.dumps(page, pickle.HIGHEST_PROTOCOL)))
        except BrokenProcessPool as exc:  # a worker died before this page: say so, not the pool's words
            raise _died() from exc
        while len(self._pending) > _IN_FLIGHT:
            self._oldest()

    def finish(self) -> None:
        """Every page written, or the first failure raised."""
        while self._pending:
            self._oldest()
        self._pool.shutdown(wait=True)

    def _oldest(self) -> None:
        try:
            self._pending.popleft().result()
        except BrokenProcessPool as exc:
            raise _died() from exc

    def close(self) -> None:
        """Stop: pages not yet started are dropped, the workers are waited for (none writes after this)."""
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)


def _died() -> RuntimeError:
    return RuntimeError("a process rendering the owner pages stopped (killed, or out of memory); "
                        "no page of this run was published")


def _start(staging: Path, run: Any, render: Callable[..., str]) -> None:
    # Ctrl-C reaches the whole process group: the run decides what it means and stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker.update(staging=staging, run=run, render=render, packs={})


def _render_one(slug: str, blob: bytes) -> None:
    page = pickle.loads(blob)
    text = _worker["render"](page, _worker["run"], _worker["packs"])
    write_page(_worker["staging"] / f"{slug}.html", text)


def write_page(path: Path, text: str) -> None:
    """A page, on disk before it is published (the staging folder replaces ``owners/`` by a rename)."""
    with path.open("wb") as handle:
        handle.write(text.encode("utf-8"))
        os.fsync(handle.fileno())
