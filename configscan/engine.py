"""Runs checks against the rules: in-force rules give findings, enacted-but-future rules give upcoming ones.

A check that raises becomes an *unverified* finding carrying the error, and the run is marked incomplete
(exit 3) -- a crashed check must never look like a passed one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from configscan.checkapi import Check, CheckContext
from configscan.findings import Finding, Outcome, Severity
from configscan.jurisdictions.layers import RuleSet
from configscan.jurisdictions.loader import UPCOMING_WINDOW_DAYS
from configscan.jurisdictions.schema import RuleKind

# What an unverified finding without a rule (an unidentified partner, an unplaced searcher) could hide when its
# check names no rule kinds: a sharing breach of one of these kinds.
SHARING_KINDS = (RuleKind.forbid_federal_sharing, RuleKind.forbid_out_of_state_sharing, RuleKind.conditional_sharing,
                 RuleKind.out_of_state_requires_declaration, RuleKind.restrict_private_sharing,
                 RuleKind.forbid_immigration_use)


@dataclass
class EngineResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    checks_run: list[str] = field(default_factory=list)


def _run_one(check: Check, ctx: CheckContext) -> tuple[list[Finding], str | None]:
    try:
        return list(check.run(ctx)), None
    except Exception as exc:  # noqa: BLE001 - converted into an unverified finding and an exit-3 error
        error = f"check {check.meta.id} raised {type(exc).__name__}: {exc}"
        finding = Finding(
            check=check.meta.id,
            severity=Severity.high,
            outcome=Outcome.unverified,
            title=f"Unverified: the check {check.meta.id} failed to run",
            subject=check.meta.title,
            evidence={"error": f"{type(exc).__name__}: {exc}"},
            remediation="Report this to the check's maintainer; until fixed, review this area by hand.",
        )
        return [finding], error


def run_checks(checks: Sequence[Check], ctx: CheckContext) -> EngineResult:
    result = EngineResult()
    upcoming_ctx = CheckContext(
        config=ctx.config, rules=ctx.rules.upcoming_only(), partners=ctx.partners, users=ctx.users
    )
    for check in checks:
        result.checks_run.append(check.meta.id)
        findings, error = _run_one(check, ctx)
        if not error:  # a crashed check stays high: it could hide anything
            findings = [cap_unverified(f, check.meta.rule_kinds, ctx.rules) for f in findings]
        result.findings.extend(findings)
        if error:
            result.errors.append(error)
            continue
        if not upcoming_ctx.rules.in_force:
            continue
        future, error = _run_one(check, upcoming_ctx)
        if error:
            result.errors.append(error)
        result.findings.extend(_as_upcoming(f, ctx) for f in future
                               if f.outcome is Outcome.fail and f.rule is not None)
    return result


def _as_upcoming(finding: Finding, ctx: CheckContext) -> Finding:
    rule = next(r.rule for r in ctx.rules.upcoming if r.rule.id == finding.rule)
    soon = rule.effective_from <= ctx.rules.as_of + dt.timedelta(days=UPCOMING_WINDOW_DAYS)
    return finding.model_copy(update={
        "outcome": Outcome.upcoming,
        "severity": Severity.low if soon else Severity.info,
        "title": f"Upcoming (in force {rule.effective_from.isoformat()}): {finding.title}",
    })


def cap_unverified(finding: Finding, kinds: Sequence[RuleKind], rules: RuleSet) -> Finding:
    """An unverified finding without a rule, capped at medium where no law covers what it could hide.

    "Could not tell" carries the severity of the breach it might hide; where every rule of the kinds the
    check judges (or, for checks naming none, every sharing rule) comes from the advisory baseline, that
    breach would be an advisory risk -- at most medium -- so the unverified finding is too. A finding
    that cites a rule is capped by that rule already (``checkapi``).
    """
    if finding.outcome is not Outcome.unverified or finding.rule is not None:
        return finding
    if finding.severity.rank <= Severity.medium.rank:
        return finding
    if any(not applied.advisory for applied in rules.of_kind(*(kinds or SHARING_KINDS))):
        return finding
    return finding.model_copy(update={"severity": Severity.medium, "advisory": True})
