"""What unattended runs print on stderr: plain lines, or one JSON object per event (``--log-format json``).

Plain lines are the ones a person reads in a cron mail; JSON events are for journald, Loki or a SIEM. Every
line is one line, escaped for the terminal (``textsafe.visible``): agency and partner names come from the
exports. ``--quiet`` keeps only what needs someone's attention: errors, warnings (expired and stale waivers,
failed alerts) and new findings. Progress bars (rich) are drawn only when stderr is a terminal; under cron,
systemd or a pipe there is no colour, no cursor movement and no progress.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

from configscan.textsafe import visible

FORMATS = ("text", "json")
_ATTENTION = frozenset({"error", "warning", "new"})


@dataclass
class Log:
    fmt: str = "text"
    quiet: bool = False
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    _console: Any = None  # while a progress bar is drawn, lines go through its console (above the bar)

    def event(self, kind: str, message: str, **fields: Any) -> None:
        """``kind``: info | summary | new | warning | error | alert. Quiet keeps error, warning and new."""
        if self.quiet and kind not in _ATTENTION:
            return
        if self.fmt == "json":
            record = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "event": kind,
                      "message": message, **fields}
            self.stream.write(json.dumps(record, default=str, ensure_ascii=True) + "\n")
        else:
            prefix = {"error": "error: ", "warning": "warning: ", "new": "NEW "}.get(kind, "")
            scan = fields.get("scan")
            line = visible(f"configscan: {f'{scan}: ' if scan else ''}{prefix}{message}")
            if self._console is not None:
                self._console.print(line, markup=False, highlight=False, soft_wrap=True)
                return
            self.stream.write(line + "\n")
        self.stream.flush()

    def on_terminal(self) -> bool:
        return self.fmt == "text" and not self.quiet and bool(getattr(self.stream, "isatty", lambda: False)())

    @contextmanager
    def progress(self, labels: Sequence[str]) -> Iterator[Any]:
        """A rich progress bar over the scans when stderr is a terminal; otherwise nothing is drawn."""
        if not self.on_terminal() or not labels:
            yield _NoProgress()
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream, stderr=True)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            self._console = console
            try:
                yield _Progress(bar, bar.add_task("scanning", total=len(labels)))
            finally:
                self._console = None


class _NoProgress:
    def step(self, label: str) -> None:
        """Off a terminal: nothing drawn."""

    def advance(self) -> None:
        """Off a terminal: nothing drawn."""


class _Progress:
    def __init__(self, bar: Any, task: Any) -> None:
        self.bar, self.task = bar, task

    def step(self, label: str) -> None:
        self.bar.update(self.task, description=visible(f"scanning {label}"))

    def advance(self) -> None:
        self.bar.advance(self.task)
