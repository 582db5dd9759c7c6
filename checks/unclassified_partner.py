"""A partner nobody could identify is a partner that might be federal: unverified, never passed."""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, partner_evidence, unverified
from configscan.findings import Finding, Severity
from configscan.model import Status
from configscan.partners import Category

META = CheckMeta(
    id="partners.unclassified",
    title="Unverified partner: confirm who this organisation is",
    severity=Severity.high,
    description="configscan could not tell whether this organisation is federal, out of state, private "
    "or local, so it cannot say whether its access is lawful.",
    remediation="Confirm who the organisation is (its ORI, agency type and state), then re-run with a "
    "directory CSV row for it (--directory) or remove its access.",
)


def run(ctx: CheckContext) -> Iterator[Finding]:
    for partner, verdict in ctx.partners:
        if verdict.category is not Category.unknown or partner.status is Status.revoked:
            continue
        finding = unverified(META, subject=partner.name, evidence=partner_evidence(partner, verdict),
                             why="partner could not be classified")
        if partner.can_reach_us() is False:  # we search theirs; they cannot reach our data
            finding = finding.model_copy(update={"severity": Severity.medium})
        yield finding


check = Check(meta=META, func=run)
