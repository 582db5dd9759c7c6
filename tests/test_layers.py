"""Layering and as-of selection: which rules a scan evaluates, from which layer, on which date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from configscan.errors import InputError, UsageError
from configscan.jurisdictions.layers import build_ruleset, covered_risks
from configscan.jurisdictions.library import PackLibrary
from configscan.jurisdictions.schema import Rule, RuleKind

LIBRARY = PackLibrary()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _rule(kind: RuleKind, **params: object) -> Rule:
    return Rule(id="r1", kind=kind, citation="Test Act s 1", source="https://example.org/act",
                summary="A rule made for this test.", confidence="statute-text",  # type: ignore[arg-type]
                effective_from=dt.date(2020, 1, 1), last_reviewed=dt.date(2026, 11, 25), params=params,
                max_retention="P1D" if kind is RuleKind.max_retention else None)


def test_conditional_sharing_covers_only_what_it_applies_to() -> None:
    federal_only = covered_risks([_rule(RuleKind.conditional_sharing, applies_to=["federal"])])
    assert RuleKind.forbid_federal_sharing in federal_only
    assert RuleKind.forbid_out_of_state_sharing not in federal_only
    anyone = covered_risks([_rule(RuleKind.conditional_sharing, applies_to=["any"])])
    assert {RuleKind.forbid_federal_sharing, RuleKind.forbid_out_of_state_sharing} <= anyone
    declaration = covered_risks([_rule(RuleKind.out_of_state_requires_declaration)])
    assert RuleKind.forbid_out_of_state_sharing in declaration
    assert RuleKind.forbid_federal_sharing not in declaration


def test_no_statute_state_gets_the_whole_baseline() -> None:
    rules = build_ruleset(LIBRARY, "US-TX", dt.date(2026, 11, 25))
    assert rules.in_force and all(a.pack_id == "baseline" and a.advisory for a in rules.in_force)
    assert not rules.statute_found
    assert [role for _, role in rules.packs] == ["state", "advisory-baseline"]


def test_baseline_fills_only_uncovered_kinds() -> None:
    rules = build_ruleset(LIBRARY, "US-GA", dt.date(2026, 11, 25))
    baseline_kinds = {a.rule.kind for a in rules.in_force if a.pack_id == "baseline"}
    assert RuleKind.max_retention not in baseline_kinds  # Georgia's 30 months covers retention
    assert RuleKind.forbid_federal_sharing in baseline_kinds


def test_as_of_splits_in_force_and_upcoming() -> None:
    before = build_ruleset(LIBRARY, "US-WA", dt.date(2026, 3, 29))
    assert {a.rule.id for a in before.in_force if a.pack_id == "US-WA"} == {"wa-kww-immigration"}
    assert "wa-6002-retention" in {a.rule.id for a in before.upcoming}
    on = build_ruleset(LIBRARY, "US-WA", dt.date(2026, 3, 30))
    assert "wa-6002-retention" in {a.rule.id for a in on.in_force}
    assert not on.upcoming


def test_effective_until_ends_a_rule() -> None:
    during = build_ruleset(LIBRARY, "US-CO", dt.date(2026, 1, 15), local="denver")
    assert "den-flock-no-federal" in {a.rule.id for a in during.in_force}
    after = build_ruleset(LIBRARY, "US-CO", dt.date(2026, 3, 31), local="denver")
    ids = {a.rule.id for a in after.in_force}
    assert "den-flock-no-federal" not in ids and "baseline-federal-access" in ids


def test_city_id_as_jurisdiction_implies_its_state() -> None:
    rules = build_ruleset(LIBRARY, "US-CA-OAKLAND", dt.date(2026, 11, 25))
    assert [(p.id, role) for p, role in rules.packs][:2] == [("US-CA", "state"), ("US-CA-OAKLAND", "city")]


def test_baseline_is_not_a_jurisdiction() -> None:
    with pytest.raises(InputError, match="not a jurisdiction"):
        build_ruleset(LIBRARY, "baseline", dt.date(2026, 11, 25))


def test_unknown_local_lists_the_bundled_cities() -> None:
    with pytest.raises(UsageError, match="oakland"):
        build_ruleset(LIBRARY, "US-CA", dt.date(2026, 11, 25), local="gotham")


def test_unsettled_rule_is_advisory() -> None:
    rules = build_ruleset(LIBRARY, "US-MD", dt.date(2026, 11, 25))
    lookup = next(a for a in rules.in_force if a.rule.id == "md-3509-statewide-lookup-risk")
    assert lookup.unsettled and lookup.advisory
    ban = next(a for a in rules.in_force if a.rule.id == "md-3509-no-upload-out-of-state")
    assert not ban.advisory


def test_policy_layer_is_added_with_its_role() -> None:
    rules = build_ruleset(LIBRARY, "US-GA", dt.date(2026, 11, 25),
                          policy=EXAMPLES / "policy-no-national-lookup.yaml")
    assert ("policy-example-pd", "policy") in [(p.id, role) for p, role in rules.packs]
    policy_rules = [a for a in rules.in_force if a.pack_id == "policy-example-pd"]
    assert {a.rule.kind for a in policy_rules} >= {RuleKind.forbid_out_of_state_sharing, RuleKind.max_retention}
    # The policy covers out-of-state access, so the baseline adds no duplicate advisory rule for it.
    assert not any(a.rule.id == "baseline-out-of-state-access" for a in rules.in_force)
