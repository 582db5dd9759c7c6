"""The checks that rely on the partner classifier, run with the real classifier and rule packs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from configscan import plugins
from configscan.checkapi import Check
from configscan.cli import app
from configscan.findings import Outcome
from configscan.jurisdictions.loader import PackLibrary
from configscan.partners import Classifier
from configscan.testing import Case, outcome_of, run_case

CHECKS = {c.value.meta.id: c.value for c in plugins.load(plugins.CHECKS, Check)[0]}
LIBRARY = PackLibrary()
CLASSIFIER = Classifier()


def _outcome(check_id: str, config: dict[str, Any]) -> tuple[str, list[str]]:
    findings = run_case(CHECKS[check_id], Case(name="t", expect="pass", config=config), LIBRARY, CLASSIFIER)
    return outcome_of(findings), sorted({f.subject for f in findings})


def test_federal_link_catches_untagged_border_patrol_and_ignores_federal_way() -> None:
    config = {"agency": {"name": "Test City PD", "state": "WA"}, "partners": [
        {"name": "U.S. Border Patrol", "direction": "outbound", "status": "active"},
        {"name": "Federal Way PD (WA)", "state": "WA", "direction": "outbound", "status": "active"},
        {"name": "Ohio Homeland Security", "state": "OH", "direction": "outbound", "status": "active"},
    ]}
    assert _outcome("partners.federal_link", config) == ("fail", ["U.S. Border Patrol"])


def test_out_of_state_link_uses_the_state_in_the_name() -> None:
    config = {"agency": {"name": "Eugene PD", "state": "CA"}, "partners": [
        {"name": "Carson City NV SO", "state": "CA", "org_type": "Sheriff's Office", "direction": "outbound",
         "status": "active"},
        {"name": "Fremont CA PD", "state": "CA", "direction": "outbound", "status": "active"},
    ]}
    assert _outcome("partners.out_of_state_link", config) == ("fail", ["Carson City NV SO"])


def test_unclassified_partner_is_unverified_not_passed() -> None:
    config = {"partners": [{"name": "Albany OR PR", "state": "OR", "direction": "outbound"},
                           {"name": "Fremont CA PD", "state": "CA", "direction": "outbound"}]}
    assert _outcome("partners.unclassified", config) == ("unverified", ["Albany OR PR"])


def test_federal_users_found_by_email_domain() -> None:
    config = {"users": [{"email": "officer@ice.dhs.gov", "name": "Task Force Officer"},
                        {"email": "sergeant@fremont.gov", "name": "Local Sergeant"}]}
    assert _outcome("users.federal_accounts", config) == ("fail", ["officer@ice.dhs.gov"])


def test_scan_with_bad_directory_csv_exits_2_without_a_report(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "pinecrest-ca.json"
    directory = tmp_path / "dir.csv"
    directory.write_text("name,category\nSomething,unheard-of\n", encoding="utf-8")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["scan", str(example), "--directory", str(directory), "--json", str(out)])
    assert result.exit_code == 2
    assert str(directory) in result.stderr and "row 2" in result.stderr
    assert not out.exists()


def test_scan_with_directory_override_changes_the_verdict(tmp_path: Path) -> None:
    config = {"format": "configscan/agency-config@1", "agency": {"name": "Test PD", "state": "CA"},
              "partners": [{"name": "Albany OR PR", "direction": "outbound", "status": "active"}]}
    source = tmp_path / "agency.json"
    source.write_text(json.dumps(config), encoding="utf-8")
    directory = tmp_path / "dir.csv"
    directory.write_text("name,category,state\nAlbany OR PR,federal_other,\n", encoding="utf-8")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["scan", str(source), "--directory", str(directory), "--json", str(out)])
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    checks = {(f["check"], f["outcome"]) for f in report["findings"]}
    assert ("partners.federal_link", Outcome.fail.value) in checks
    assert not any(c == "partners.unclassified" for c, _ in checks)
