"""Checks on the jurisdiction rule packs (data files under configscan/jurisdictions/packs/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from configscan.jurisdictions.schema import ISO_DURATION, RuleKind, RulePack

PACKS_DIR = Path(__file__).resolve().parents[1] / "configscan" / "jurisdictions" / "packs"
REVIEW_DATE = dt.date(2026, 11, 25)

STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "DC",
]
CITY_PACKS = ["US-CA-OAKLAND", "US-CA-SAN-DIEGO", "US-CO-DENVER", "US-IL-EVANSTON"]


def _load_all() -> dict[str, tuple[Path, RulePack]]:
    packs: dict[str, tuple[Path, RulePack]] = {}
    for path in sorted(PACKS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        packs[path.stem] = (path, RulePack.model_validate(data))
    return packs


PACKS = _load_all()
ALL_RULES = [(stem, rule) for stem, (_, pack) in PACKS.items() for rule in pack.rules]


def test_packs_folder_not_empty() -> None:
    assert len(PACKS) >= 52


@pytest.mark.parametrize("stem", sorted(PACKS))
def test_pack_id_matches_file_name(stem: str) -> None:
    _, pack = PACKS[stem]
    assert pack.id == stem


@pytest.mark.parametrize("state", STATES)
def test_every_state_and_dc_present(state: str) -> None:
    pack_id = f"US-{state}"
    assert pack_id in PACKS, f"missing pack {pack_id}.yaml"
    assert PACKS[pack_id][1].level.value == "state"


def test_federal_pack() -> None:
    pack = PACKS["US"][1]
    assert pack.level.value == "federal"
    assert pack.statute_found is False
    assert pack.rules and all(rule.kind is RuleKind.context for rule in pack.rules)
    assert any("2721" in rule.citation for rule in pack.rules)


@pytest.mark.parametrize("stem", sorted(PACKS))
def test_pack_metadata(stem: str) -> None:
    _, pack = PACKS[stem]
    assert pack.version == "2026.11.25"
    assert pack.last_reviewed == REVIEW_DATE
    assert pack.name.strip()


@pytest.mark.parametrize(("stem", "rule_id"), [(s, r.id) for s, r in ALL_RULES])
def test_rule_is_cited_and_dated(stem: str, rule_id: str) -> None:
    rule = next(r for r in PACKS[stem][1].rules if r.id == rule_id)
    assert rule.citation.strip()
    assert rule.source.startswith("https://") or rule.source.startswith("http://")
    assert isinstance(rule.effective_from, dt.date)
    assert rule.last_reviewed == REVIEW_DATE
    assert rule.summary.strip()


RETENTION_RULES = [(s, r.id) for s, r in ALL_RULES if r.kind is RuleKind.max_retention]
STATUTE_STATES = sorted(s for s, (_, p) in PACKS.items() if p.level.value == "state" and p.statute_found)


@pytest.mark.parametrize(("stem", "rule_id"), RETENTION_RULES)
def test_retention_uses_iso_duration(stem: str, rule_id: str) -> None:
    rule = next(r for r in PACKS[stem][1].rules if r.id == rule_id)
    assert rule.max_retention is not None and ISO_DURATION.match(rule.max_retention)
    # Statute's own unit: nine months stays P9M, never P270D.
    assert rule.max_retention not in {"P270D", "P913D", "P548D"}


def _retentions(pack_id: str) -> set[str]:
    return {r.max_retention for r in PACKS[pack_id][1].rules if r.kind is RuleKind.max_retention}


@pytest.mark.parametrize(
    ("pack_id", "duration"),
    [
        ("US-GA", "P30M"),
        ("US-NH", "PT3M"),
        ("US-UT", "P9M"),
        ("US-VT", "P18M"),
        ("US-WA", "P21D"),
        ("US-AR", "P150D"),
        ("US-NE", "P180D"),
    ],
)
def test_known_retention_limits(pack_id: str, duration: str) -> None:
    assert duration in _retentions(pack_id)


def test_connecticut_declaration_lists_allowed_states() -> None:
    rules = [r for r in PACKS["US-CT"][1].rules if r.kind is RuleKind.out_of_state_requires_declaration]
    assert rules and sorted(rules[0].params["allowed_states"]) == ["MA", "NY", "RI"]


def test_tennessee_cap_scoped_to_fixed_cameras() -> None:
    rule = next(r for r in PACKS["US-TN"][1].rules if r.kind is RuleKind.max_retention)
    assert "fixed" in rule.params["scope"]


@pytest.mark.parametrize("stem", CITY_PACKS)
def test_city_pack_has_existing_parent(stem: str) -> None:
    assert stem in PACKS, f"missing city pack {stem}.yaml"
    pack = PACKS[stem][1]
    assert pack.level.value == "city"
    assert pack.parent is not None and stem.startswith(pack.parent + "-")
    assert pack.parent in PACKS
    assert pack.aliases


def test_city_aliases() -> None:
    assert "oakland" in PACKS["US-CA-OAKLAND"][1].aliases
    assert {"san-diego", "sandiego"} <= set(PACKS["US-CA-SAN-DIEGO"][1].aliases)


def test_aliases_unique_and_lower_case() -> None:
    seen: dict[str, str] = {}
    for stem, (_, pack) in PACKS.items():
        for alias in pack.aliases:
            assert alias == alias.lower(), f"{stem}: alias {alias!r} not lower-case"
            assert alias not in seen, f"alias {alias!r} used by {seen.get(alias)} and {stem}"
            seen[alias] = stem


@pytest.mark.parametrize("stem", sorted(s for s, (_, p) in PACKS.items() if not p.statute_found))
def test_no_statute_packs_say_so(stem: str) -> None:
    pack = PACKS[stem][1]
    assert pack.notes and pack.notes.strip().endswith(".")
    if pack.level.value == "state":
        assert "No statewide ALPR statute" in pack.notes
        assert "2026-11-25" in pack.notes
        assert all(rule.kind is RuleKind.context for rule in pack.rules)


@pytest.mark.parametrize("stem", STATUTE_STATES)
def test_statute_packs_have_enforceable_rules(stem: str) -> None:
    pack = PACKS[stem][1]
    assert pack.rules
    if stem != "US-FL":  # Florida's statutes set no sharing limit or day count: context only.
        assert any(rule.kind is not RuleKind.context for rule in pack.rules)
