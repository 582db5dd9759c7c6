"""The writer contract: a writer renders a ScanResult to text; output is always written atomically."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from configscan.atomic import write_atomic
from configscan.findings import ScanResult


@dataclass(frozen=True)
class Writer:
    name: str
    description: str
    render: Callable[[ScanResult], str]

    def write(self, result: ScanResult, path: Path) -> None:
        write_atomic(path, self.render(result))
