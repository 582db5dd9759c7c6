"""JSON report: the ScanResult as machines consume it (stable field names, ISO dates)."""

from __future__ import annotations

from configscan.findings import ScanResult
from configscan.writers import Writer


def render(result: ScanResult) -> str:
    return result.model_dump_json(indent=2) + "\n"


writer = Writer(name="json", description="machine-readable JSON report", render=render)
