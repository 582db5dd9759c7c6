"""1:1 or group links that let a federal organisation search this agency's data (the front door).

Eight Washington agencies shared 1:1 with U.S. Border Patrol in 2025; vendors label some federal
organisations "[Federal]" and not others, so the partner classifier decides, and says why.
"""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, partner_evidence, unverified, violation
from configscan.findings import Finding, Severity
from configscan.jurisdictions.schema import RuleKind
from configscan.model import Status
from configscan.partners import Category

META = CheckMeta(
    id="partners.federal_link",
    title="A federal organisation can search this agency's ALPR data through a sharing link",
    severity=Severity.critical,
    description="A sharing link (1:1, group or network) that lets a federal organisation search this "
    "agency's cameras. Immigration components (CBP, Border Patrol, ICE, HSI) are the documented front door.",
    remediation="In the vendor's sharing screen (Flock: Admin > Sharing, 'Networks I'm Sharing') remove "
    "this organisation's access to every network, decline any pending request, and where the vendor has a "
    "federal-sharing toggle set it to disable all federal sharing.",
    rule_kinds=[RuleKind.forbid_federal_sharing, RuleKind.conditional_sharing, RuleKind.forbid_immigration_use],
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    sharing_rules = [r for r in ctx.rules.of_kind(RuleKind.forbid_federal_sharing, RuleKind.conditional_sharing)
                     if r.rule.params.get("applies_to", ["federal"]) != ["out_of_state"]]
    immigration_rules = ctx.rules.of_kind(RuleKind.forbid_immigration_use)
    for partner, verdict in ctx.partners:
        if not verdict.category.is_federal or partner.status is Status.revoked:
            continue
        rules = list(sharing_rules)
        if verdict.category is Category.federal_immigration:
            rules += immigration_rules
        if not rules:
            continue
        evidence = partner_evidence(partner, verdict)
        reach = partner.can_reach_us()
        if reach is None:
            yield unverified(META, subject=partner.name, applied=rules[0], evidence=evidence,
                             why="a federal organisation is linked but the export does not say who can search whom")
            continue
        if not reach:
            continue
        pending = partner.status is Status.pending
        for applied in rules:
            yield violation(
                META, applied, subject=partner.name, evidence=evidence,
                severity=Severity.medium if pending else None,
                title=("A federal organisation has a pending request to search this agency's data" if pending
                       else f"{verdict.category.value.replace('_', ' ').capitalize()} organisation can search "
                       "this agency's ALPR data"),
            )


check = Check(meta=META, func=run)
