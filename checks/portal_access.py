"""Organisations with access to the agency's data that its public transparency portal does not list.

Portals show only what the agency chooses to publish; one city's listed about 90 organisations while its
records showed over 6,000 with access. Every partner that can search this agency's data and is missing
from the portal's list is a public statement the records contradict.
"""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, partner_evidence
from configscan.checks._names import name_key
from configscan.findings import Finding, Outcome, Severity

META = CheckMeta(
    id="records.portal_access",
    title="The transparency portal omits an organisation that has access",
    severity=Severity.medium,
    description="Compares the organisations the public transparency portal lists as having access with the "
    "partners the exports show can search this agency's data.",
    remediation="Publish the complete list of organisations with access on the transparency portal, or remove "
    "the access the portal does not disclose.",
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    portal = ctx.config.portal
    if portal is None or ctx.config.partners is None:
        return
    reaching = [(p, v) for p, v in ctx.partners if p.can_reach_us() is True]
    if not reaching:
        return
    if portal.organizations_with_access is None:
        yield Finding(check=META.id, severity=META.severity, outcome=Outcome.unverified,
                      title="Unverified: the portal does not list the organisations with access",
                      subject="portal.organizations_with_access",
                      evidence={"partners_with_access": len(reaching)}, remediation=META.remediation,
                      advisory=True)
        return
    published = {name_key(n) for n in portal.organizations_with_access}
    missing = [(p, v) for p, v in reaching if name_key(p.name) not in published]
    for partner, verdict in missing:
        evidence = partner_evidence(partner, verdict)
        evidence["portal_lists"] = len(portal.organizations_with_access)
        evidence["exports_show_with_access"] = len(reaching)
        yield Finding(check=META.id, severity=META.severity, outcome=Outcome.fail, title=META.title,
                      subject=partner.name, evidence=evidence, remediation=META.remediation, advisory=True)


check = Check(meta=META, func=run)
