"""The alert's content: one summary of a run's new findings, as JSON, Slack-compatible JSON, or mail text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from configscan.findings import Finding, ScanResult

_MAX_LISTED = 20


def headline(result: ScanResult, new: Sequence[Finding]) -> str:
    worst = max((f.severity for f in new), key=lambda s: s.rank).value if new else "none"
    return (f"configscan: {result.agency.get('name')}: {len(new)} new finding(s), worst {worst} "
            f"(law as of {result.as_of.isoformat()})")


def summary(result: ScanResult, new: Sequence[Finding], label: str | None) -> dict[str, Any]:
    """The plain JSON body: what a webhook consumer can act on without parsing prose."""
    return {
        "event": "configscan.new_findings",
        "agency": result.agency.get("name"),
        "scan": label,
        "run_id": result.run_id,
        "as_of": result.as_of.isoformat(),
        "verdict": result.summary.verdict,
        "counts": result.summary.counts,
        "new": [{"severity": f.severity.value, "outcome": f.outcome.value, "check": f.check, "rule": f.rule,
                 "title": f.title, "subject": f.subject, "fingerprint": f.fingerprint} for f in new],
    }


def lines(new: Sequence[Finding]) -> list[str]:
    shown = [f"- {f.severity.value.upper()} {f.outcome.value}: {f.title} ({_where(f)})" for f in new[:_MAX_LISTED]]
    if len(new) > _MAX_LISTED:
        shown.append(f"- ... and {len(new) - _MAX_LISTED} more (see the report)")
    return shown


def _where(finding: Finding) -> str:
    """The subject, and the rule when there is one: two rules broken by one setting are two lines."""
    return "; ".join(x for x in (finding.subject, finding.rule) if x)


def slack(result: ScanResult, new: Sequence[Finding]) -> dict[str, Any]:
    """Slack's incoming-webhook body (``text``); Mattermost, Teams workflows and others accept it too."""
    return {"text": "\n".join([headline(result, new), *lines(new)])}


def mail_text(result: ScanResult, new: Sequence[Finding], reports: Sequence[str]) -> str:
    body = [headline(result, new), "", *lines(new), ""]
    if reports:
        body += ["Reports:", *(f"  {r}" for r in reports), ""]
    body.append(result.disclaimer)
    return "\n".join(body) + "\n"
