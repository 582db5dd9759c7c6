"""Sharing by state: selected out-of-state states, "states with similar laws", and statewide lookup.

A state list or a similar-laws pool opens the data to out-of-state agencies without a per-agency record;
statewide lookup matters only where the law restricts in-state sharing too (e.g. Maryland).
"""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import Check, CheckContext, CheckMeta, unverified, violation
from configscan.checks._sharing import setting_state
from configscan.findings import Finding, Severity
from configscan.jurisdictions.loader import AppliedRule
from configscan.jurisdictions.schema import RuleKind

META = CheckMeta(
    id="sharing.state_pools",
    title="State-level sharing opens this agency's cameras to agencies outside the state",
    severity=Severity.high,
    description="Sharing with selected states, with \"states with similar laws\", or statewide lookup "
    "where the law restricts it, lets whole groups of agencies search without a per-agency approval.",
    remediation="In the vendor's sharing settings remove other states from the selected-states list, turn "
    "off sharing with states with similar laws, and (where the law restricts it) turn off statewide lookup.",
    rule_kinds=[RuleKind.forbid_out_of_state_sharing, RuleKind.out_of_state_requires_declaration,
                RuleKind.conditional_sharing, RuleKind.restrict_in_state_sharing],
)

_OOS = (RuleKind.forbid_out_of_state_sharing, RuleKind.out_of_state_requires_declaration,
        RuleKind.conditional_sharing)


def _breaches(applied: AppliedRule, states: list[str]) -> list[str]:
    allowed = [s.upper() for s in applied.rule.params.get("allowed_states", [])]
    if applied.rule.kind is RuleKind.out_of_state_requires_declaration and allowed:
        return [s for s in states if s not in allowed]
    return states


def run(ctx: CheckContext) -> Iterator[Finding]:
    sharing = ctx.config.sharing
    home = ctx.agency_state
    # A rule scoped to federal recipients only says nothing about other states' agencies.
    oos_rules = [r for r in ctx.rules.of_kind(*_OOS)
                 if r.rule.params.get("applies_to", ["out_of_state"]) != ["federal"]]
    if oos_rules:
        shared = sharing.shared_states if sharing else None
        if shared is None and (sharing is None or sharing.similar_laws_network is None):
            yield unverified(META, subject="sharing.shared_states", applied=oos_rules[0],
                             why="the export does not list the states this agency shares with")
        others = sorted({s for s in shared or [] if s != home})
        for applied in oos_rules:
            breached = _breaches(applied, others)
            if breached:
                yield violation(META, applied, subject="sharing.shared_states",
                                evidence={"sharing.shared_states": shared, "out-of-state": breached})
            if sharing and sharing.similar_laws_network:
                yield violation(META, applied, subject="sharing.similar_laws_network",
                                title="Sharing with \"states with similar laws\" reaches out-of-state agencies",
                                evidence={"sharing.similar_laws_network": True})
    for applied in ctx.rules.of_kind(RuleKind.restrict_in_state_sharing):
        value, networks = setting_state(sharing, "statewide_lookup")
        if value is None:
            yield unverified(META, subject="sharing.statewide_lookup", applied=applied,
                             why="the export does not say whether statewide lookup is on")
        elif value:
            yield violation(META, applied, subject="sharing.statewide_lookup",
                            title="Statewide lookup shares data with other agencies where the law restricts it",
                            evidence={"sharing.statewide_lookup": True, "networks": networks or None})


check = Check(meta=META, func=run)
