"""User accounts held by federal staff inside the agency's own login (task-force side door)."""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, violation
from configscan.findings import Finding, Severity
from configscan.jurisdictions.schema import RuleKind
from configscan.partners import Category

META = CheckMeta(
    id="users.federal_accounts",
    title="A federal e-mail account has a login in this agency's ALPR system",
    severity=Severity.high,
    description="Users with federal e-mail domains (dhs.gov, ice.dhs.gov, cbp.dhs.gov, fbi.gov, ...) "
    "search as this agency, so their federal use never shows as a federal organisation.",
    remediation="In the vendor's user management (Flock: Admin > Users) disable this account or confirm in "
    "writing that it is held for a lawful local purpose; task-force officers should use a local account "
    "bound by local policy.",
    rule_kinds=[RuleKind.forbid_federal_sharing, RuleKind.forbid_immigration_use],
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    federal = ctx.rules.of_kind(RuleKind.forbid_federal_sharing)
    immigration = ctx.rules.of_kind(RuleKind.forbid_immigration_use)
    for user, verdict in ctx.users:
        if verdict is None or not verdict.category.is_federal:
            continue
        rules = federal + (immigration if verdict.category is Category.federal_immigration else [])
        evidence = {"email": user.email, "role": user.role, "name": user.name,
                    "category": verdict.category.value, "classified_because": verdict.reasons}
        for applied in rules:
            yield violation(META, applied, subject=user.email or user.name or "user",
                            evidence={k: v for k, v in evidence.items() if v is not None})


check = Check(meta=META, func=run)
