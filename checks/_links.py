"""The shared shape of "this kind of partner can search our data": reach unknown, reach, pending request."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from configscan.checkapi import CheckMeta, unverified, violation
from configscan.findings import Finding, Severity
from configscan.jurisdictions.loader import AppliedRule
from configscan.model import Partner, Status


def link_findings(meta: CheckMeta, rules: Sequence[AppliedRule], partner: Partner, evidence: dict[str, Any],
                  *, who: str, title: str | None = None) -> Iterator[Finding]:
    """Findings for one link to a partner of a kind the rules restrict (``who``: "a private organisation").

    Direction unknown is unverified (never passed); inbound-only links do not open our data; a pending
    request is reported at medium so it is declined before anyone accepts it.
    """
    reach = partner.can_reach_us()
    if reach is None:
        yield unverified(meta, subject=partner.name, applied=rules[0], evidence=evidence,
                         why=f"{who} is linked but the export does not say who can search whom")
        return
    if not reach:
        return
    pending = partner.status is Status.pending
    for applied in rules:
        yield violation(meta, applied, subject=partner.name, evidence=evidence,
                        severity=Severity.medium if pending else None,
                        title=(f"{who[0].upper()}{who[1:]} has a pending request to search this agency's data"
                               if pending else title))
