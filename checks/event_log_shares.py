"""Shares the event log records that the sharing list does not show, and the reverse.

The event log says what administrators did; the sharing list what is in place. A 1:1 share created in the
log (and not removed since) that is missing from the list means the list released or exported is not the
whole truth; a share the log removed that the list still shows may never have been revoked; a share in the
list that the log never created, while the log covers its start date, was made outside the log's sight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta
from configscan.checks._names import name_key
from configscan.findings import Finding, Outcome, Severity
from configscan.model import Partner, ShareAction, SharingEvent, Status

META = CheckMeta(
    id="records.event_log_shares",
    title="The event log and the sharing list disagree about who has access",
    severity=Severity.medium,
    description="Compares 1:1 shares created or removed in the vendor's event log with the organisations "
    "on the sharing list; a share on one and not the other means one of the records is incomplete.",
    remediation="Ask the vendor or the agency's administrator for a current sharing export and the full event "
    "log, and reconcile every share; remove any share that has no approval on file.",
)


def _net_state(events: list[SharingEvent]) -> dict[str, SharingEvent]:
    """Per receiving organisation, the last create or remove event (in time order, file order for ties)."""
    latest: dict[str, SharingEvent] = {}
    ordered = sorted(enumerate(events), key=lambda p: (p[1].at or dt.datetime.max.replace(tzinfo=dt.UTC), p[0]))
    for _, event in ordered:
        if event.organization and event.action in (ShareAction.created, ShareAction.removed):
            latest[name_key(event.organization)] = event
    return latest


def _finding(subject: str, title: str, evidence: dict[str, object], outcome: Outcome = Outcome.fail) -> Finding:
    return Finding(check=META.id, severity=META.severity, outcome=outcome, title=title, subject=subject,
                   evidence=evidence, remediation=META.remediation, advisory=True)


def _event_evidence(event: SharingEvent) -> dict[str, object]:
    evidence: dict[str, object] = {"action": event.action.value, "organization": event.organization,
                                   "network": event.network, "actor": event.actor,
                                   "at": event.at.isoformat() if event.at else None}
    if event.provenance:
        evidence["source"] = event.provenance.label()
    return {k: v for k, v in evidence.items() if v is not None}


def run(ctx: CheckContext) -> Iterator[Finding]:
    events = ctx.config.sharing_events
    if not events:
        return
    shares = [e for e in events if e.organization]
    if not shares:
        return
    if ctx.config.partners is None:
        yield _finding("sharing_events", "Unverified: the event log records shares but no sharing list was given",
                       {"shares_in_log": len(shares)}, Outcome.unverified)
        return
    listed: dict[str, Partner] = {name_key(p.name): p for p in ctx.config.partners}
    latest = _net_state(shares)
    for key, event in latest.items():
        partner = listed.get(key)
        if event.action is ShareAction.created and partner is None:
            yield _finding(event.organization or key, "A share created in the event log is missing from the "
                           "sharing list", _event_evidence(event))
        elif event.action is ShareAction.removed and partner is not None and partner.status is not Status.revoked \
                and partner.can_reach_us() is not False:
            evidence = _event_evidence(event)
            if partner.provenance:
                evidence["listed_at"] = partner.provenance.label()
            yield _finding(partner.name, "A share removed in the event log is still on the sharing list", evidence)
    stamps = [e.at for e in events if e.at is not None]
    if not stamps:
        return
    start, end = min(stamps), max(stamps)
    for key, partner in listed.items():
        if key in latest or partner.can_reach_us() is not True or partner.since is None:
            continue
        since = partner.since if isinstance(partner.since, dt.datetime) else \
            dt.datetime.combine(partner.since, dt.time(), tzinfo=dt.UTC)
        since = since if since.tzinfo else since.replace(tzinfo=dt.UTC)
        if start.date() <= since.date() <= end.date():
            evidence: dict[str, object] = {"shared_since": partner.since.isoformat(),
                                           "log_covers": f"{start.date()} to {end.date()}"}
            if partner.provenance:
                evidence["source"] = partner.provenance.label()
            yield _finding(partner.name, "A share on the sharing list was never created in the event log",
                           evidence)


check = Check(meta=META, func=run)
