"""Retention longer than the law allows (limits kept in the statute's own unit: P21D, PT3M, P30M)."""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, unverified, violation
from configscan.findings import Finding, Severity
from configscan.jurisdictions.schema import RuleKind, duration_days

META = CheckMeta(
    id="retention.max",
    title="ALPR data is kept longer than the law allows",
    severity=Severity.high,
    description="The configured retention of non-hit plate reads exceeds the jurisdiction's maximum.",
    remediation="In the vendor's retention setting (Flock: Admin > Settings > Data Retention) lower "
    "retention to the limit shown or less; records needed as evidence are preserved separately.",
    rule_kinds=[RuleKind.max_retention],
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    rules = ctx.rules.of_kind(RuleKind.max_retention)
    if not rules:
        return
    days = ctx.config.retention_days
    if days is None:
        yield unverified(META, subject="retention_days", applied=rules[0],
                         why="the export does not give the retention period")
        return
    for applied in rules:
        limit = applied.rule.max_retention or "P0D"
        if days > duration_days(limit) + 1e-9:
            yield violation(
                META, applied, subject="retention_days",
                title=f"ALPR data is kept {days:g} days; the limit is {limit}",
                evidence={"retention_days": days, "limit": limit,
                          "limit_in_days": round(duration_days(limit), 4),
                          "scope": applied.rule.params.get("scope")},
            )


check = Check(meta=META, func=run)
