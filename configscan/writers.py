"""The writer contract: a writer renders a ScanResult to text; output is always written atomically.

The path ``-`` means standard output (``--json - | jq``): the report is the only thing printed there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from configscan.atomic import write_atomic
from configscan.findings import ScanResult

STDOUT = "-"


@dataclass(frozen=True)
class Writer:
    name: str
    description: str
    render: Callable[[ScanResult], str]

    def write(self, result: ScanResult, path: Path) -> None:
        text = self.render(result)
        if str(path) == STDOUT:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
            return
        write_atomic(path, text)
