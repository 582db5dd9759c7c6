"""Links that let an out-of-state organisation search this agency's data.

Where the law allows out-of-state sharing only after a written declaration, the export's
``written_declaration`` decides; when it is absent the finding is unverified, not passed.
"""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, partner_evidence, unverified, violation
from configscan.findings import Finding, Severity
from configscan.jurisdictions.schema import RuleKind
from configscan.model import Status
from configscan.partners import Category

META = CheckMeta(
    id="partners.out_of_state_link",
    title="An out-of-state organisation can search this agency's ALPR data",
    severity=Severity.high,
    description="A sharing link that lets an agency or organisation from another state search this "
    "agency's cameras, where the law forbids it or requires a written declaration first.",
    remediation="In the vendor's sharing screen remove this organisation's access to every network; where "
    "the law allows it with a written declaration, obtain and file the declaration before re-sharing.",
    rule_kinds=[RuleKind.forbid_out_of_state_sharing, RuleKind.out_of_state_requires_declaration,
                RuleKind.conditional_sharing],
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    rules = [r for r in ctx.rules.of_kind(*META.rule_kinds)
             if r.rule.params.get("applies_to", ["out_of_state"]) != ["federal"]]
    if not rules:
        return
    for partner, verdict in ctx.partners:
        if verdict.category.is_federal or verdict.category is Category.unknown:
            continue  # federal links and unknown partners have checks of their own
        if partner.status is Status.revoked or partner.can_reach_us() is False:
            continue
        evidence = partner_evidence(partner, verdict)
        if verdict.out_of_state is None:
            yield unverified(META, subject=partner.name, applied=rules[0], evidence=evidence,
                             why="the partner's state could not be established")
            continue
        if not verdict.out_of_state:
            continue
        if partner.can_reach_us() is None:
            yield unverified(META, subject=partner.name, applied=rules[0], evidence=evidence,
                             why="an out-of-state partner is linked but the export does not give the direction")
            continue
        for applied in rules:
            if applied.rule.kind is RuleKind.out_of_state_requires_declaration:
                allowed = [s.upper() for s in applied.rule.params.get("allowed_states", [])]
                state = verdict.state or partner.state
                if not allowed or (state and state.upper() in allowed):
                    if partner.written_declaration is True:
                        continue
                    if partner.written_declaration is None:
                        yield unverified(META, subject=partner.name, applied=applied, evidence=evidence,
                                         why="no record of the written declaration the law requires")
                        continue
            yield violation(META, applied, subject=partner.name, evidence=evidence)


check = Check(meta=META, func=run)
