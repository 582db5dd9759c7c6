"""Where a finding came from, as a file and row, for the formats that point at lines (CSV, SARIF).

Checks record provenance in the evidence as a label (``sharing.csv, row 12, column 'Name'``); findings about
the whole configuration have none and point at the export itself when the scan read exactly one file.
"""

from __future__ import annotations

import re

from configscan.findings import Finding, ScanResult

_LABEL = re.compile(r"^(?P<file>.+?)(?:, sheet [^,]+)?, row (?P<row>\d+)\b")
_KEYS = ("source", "listed_at")


def locate(finding: Finding, result: ScanResult) -> tuple[str | None, int | None]:
    for key in _KEYS:
        value = finding.evidence.get(key)
        if isinstance(value, str):
            match = _LABEL.match(value)
            if match:
                return match["file"], int(match["row"])
            if any(value == i.path for i in result.inputs):
                return value, None
    if len(result.inputs) == 1:
        return result.inputs[0].path, None
    return None, None
