"""Where a finding came from, as a file and row, for the formats that point at lines (CSV, SARIF).

Checks record provenance in the evidence as a label (``sharing.csv, row 12, column 'Name'``); audit findings
carry sample searches with their file and row; findings about the whole configuration have none and point at
the export itself (or the audit log) when the scan read exactly one.
"""

from __future__ import annotations

import re

from configscan.findings import Finding, ScanResult

_LABEL = re.compile(r"^(?P<file>.+?)(?:, sheet [^,]+)?, row (?P<row>\d+)\b")
_KEYS = ("source", "listed_at")


def locate(finding: Finding, result: ScanResult) -> tuple[str | None, int | None]:
    samples = finding.evidence.get("sample_rows")
    if isinstance(samples, list) and samples and isinstance(samples[0], dict) and samples[0].get("file"):
        row = samples[0].get("row")  # an audit finding: its first sample search, as the log numbers it
        return str(samples[0]["file"]), row if isinstance(row, int) else None
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
    if finding.check.startswith("audit.") and result.audit is not None and len(result.audit.files) == 1:
        return result.audit.files[0].label, None  # an audit finding about the one log read
    return None, None
