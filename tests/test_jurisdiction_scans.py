"""Scanning the example agencies gives the findings their jurisdictions' laws imply.

Each example export (examples/*-wa.yaml, -va, -md, -nh, -ga, -tx) is scanned end to end with the real
packs, checks, classifier and as-of date; the assertions name the rule and the layer a finding must come
from, so a pack edit that changes what the law says fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from configscan.findings import Finding, Outcome, ScanResult, Severity
from configscan.registry import load_registry
from configscan.scan import ScanOptions, scan

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
REVIEW = dt.date(2026, 11, 25)
REGISTRY = load_registry()


def run(path: Path, as_of: dt.date = REVIEW, **kwargs: object) -> ScanResult:
    options = ScanOptions(inputs=[path], as_of=as_of, **kwargs)  # type: ignore[arg-type]
    return scan(options, REGISTRY.checks, REGISTRY.readers)


def variant(tmp_path: Path, example: str, **changes: object) -> Path:
    """A copy of an example export with some top-level fields changed."""
    data = yaml.safe_load((EXAMPLES / example).read_text(encoding="utf-8"))
    data.update(changes)
    out = tmp_path / example
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


def fails(result: ScanResult) -> list[Finding]:
    return [f for f in result.findings if f.outcome is Outcome.fail]


def rules_failed(result: ScanResult) -> set[str]:
    return {f.rule for f in fails(result) if f.rule}


def by_rule(result: ScanResult, rule: str, outcome: Outcome = Outcome.fail) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule and f.outcome is outcome]


# --- Washington: ESSB 6002 (2026-03-30) ------------------------------------------------------------------

def test_wa_after_6002_retention_out_of_state_and_federal_are_violations() -> None:
    result = run(EXAMPLES / "cedar-hollow-wa.yaml")
    assert {"wa-6002-retention", "wa-6002-no-out-of-state", "wa-6002-no-federal", "wa-6002-no-sharing",
            "wa-6002-immigration"} <= rules_failed(result)
    retention = by_rule(result, "wa-6002-retention")[0]
    assert retention.evidence["limit"] == "P21D" and retention.evidence["retention_days"] == 30
    subjects = {f.subject for f in by_rule(result, "wa-6002-no-out-of-state")}
    assert subjects == {"Kootenai County ID SO"}  # the in-state partner is lawful
    assert all(not f.advisory and f.layer == "US-WA" and f.layer_role == "state" for f in fails(result))
    assert result.summary.verdict == "violations found"
    assert not any(f.layer == "baseline" for f in result.findings)


def test_wa_21_day_retention_passes(tmp_path: Path) -> None:
    result = run(variant(tmp_path, "cedar-hollow-wa.yaml", retention_days=21))
    assert "wa-6002-retention" not in rules_failed(result)


def test_wa_before_6002_shows_it_as_upcoming() -> None:
    result = run(EXAMPLES / "cedar-hollow-wa.yaml", as_of=dt.date(2026, 3, 1))
    failed = rules_failed(result)
    assert not {r for r in failed if r.startswith("wa-6002")}
    # Keep Washington Working (2019) already bars giving data to immigration authorities.
    assert "wa-kww-immigration" in failed
    upcoming = {f.rule: f for f in result.findings if f.outcome is Outcome.upcoming}
    assert {"wa-6002-retention", "wa-6002-no-out-of-state", "wa-6002-no-federal"} <= set(upcoming)
    assert all(f.severity is Severity.low for f in upcoming.values())  # 29 days away: within 180
    assert upcoming["wa-6002-retention"].title.startswith("Upcoming (in force 2026-03-30)")
    # Until then being out of state is only an advisory risk for the partner; its 287(g) agreement with ICE is
    # what Keep Washington Working already bars.
    kootenai = [f for f in fails(result) if f.subject == "Kootenai County ID SO"]
    oos = [f for f in kootenai if f.check == "partners.out_of_state_link"]
    assert oos and all(f.advisory and f.layer_role == "advisory-baseline" for f in oos)
    assert {(f.check, f.rule) for f in kootenai if not f.advisory} == {("partners.g287", "wa-kww-immigration")}


def test_wa_far_before_6002_upcoming_is_info() -> None:
    result = run(EXAMPLES / "cedar-hollow-wa.yaml", as_of=dt.date(2025, 6, 1))
    upcoming = [f for f in result.findings if f.outcome is Outcome.upcoming]
    assert upcoming and all(f.severity is Severity.info for f in upcoming)


# --- Virginia: 2.2-5517 ---------------------------------------------------------------------------------

def test_va_21_days_and_virginia_only_sharing() -> None:
    result = run(EXAMPLES / "laurel-ridge-va.yaml")
    assert {"va-5517-retention", "va-5517-no-out-of-state", "va-5517-recipient-list"} <= rules_failed(result)
    oos_subjects = {f.subject for f in by_rule(result, "va-5517-no-out-of-state")}
    assert oos_subjects == {"Frederick County MD SO", "sharing.similar_laws_network"}
    assert all(f.confidence == "secondary" for f in fails(result))  # statute text was not read


def test_va_compliant_export_is_clean(tmp_path: Path) -> None:
    path = variant(tmp_path, "laurel-ridge-va.yaml", retention_days=21, partners=[
        {"name": "Fairfax County VA PD", "state": "VA", "org_type": "Police Department", "direction": "both",
         "link": "1:1", "status": "active"}],
        sharing={"national_lookup": False, "statewide_lookup": True, "shared_states": ["VA"],
                 "similar_laws_network": False, "federal_sharing_disabled": True})
    result = run(path)
    assert fails(result) == []
    assert result.summary.verdict == "clean"


# --- Maryland: PS 3-509, 3-529 --------------------------------------------------------------------------

def test_md_statewide_lookup_is_a_secondary_confidence_risk() -> None:
    result = run(EXAMPLES / "patuxent-hills-md.yaml")
    risk = by_rule(result, "md-3509-statewide-lookup-risk")
    assert len(risk) == 1
    assert risk[0].advisory and risk[0].confidence == "secondary" and risk[0].severity is Severity.medium
    assert risk[0].layer == "US-MD"


def test_md_immigration_access_needs_a_warrant() -> None:
    result = run(EXAMPLES / "patuxent-hills-md.yaml")
    ice = by_rule(result, "md-3529-immigration")
    assert [f.subject for f in ice] == ["ICE ERO Baltimore"]
    assert not ice[0].advisory and "3-529" in ice[0].citations[0]
    assert result.summary.verdict == "violations found"


# --- New Hampshire: 3-minute purge ----------------------------------------------------------------------

def test_nh_three_minute_purge(tmp_path: Path) -> None:
    result = run(EXAMPLES / "monadnock-falls-nh.yaml")
    finding = by_rule(result, "nh-75b-retention")[0]
    assert finding.evidence["limit"] == "PT3M"
    two_minutes = run(variant(tmp_path, "monadnock-falls-nh.yaml", retention_days=2 / 1440))
    assert "nh-75b-retention" not in rules_failed(two_minutes)
    one_day = run(variant(tmp_path, "monadnock-falls-nh.yaml", retention_days=1))
    assert "nh-75b-retention" in rules_failed(one_day)


# --- Georgia: thirty months, not days -------------------------------------------------------------------

def test_ga_365_days_passes_1000_fails(tmp_path: Path) -> None:
    result = run(EXAMPLES / "ocmulgee-county-ga.yaml")
    assert "ga-3522-retention" not in rules_failed(result)
    assert result.summary.verdict == "clean"
    long = run(variant(tmp_path, "ocmulgee-county-ga.yaml", retention_days=1000))
    finding = by_rule(long, "ga-3522-retention")[0]
    assert finding.evidence["limit"] == "P30M" and not finding.advisory


def test_ga_allows_federal_sharing_so_federal_access_is_only_advisory(tmp_path: Path) -> None:
    path = variant(tmp_path, "ocmulgee-county-ga.yaml", partners=[
        {"name": "[Federal] FBI Atlanta", "direction": "outbound", "link": "1:1", "status": "active"}])
    result = run(path)
    federal = [f for f in fails(result) if f.check == "partners.federal_link"]
    assert federal and all(f.advisory and f.layer == "baseline" for f in federal)
    assert result.summary.verdict == "risks found"


# --- Texas: no statute found ----------------------------------------------------------------------------

def test_tx_gives_advisory_findings_only() -> None:
    result = run(EXAMPLES / "mesquite-county-tx.yaml")
    assert fails(result)
    assert all(f.advisory and f.layer == "baseline" and f.severity.rank <= Severity.medium.rank
               for f in result.findings)
    assert result.summary.verdict == "risks found"
    assert result.statute_found is False
    assert result.law_note is not None
    assert "No statewide ALPR statute" in result.law_note and "2026-11-25" in result.law_note
    assert "does not mean sharing is legal" in result.law_note


def test_statute_states_have_no_law_note() -> None:
    assert run(EXAMPLES / "cedar-hollow-wa.yaml").law_note is None


# --- Connecticut: PA 26-14 operative 2026-10-01 ---------------------------------------------------------

def test_ct_21_day_retention_upcoming_on_2026_08_01(tmp_path: Path) -> None:
    path = variant(tmp_path, "cedar-hollow-wa.yaml",
                   agency={"name": "Quinebaug Police Department", "state": "CT"})
    before = run(path, as_of=dt.date(2026, 8, 1))
    upcoming = by_rule(before, "ct-2614-retention", Outcome.upcoming)
    assert len(upcoming) == 1 and upcoming[0].severity is Severity.low
    assert "ct-2614-retention" not in rules_failed(before)
    after = run(path, as_of=dt.date(2026, 10, 1))
    assert "ct-2614-retention" in rules_failed(after)
    assert not by_rule(after, "ct-2614-retention", Outcome.upcoming)


# --- Overlays -------------------------------------------------------------------------------------------

def test_local_oakland_adds_city_layer_findings() -> None:
    plain = run(EXAMPLES / "pinecrest-ca.json")
    oakland = run(EXAMPLES / "pinecrest-ca.json", local="oakland")
    city = [f for f in fails(oakland) if f.layer == "US-CA-OAKLAND"]
    assert city and all(f.layer_role == "city" for f in city)
    assert {"oak-flock-no-federal", "oak-flock-no-out-of-state"} <= {f.rule for f in city}
    assert not any(f.layer == "US-CA-OAKLAND" for f in plain.findings)
    # The state layer's findings are still there: layers add, they never relax.
    assert rules_failed(plain) <= rules_failed(oakland)
    assert [(j.id, j.role) for j in oakland.jurisdictions][:2] == [("US-CA", "state"), ("US-CA-OAKLAND", "city")]


def test_local_city_of_another_state_is_refused() -> None:
    from configscan.errors import UsageError

    with pytest.raises(UsageError, match="US-CO-DENVER overlays US-CO"):
        run(EXAMPLES / "pinecrest-ca.json", local="denver")


def test_policy_overlay_turns_baseline_risk_into_policy_breach(tmp_path: Path) -> None:
    export = variant(tmp_path, "ocmulgee-county-ga.yaml", sharing={
        "national_lookup": True, "statewide_lookup": True, "shared_states": ["GA"],
        "similar_laws_network": False, "federal_sharing_disabled": True})
    plain = run(export)
    national = [f for f in fails(plain) if f.check == "sharing.national_lookup"]
    assert national and all(f.advisory for f in national)
    with_policy = run(export, policy=EXAMPLES / "policy-no-national-lookup.yaml")
    national = [f for f in fails(with_policy) if f.check == "sharing.national_lookup"]
    assert {f.rule for f in national} == {"policy-no-national-lookup", "policy-no-federal"}
    assert all(not f.advisory and f.layer_role == "policy" for f in national)
    # Stricter wins: the policy's 14 days fails a 365-day setting that Georgia's 30 months allows.
    assert "policy-retention" in rules_failed(with_policy)
    assert "ga-3522-retention" not in rules_failed(with_policy)
    assert ("policy-example-pd", "policy") in [(j.id, j.role) for j in with_policy.jurisdictions]


@pytest.mark.parametrize(("state", "declaration", "expected"), [
    ("NY", True, None),  # a declared New York partner is lawful under PA 26-14
    ("NY", None, Outcome.unverified),  # no record of the declaration: not a pass
    ("PA", True, Outcome.fail),  # Pennsylvania is not one of the three states
])
def test_ct_out_of_state_sharing_with_declaration(tmp_path: Path, state: str, declaration: bool | None,
                                                  expected: Outcome | None) -> None:
    path = variant(tmp_path, "cedar-hollow-wa.yaml",
                   agency={"name": "Quinebaug Police Department", "state": "CT"}, retention_days=14,
                   sharing={"national_lookup": False, "statewide_lookup": True, "shared_states": ["CT", state],
                            "similar_laws_network": False, "federal_sharing_disabled": True},
                   partners=[{"name": f"Border County {state} PD", "state": state, "org_type": "Police Department",
                              "direction": "outbound", "link": "1:1", "status": "active",
                              "written_declaration": declaration}])
    result = run(path)
    outcomes = {f.outcome for f in result.findings if f.layer == "US-CT"}
    assert outcomes == ({expected} if expected else set()), [(f.rule, f.subject) for f in result.findings]
