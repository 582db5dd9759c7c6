"""1:1 or group links that let a federal organisation search this agency's data (the front door).

Eight Washington agencies shared 1:1 with U.S. Border Patrol in 2025; vendors label some federal
organisations "[Federal]" and not others, so the partner classifier decides, and says why.
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
        kind = verdict.category.value.replace("_", " ").capitalize()
        yield from link_findings(META, rules, partner, evidence, who="a federal organisation",
                                 title=f"{kind} organisation can search this agency's ALPR data")


check = Check(meta=META, func=run)
