"""CSV report: one row per rule hit (the JSON report's findings), for a spreadsheet or a tracker import.

Every text cell that a spreadsheet would run as a formula is neutralised with ``textsafe.neutralise_cell``
(the same defence the audit evidence CSV uses): partner names and subjects come from someone else's export.
"""

from __future__ import annotations

import csv
import io

from configscan.findings import ScanResult
from configscan.textsafe import neutralise_cell
from configscan.writers import Writer

from .locate import locate

COLUMNS = ("id", "severity", "outcome", "check", "subject", "rule", "citation", "layer", "fingerprint", "file",
           "row")


def render(result: ScanResult) -> str:
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\r\n")
    rows.writerow(COLUMNS)
    for number, f in enumerate(result.findings, start=1):
        file, row = locate(f, result)
        text = [f.severity.value, f.outcome.value, f.check, f.subject, f.rule or "", "; ".join(f.citations),
                f.layer or "", f.fingerprint, file or ""]
        rows.writerow([number, *(neutralise_cell(cell) for cell in text), row if row is not None else ""])
    return out.getvalue()


writer = Writer(name="csv", description="one row per finding (rule hit), formula cells neutralised", render=render)
