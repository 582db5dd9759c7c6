"""Exit codes that cron and CI rely on, and the decision between them."""

from __future__ import annotations

from configscan.findings import Outcome, ScanResult, Severity
from configscan.textsafe import visible

OK = 0  # scan complete, nothing at or above --fail-on
FINDINGS = 1  # findings (or unverified items) at or above --fail-on
INPUT_ERROR = 2  # usage or input error; no report written
INCOMPLETE = 3  # the scan could not see everything it needed


def exit_code(result: ScanResult, fail_on: Severity | None) -> int:
    if result.errors:
        return INCOMPLETE
    if fail_on is None:
        return OK
    for finding in result.findings:
        if finding.outcome in (Outcome.fail, Outcome.unverified) and finding.severity.rank >= fail_on.rank:
            return FINDINGS
    return OK


def summary_line(result: ScanResult) -> str:
    """One line for stderr and cron logs; the agency name comes from the export, so it is escaped (textsafe)."""
    counts = ", ".join(f"{n} {sev}" for sev, n in result.summary.counts.items())
    packs = "+".join(j.id for j in result.jurisdictions)
    return visible(f"configscan: {result.agency.get('name')}: {result.summary.verdict.upper()} -- {counts}; "
                   f"{result.summary.unverified} unverified; {result.summary.upcoming} upcoming "
                   f"[{packs}, law as of {result.as_of.isoformat()}]")
