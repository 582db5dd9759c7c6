"""Links to multi-agency bodies (HIDTAs, JTTFs, fusion centres, task forces) that can seat federal officers.

Such a body logs in as one organisation, but its members can include DEA, FBI, HSI or CBP officers, so a
share with it can put federal users behind a non-federal login. Federal participation is possible, not
proven: the finding says so, and is evaluated only under rules that forbid federal sharing.
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
    id="partners.multi_agency_link",
    title="A multi-agency body that can include federal officers can search this agency's ALPR data",
    severity=Severity.high,
    description="A sharing link to a HIDTA, joint terrorism task force, fusion centre or task force. These "
    "bodies commonly include federal agents, who then search through the body's login rather than as a "
    "federal organisation.",
    remediation="Ask the body in writing which agencies' staff hold its logins; remove its access in the "
    "vendor's sharing screen unless it confirms that no federal personnel can search, and record that answer.",
    rule_kinds=[RuleKind.forbid_federal_sharing, RuleKind.conditional_sharing],
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    rules = [r for r in ctx.rules.of_kind(*META.rule_kinds)
             if r.rule.params.get("applies_to", ["federal"]) != ["out_of_state"]]
    if not rules:
        return
    for partner, verdict in ctx.partners:
        if verdict.category is not Category.multi_agency or partner.status is Status.revoked:
            continue
        evidence = partner_evidence(partner, verdict)
        evidence["federal participation"] = "possible (multi-agency body); not shown by the export"
        yield from link_findings(META, rules, partner, evidence, who="a multi-agency body")


check = Check(meta=META, func=run)
