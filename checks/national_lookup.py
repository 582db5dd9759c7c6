"""National lookup: a reciprocal pool that lets agencies in every state search our cameras.

Documented back door: out-of-state officers ran thousands of immigration-labelled lookups through it, and
vendors have re-enabled it without the agency acting -- so any network with it on counts.
"""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, unverified, violation
from configscan.checks._sharing import setting_state
from configscan.findings import Finding, Severity
from configscan.jurisdictions.schema import RuleKind

META = CheckMeta(
    id="sharing.national_lookup",
    title="National lookup lets out-of-state and federal users search this agency's cameras",
    severity=Severity.critical,
    description="National lookup is reciprocal: turning it on lets participating agencies nationwide run "
    "plate lookups against this agency's cameras, with no per-agency approval or written declaration.",
    remediation="In the vendor's admin settings (Flock: Admin > Sharing > National Lookup) turn National "
    "Lookup off for every network and camera, then export the settings again to confirm it stayed off.",
    rule_kinds=[RuleKind.forbid_federal_sharing, RuleKind.forbid_out_of_state_sharing,
                RuleKind.out_of_state_requires_declaration, RuleKind.conditional_sharing],
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    rules = ctx.rules.of_kind(*META.rule_kinds)
    if not rules:
        return
    value, networks = setting_state(ctx.config.sharing, "national_lookup")
    if value is None:
        yield unverified(META, subject="sharing.national_lookup", applied=rules[0],
                         why="the export does not say whether national lookup is on",
                         evidence={"sharing.national_lookup": None})
        return
    if not value:
        return
    evidence: dict[str, object] = {"sharing.national_lookup": True}
    if networks:
        evidence["networks with national lookup on"] = networks
    for applied in rules:
        yield violation(META, applied, subject="sharing.national_lookup", evidence=evidence)


check = Check(meta=META, func=run)
