"""The writer contract: a writer renders a ScanResult to text (or, for binary formats such as PDF, bytes);
output is always written atomically.

The path ``-`` means standard output (``--json - | jq``): the report is the only thing printed there.
A writer that cannot produce its format (a missing external program) raises :class:`WriterError` with one
sentence saying what to install; any other exception from a writer is a bug in that plugin. Either way the
run exits 3 with one line (``clikit.write_reports``), never a traceback and never 1 ("findings").
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from configscan.atomic import write_atomic
from configscan.findings import ScanResult

STDOUT = "-"


class WriterError(Exception):
    """A writer could not produce its report; the message is one sentence for the user."""


@dataclass(frozen=True)
class Writer:
    name: str
    description: str
    render: Callable[[ScanResult], str | bytes]

    def write(self, result: ScanResult, path: Path) -> None:
        data = self.render(result)
        if str(path) == STDOUT:
            if isinstance(data, bytes):
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
            else:
                sys.stdout.write(data if data.endswith("\n") else data + "\n")
            sys.stdout.flush()
            return
        write_atomic(path, data)
