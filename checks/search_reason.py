"""Searches without a required, logged purpose: the audit trail the law relies on does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, unverified, violation
from configscan.findings import Finding, Severity
from configscan.jurisdictions.schema import RuleKind

META = CheckMeta(
    id="search.reason_required",
    title="Searches can run without a logged reason where the law requires one",
    severity=Severity.high,
    description="The law requires each search to record its purpose (and often a case number); the "
    "export shows the reason field is optional.",
    remediation="Make the search reason (and case number) mandatory in the vendor's search settings "
    "(Flock: Admin > Settings > Search Reason Required), choosing an offense type for each search.",
    rule_kinds=[RuleKind.require_search_purpose],
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    rules = ctx.rules.of_kind(RuleKind.require_search_purpose)
    if not rules:
        return
    value = ctx.config.search_reason_required
    if value is None:
        yield unverified(META, subject="search_reason_required", applied=rules[0],
                         why="the export does not say whether a search reason is required")
        return
    if value:
        return
    for applied in rules:
        yield violation(META, applied, subject="search_reason_required",
                        evidence={"search_reason_required": False})


check = Check(meta=META, func=run)
