"""Progress of a long audit, drawn only for a person at a terminal.

An audit log of millions of rows takes minutes; without a sign of life a person presses Ctrl-C. So on a
terminal (stderr a tty, not ``--quiet``, not ``--log-format json``) the audit shows its sources read out of the
total, the one being read, the time elapsed and DuckDB's own percentage for the query running. Off a terminal
(cron, systemd, a pipe, a test) nothing at all is drawn and the engine is left exactly as ``engine.connect``
set it. The command decides and passes an :class:`AuditProgress` down through ``ScanOptions`` to the audit;
rich and duckdb are imported only when something is drawn, never by the audit modules at import time.

DuckDB reports a query's progress only while its progress bar is enabled; ``engine.connect`` switches it off
(it would print into cron logs), so a terminal progress re-enables it with printing off and reads
``query_progress()`` from a polling thread, which DuckDB allows while the connection runs a query.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from configscan.textsafe import visible

POLL_SECONDS = 0.25  # how often the engine's percentage is read


class AuditProgress:
    """What an audit tells whoever watches it. This one shows nothing: what every run off a terminal gets."""

    def watch(self, con: Any) -> None:
        """Follow the engine's queries on this connection (until :meth:`unwatch`)."""

    def unwatch(self) -> None:
        """Stop following the connection (before it is closed)."""

    def sources(self, total: int) -> None:
        """The audit has ``total`` sources (files, sheets, archive members) to read."""

    def reading(self, label: str) -> None:
        """One source is being read."""

    def read(self) -> None:
        """That source is read."""

    def phase(self, text: str) -> None:
        """A step after the reading (grouping, classifying, findings)."""


def on_terminal(quiet: bool, log_format: str = "text", stream: TextIO | None = None) -> bool:
    """Progress only for a person: stderr is a terminal, not --quiet, not JSON logs."""
    out = stream if stream is not None else sys.stderr
    return not quiet and log_format == "text" and bool(getattr(out, "isatty", lambda: False)())


@contextmanager
def audit_progress(enabled: bool, stream: TextIO | None = None) -> Iterator[AuditProgress]:
    """A terminal progress display while the block runs (erased when it ends), or one that draws nothing."""
    if not enabled:
        yield AuditProgress()
        return
    display = _Terminal(stream if stream is not None else sys.stderr)
    try:
        yield display
    finally:
        display.close()


class _Terminal(AuditProgress):
    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[engine]}"), TimeElapsedColumn(),
                            console=Console(file=stream, stderr=True), transient=True)
        self.task = self.bar.add_task("audit: finding the sources", total=None, engine="")
        self.current = self.task  # the line the engine's percentage goes on: the sources, then the phase
        self.step: Any = None  # the phase line after the reading: a spinner and its own elapsed time
        self.stop = threading.Event()
        self.poller: threading.Thread | None = None
        self.bar.start()

    def watch(self, con: Any) -> None:
        con.execute("SET enable_progress_bar = true")  # progress is tracked only while the bar is enabled ...
        con.execute("SET enable_progress_bar_print = false")  # ... and never printed by DuckDB itself
        self.stop.clear()
        self.poller = threading.Thread(target=self._poll, args=(con,), name="configscan-progress", daemon=True)
        self.poller.start()

    def _poll(self, con: Any) -> None:
        import duckdb

        while not self.stop.wait(POLL_SECONDS):
            try:
                done = con.query_progress()
            except duckdb.Error:
                return  # the connection is going away: the percentage simply stops showing
            self.bar.update(self.current, engine=f"engine {done:.0f}%" if done >= 0 else "")

    def unwatch(self) -> None:
        self.stop.set()
        if self.poller is not None:
            self.poller.join()
            self.poller = None
        self.bar.update(self.current, engine="")

    def sources(self, total: int) -> None:
        self.bar.update(self.task, total=total, completed=0, description="audit: reading sources", refresh=True)

    def reading(self, label: str) -> None:
        name = label.rsplit("/", 1)[-1]  # the file (and sheet or member) alone: a full path would wrap the line
        self.bar.update(self.task, description=visible(f"audit: reading {name}"), refresh=True)

    def read(self) -> None:
        self.bar.advance(self.task)
        self.bar.refresh()  # drawn now, not at the next tick: a person sees every source, however fast

    def phase(self, text: str) -> None:
        self.bar.update(self.task, description="audit: sources read", engine="")
        if self.step is None:
            self.step = self.current = self.bar.add_task(f"audit: {text}", total=None, engine="")
        else:
            self.bar.update(self.step, description=f"audit: {text}")
        self.bar.refresh()

    def close(self) -> None:
        self.unwatch()
        self.bar.stop()
