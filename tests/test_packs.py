"""Checks on the jurisdiction rule packs (data files under configscan/jurisdictions/packs/)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from configscan.jurisdictions.packfile import check_pack_file
from configscan.jurisdictions.schema import ISO_DURATION, Confidence, RuleKind, RulePack, SourceGrade, duration_days

PACKS_DIR = Path(__file__).resolve().parents[1] / "configscan" / "jurisdictions" / "packs"
RETENTION_TABLE = Path(__file__).resolve().parent / "data" / "retention_limits.csv"
# The dated reviews recorded in the reference notes (legal-rules.md); a pack's review is one of them.
REVIEWS = (dt.date(2026, 11, 25), dt.date(2026, 12, 2))
# Nothing the packs cite predates the federal DPPA (1994); an earlier date is a typing error.
EARLIEST_LAW = dt.date(1994, 1, 1)

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
    assert pack.last_reviewed in REVIEWS
    assert pack.version == pack.last_reviewed.strftime("%Y.%m.%d")
    assert pack.name.strip()
    assert pack.review_due is None or pack.review_due > pack.last_reviewed


@pytest.mark.parametrize("stem", sorted(PACKS))
def test_pack_passes_every_schema_and_semantic_check(stem: str) -> None:
    """The same checks ``configscan rules validate`` runs: sources listed and graded, every rule's source among
    them, statute-text only on official or mirror text, no rule reviewed after its pack."""
    result = check_pack_file(PACKS[stem][0], set(PACKS))
    assert result.problems == []


@pytest.mark.parametrize("stem", sorted(PACKS))
def test_pack_lists_the_sources_read(stem: str) -> None:
    _, pack = PACKS[stem]
    urls = [source.url for source in pack.sources]
    assert urls and len(urls) == len(set(urls)), "each source once"
    assert {rule.source for rule in pack.rules} <= set(urls)
    for source in pack.sources:
        assert urlparse(source.url).netloc and " " not in source.url
        assert source.title and source.title.strip()


@pytest.mark.parametrize(("stem", "rule_id"), [(s, r.id) for s, r in ALL_RULES])
def test_rule_is_cited_and_dated(stem: str, rule_id: str) -> None:
    pack = PACKS[stem][1]
    rule = next(r for r in pack.rules if r.id == rule_id)
    # Citation: names a section, act or year, never a placeholder.
    assert re.search(r"\d", rule.citation) and "TODO" not in rule.citation.upper()
    # Source: a web address a reader can open.
    assert urlparse(rule.source).scheme in {"http", "https"} and "." in urlparse(rule.source).netloc
    # Dates: plausible, ordered, and reviewed no later than the pack.
    assert EARLIEST_LAW <= rule.effective_from <= pack.last_reviewed + dt.timedelta(days=730)
    assert rule.effective_until is None or rule.effective_until > rule.effective_from
    assert rule.last_reviewed in REVIEWS and rule.last_reviewed <= pack.last_reviewed
    # Confidence: statute-text only when the cited source is statute text (official or mirror).
    grade = next(s.grade for s in pack.sources if s.url == rule.source)
    if rule.confidence is Confidence.statute_text:
        assert grade in (SourceGrade.official, SourceGrade.mirror)
    # Summary: one or two plain sentences, not a copied paragraph.
    assert rule.summary[0].isupper() and rule.summary.rstrip().endswith(".")
    assert 20 <= len(rule.summary) <= 320
    # A general law whose reach is open is at most a risk: never a settled violation at high confidence.
    if str(rule.params.get("status", "")).lower() == "unsettled":
        assert rule.confidence is not Confidence.statute_text or rule.kind is RuleKind.restrict_in_state_sharing


RETENTION_RULES = [(s, r.id) for s, r in ALL_RULES if r.kind is RuleKind.max_retention]
STATUTE_STATES = sorted(s for s, (_, p) in PACKS.items() if p.level.value == "state" and p.statute_found)


@pytest.mark.parametrize(("stem", "rule_id"), RETENTION_RULES)
def test_retention_uses_iso_duration(stem: str, rule_id: str) -> None:
    rule = next(r for r in PACKS[stem][1].rules if r.id == rule_id)
    assert rule.max_retention is not None and ISO_DURATION.match(rule.max_retention)
    # Statute's own unit: nine months stays P9M, never P270D.
    assert rule.max_retention not in {"P270D", "P913D", "P548D"}


def _retention_table() -> list[dict[str, str]]:
    with RETENTION_TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


_UNITS = {"minutes": "PT{}M", "days": "P{}D", "months": "P{}M", "years": "P{}Y"}


def _figure_as_iso(figure: str) -> str:
    """The reference's figure in words ("30 months") in the packs' unit-keeping ISO form (P30M)."""
    number, unit = figure.split()
    return _UNITS[unit].format(int(number))


def test_retention_table_matches_every_retention_rule() -> None:
    """Each retention figure in the packs equals the expected value kept, with its source, in tests/data."""
    table = {(row["pack_id"], row["rule_id"]): row for row in _retention_table()}
    in_packs = {(stem, r.id): r for stem, r in ALL_RULES if r.kind is RuleKind.max_retention}
    assert set(table) == set(in_packs), "a retention rule without an expected value, or a stale table row"
    for key, rule in in_packs.items():
        row = table[key]
        assert rule.max_retention == row["max_retention"] == _figure_as_iso(row["figure"]), key
        assert rule.source == row["source"], f"{key}: the table's source is the rule's source"
        assert row["reference"].strip()
        # A figure known only from secondary accounts cannot be claimed as statute text.
        if row["grade"] == "secondary":
            assert rule.confidence is not Confidence.statute_text, key
        else:
            assert row["grade"] in {"official", "mirror"}


def test_retention_figures_compare_in_days() -> None:
    days = {row["rule_id"]: duration_days(row["max_retention"]) for row in _retention_table()}
    assert days["nh-75b-retention"] < 1 / 24  # three minutes, not three days
    assert 900 < days["ga-3522-retention"] < 920  # thirty months, not thirty days
    assert days["ia-321p4-retention"] == 30 and days["ky-hb58-retention"] == 90


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
        assert pack.last_reviewed.isoformat() in pack.notes
        # Without an ALPR statute a general law may only give a risk (unsettled), never a violation.
        for rule in pack.rules:
            assert rule.kind is RuleKind.context or rule.params.get("status") == "unsettled"


@pytest.mark.parametrize("stem", STATUTE_STATES)
def test_statute_packs_have_enforceable_rules(stem: str) -> None:
    pack = PACKS[stem][1]
    assert pack.rules
    if stem != "US-FL":  # Florida's statutes set no sharing limit or day count: context only.
        assert any(rule.kind is not RuleKind.context for rule in pack.rules)


# --- The 2026-12-02 review (legal-rules.md, "Review of 2026-12-02") ------------------------------------------

def test_review_2026_12_02_dates() -> None:
    assert all(r.effective_from == dt.date(2015, 12, 1) for r in PACKS["US-NC"][1].rules)
    assert all(r.effective_from == dt.date(2016, 7, 18) for r in PACKS["US-NH"][1].rules)
    md = {r.id: r for r in PACKS["US-MD"][1].rules}
    assert md["md-3529-immigration"].effective_from.year == 2021
    assert md["md-3529-requester-statement"].effective_from.year == 2021


def test_nh_pack_says_what_happens_if_the_sunset_stands() -> None:
    pack = PACKS["US-NH"][1]
    assert pack.notes and "HB 1059" in pack.notes and "unconfirmed" in pack.notes
    assert "2027-01-01" in pack.notes and "lapses" in pack.notes
    assert pack.review_due is not None and pack.review_due < dt.date(2027, 1, 1)


def test_md_upload_ban_is_not_summarised_as_a_federal_sharing_bar() -> None:
    for rule_id in ("md-3509-no-upload-federal", "md-3509-no-upload-out-of-state"):
        rule = next(r for r in PACKS["US-MD"][1].rules if r.id == rule_id)
        assert "upload" in rule.summary and "bars federal sharing" not in rule.summary
        assert rule.confidence is Confidence.secondary
    federal = next(r for r in PACKS["US-MD"][1].rules if r.id == "md-3509-no-upload-federal")
    assert "unsettled" in federal.summary and "request" in federal.summary


def test_mn_sharing_limit_scope_and_subdivision() -> None:
    rule = next(r for r in PACKS["US-MN"][1].rules if r.id == "mn-13824-sharing")
    assert "subd. 4" in rule.citation and "subd. 7" not in rule.citation
    assert "not related to an active criminal investigation" in rule.summary
    assert rule.params["scope"] == "data not related to an active criminal investigation"


def test_me_exception_is_intelligence_and_investigative_data() -> None:
    rule = next(r for r in PACKS["US-ME"][1].rules if r.kind is RuleKind.max_retention)
    assert "intelligence and investigative" in rule.summary and "ongoing investigation" not in rule.summary


def test_wa_immigration_bar_is_not_only_civil_and_cites_the_session_law() -> None:
    rule = next(r for r in PACKS["US-WA"][1].rules if r.id == "wa-6002-immigration")
    assert "any immigration investigation or enforcement" in rule.summary
    assert urlparse(rule.source).netloc.endswith("leg.wa.gov") and "Session%20Laws" in rule.source


def test_new_packs_have_their_statutes() -> None:
    ia, ky, nj = PACKS["US-IA"][1], PACKS["US-KY"][1], PACKS["US-NJ"][1]
    assert ia.statute_found and ky.statute_found and nj.statute_found
    assert any("321P.4" in r.citation for r in ia.rules)
    ky_retention = next(r for r in ky.rules if r.kind is RuleKind.max_retention)
    assert ky_retention.effective_from == dt.date(2026, 7, 15) and ky_retention.confidence is Confidence.secondary
    kinds = {r.kind for r in nj.rules}
    assert {RuleKind.out_of_state_requires_declaration, RuleKind.forbid_immigration_use} <= kinds
    assert all(r.confidence is Confidence.secondary for r in nj.rules)
    assert nj.notes and "2022-12" in nj.notes and "not a statute" in nj.notes


def test_dc_pack_names_the_rulemaking_mandate() -> None:
    notes = PACKS["US-DC"][1].notes or ""
    assert "50-2443" in notes and "rulemaking mandate" in notes and "not researched" not in notes


def test_co_sb25_276_decision_gives_an_unverified_risk() -> None:
    pack = PACKS["US-CO"][1]
    assert pack.notes and "Decision (2026-12-02)" in pack.notes
    rule = next(r for r in pack.rules if "25-276" in r.citation)
    assert rule.confidence is Confidence.unverified and rule.params["status"] == "unsettled"
    assert rule.kind is RuleKind.forbid_immigration_use
