"""Private organisations (HOAs, retailers, insurers' bureaus, property managers) with access to the data.

Some states limit ALPR data to law enforcement or forbid selling or sharing it outside lawful purposes;
elsewhere the advisory baseline flags the risk. Only links that let the private party search this
agency's data count: private cameras feeding the agency are a different question.
"""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, partner_evidence
from configscan.checks._links import link_findings
from configscan.findings import Finding, Severity
from configscan.jurisdictions.schema import RuleKind
from configscan.model import Status
from configscan.partners import Category

META = CheckMeta(
    id="partners.private_access",
    title="A private organisation can search this agency's ALPR data",
    severity=Severity.high,
    description="A sharing link that lets a business, homeowners' association or other private body search "
    "this agency's cameras, outside the public accountability that binds law enforcement.",
    remediation="In the vendor's sharing screen remove the private organisation's access to this agency's "
    "networks; keep only inbound shares (their cameras visible to the agency) if policy allows them.",
    rule_kinds=[RuleKind.restrict_private_sharing],
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    rules = ctx.rules.of_kind(*META.rule_kinds)
    if not rules:
        return
    for partner, verdict in ctx.partners:
        if verdict.category is not Category.private or partner.status is Status.revoked:
            continue
        evidence = partner_evidence(partner, verdict)
        yield from link_findings(META, rules, partner, evidence, who="a private organisation")


check = Check(meta=META, func=run)
