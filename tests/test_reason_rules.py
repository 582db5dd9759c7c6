"""One case per row of the reason rule table: each rule fires on its example and not on its look-alike."""

from __future__ import annotations

import pytest

from configscan.audit.findings.reason_rules import RULES, ReasonRule
from configscan.audit.findings.reasons import (
    IMMIGRATION_AGENCY,
    IMMIGRATION_PURPOSE,
    classify_reason,
    immigration_facts,
    normalise,
)


def _fired(rule: ReasonRule, text: str) -> bool:
    facts = immigration_facts(normalise(text))
    return rule.id in (facts.agency, facts.purpose, facts.reversed_by)


def test_every_rule_has_a_unique_id_an_example_and_a_counter_example() -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    assert all(r.example and r.counter and r.id.startswith(f"{r.fact}.") for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_fires_on_its_example_and_not_on_its_counter_example(rule: ReasonRule) -> None:
    assert _fired(rule, rule.example), rule.example
    assert not _fired(rule, rule.counter), rule.counter


@pytest.mark.parametrize(("text", "agency", "purpose"), [
    ("ICE", "agency.ice", None), ("HSI narcotics", "agency.hsi", None),
    ("Drugs/Narcotics - HSI", "agency.hsi", None), ("HSI - child exploitation", "agency.hsi", None),
    ("ICE detainer", "agency.ice", "purpose.hold"), ("ICE+ERO", "agency.ice", "purpose.removal_component"),
    ("deportación", None, "purpose.deportation"), ("Immigration (civil/administrative)", None, "purpose.immigration"),
    ("pick up on immigration hold", None, "purpose.immigration"), ("Undocumented male", None, "purpose.undocumented"),
    ("Immigration and Customs Enforcement", "agency.ice_name", None),
    ("U.S. Citizenship and Immigration Services", "agency.uscis", None),
])
def test_agency_and_purpose_are_separate_facts(text: str, agency: str | None, purpose: str | None) -> None:
    verdict = classify_reason(text)
    assert (verdict.agency, verdict.purpose) == (agency, purpose)
    assert verdict.category == (IMMIGRATION_PURPOSE if purpose else IMMIGRATION_AGENCY)
    assert verdict.rule == (purpose or agency)


@pytest.mark.parametrize(("text", "reversal"), [
    ("impersonating ICE officer", "reverse.impersonation"), ("Impersonating an immigration officer",
                                                             "reverse.impersonation"),
    ("scam caller claiming to be ICE", "reverse.impersonation"), ("immigration scam - fraud", "reverse.scam"),
    ("anti-ICE rally", "reverse.protest"), ("immigration law training", "reverse.training"),
])
def test_reversing_context_shows_neither_fact_and_says_why(text: str, reversal: str) -> None:
    verdict = classify_reason(text)
    assert verdict.agency is None and verdict.purpose is None
    assert verdict.category not in (IMMIGRATION_AGENCY, IMMIGRATION_PURPOSE)
    assert verdict.rule == reversal
