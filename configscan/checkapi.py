"""What a check is, and the helpers checks use to turn facts into findings.

A check is a pure function of the :class:`CheckContext` (normalised configuration, classified partners,
applicable rules) that yields findings. It declares metadata (id, title, severity, description,
remediation) and is registered through the ``configscan.checks`` entry-point group -- the built-in checks
exactly as a third party's. The check supplies the facts; the severity comes from the rule (its own
``severity``, else the check's default) and is capped at medium when the rule is the advisory baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from configscan.findings import Finding, Outcome, Severity
from configscan.jurisdictions.loader import AppliedRule, RuleSet
from configscan.jurisdictions.schema import RuleKind
from configscan.model import AgencyConfig, Partner, User
from configscan.partners.model import Classification


class CheckMeta(BaseModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
    title: str = Field(min_length=5, max_length=120)
    severity: Severity
    description: str = Field(min_length=10)
    remediation: str = Field(min_length=10)
    rule_kinds: list[RuleKind] = Field(default_factory=list)


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may look at. Built once per scan; checks must not mutate it."""

    config: AgencyConfig
    rules: RuleSet
    partners: tuple[tuple[Partner, Classification], ...] = ()
    users: tuple[tuple[User, Classification | None], ...] = ()

    @property
    def agency_state(self) -> str:
        return self.config.agency.state


CheckFunc = Callable[[CheckContext], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    """A registered check: metadata plus the pure function that evaluates it."""

    meta: CheckMeta
    func: CheckFunc

    def run(self, ctx: CheckContext) -> Iterator[Finding]:
        yield from self.func(ctx)


def _severity(meta: CheckMeta, applied: AppliedRule | None, override: Severity | None) -> Severity:
    """The rule's severity, else the check's; advisory (baseline) findings are capped at medium."""
    if applied is None:
        return override or meta.severity
    rule = applied.rule
    sev = override or (Severity(rule.severity) if rule.severity else meta.severity)
    if applied.advisory and sev.rank > Severity.medium.rank:
        return Severity.medium
    return sev


def violation(
    meta: CheckMeta,
    applied: AppliedRule,
    *,
    subject: str,
    evidence: dict[str, Any],
    title: str | None = None,
    remediation: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A failed rule. Under the baseline the finding is advisory (a risk) and at most medium."""
    rule = applied.rule
    return Finding(
        check=meta.id,
        rule=rule.id,
        severity=_severity(meta, applied, severity),
        outcome=Outcome.fail,
        title=title or meta.title,
        subject=subject,
        evidence=evidence,
        citations=[rule.citation],
        remediation=remediation or meta.remediation,
        layer=applied.pack_id,
        advisory=applied.advisory,
        confidence=rule.confidence.value,
        rule_summary=" ".join(rule.summary.split()),
    )


def unverified(
    meta: CheckMeta,
    *,
    subject: str,
    why: str,
    evidence: dict[str, Any] | None = None,
    applied: AppliedRule | None = None,
    remediation: str | None = None,
) -> Finding:
    """The data needed to decide is missing or unclear: shown, counted, never a pass.

    It carries the severity the violation would have, so ``--fail-on`` treats "could not tell" like the
    breach it might hide (fail closed); under the advisory baseline that is at most medium.
    """
    return Finding(
        check=meta.id,
        rule=applied.rule.id if applied else None,
        severity=_severity(meta, applied, None),
        outcome=Outcome.unverified,
        title=f"Unverified: {why}",
        subject=subject,
        evidence=evidence or {},
        citations=[applied.rule.citation] if applied else [],
        remediation=remediation or meta.remediation,
        layer=applied.pack_id if applied else None,
        advisory=bool(applied and applied.advisory),
        confidence=applied.rule.confidence.value if applied else None,
        rule_summary=" ".join(applied.rule.summary.split()) if applied else None,
    )


def partner_evidence(partner: Partner, verdict: Classification) -> dict[str, Any]:
    """The exported values behind a partner finding, with where they came from."""
    evidence: dict[str, Any] = {
        "name": partner.name,
        "state": partner.state,
        "org_type": partner.org_type,
        "direction": partner.direction.value if partner.direction else None,
        "direction_basis": partner.direction_basis,
        "link": partner.link.value if partner.link else None,
        "status": partner.status.value if partner.status else None,
        "category": verdict.category.value,
        "classified_because": verdict.reasons,
    }
    if partner.ori:
        evidence["ori"] = partner.ori
    if partner.provenance:
        evidence["source"] = partner.provenance.label()
    return {k: v for k, v in evidence.items() if v is not None}
