"""The vendor's "disable all federal sharing" toggle left open where federal sharing is barred."""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, violation
from configscan.findings import Finding, Severity
from configscan.jurisdictions.schema import RuleKind

META = CheckMeta(
    id="sharing.federal_toggle",
    title="Federal sharing is not disabled in the vendor's settings",
    severity=Severity.medium,
    description="The vendor offers a switch that blocks every federal organisation; leaving it off lets "
    "federal organisations request 1:1 access that one click can grant.",
    remediation="In the vendor's sharing settings (Flock: Admin > Sharing) turn on the option that "
    "disables all federal sharing.",
    rule_kinds=[RuleKind.forbid_federal_sharing],
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    sharing = ctx.config.sharing
    if sharing is None or sharing.federal_sharing_disabled is not False:
        return  # None: the vendor has no such toggle (or the export omits it) -- other checks cover access
    for applied in ctx.rules.of_kind(RuleKind.forbid_federal_sharing):
        yield violation(META, applied, subject="sharing.federal_sharing_disabled",
                        evidence={"sharing.federal_sharing_disabled": False})


check = Check(meta=META, func=run)
