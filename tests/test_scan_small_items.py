"""Smaller items of issue 16: audit options like scan's, unverified capped where no law applies, how much was
read, and what a misplaced input is (an audit log given to scan, a configscan report given as an export)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from audit_fixtures import network_audit

from conftest import ROOT, run_cli, write_config

EUGENE = ROOT / "tests" / "data" / "real" / "eugene-or"


def _unknown_partner(state: str) -> dict:
    """Every setting given and closed, one partner nobody can identify that can search the agency's data."""
    return {"format": "configscan/agency-config@1", "agency": {"name": "Example PD", "state": state},
            "sharing": {"national_lookup": False, "statewide_lookup": False, "federal_sharing_disabled": True,
                        "shared_states": []},
            "retention_days": 14, "search_reason_required": True,
            "partners": [{"name": "Zeta Omega Consortium", "direction": "outbound", "link": "1:1",
                          "status": "active"}]}


@pytest.mark.parametrize(("state", "severity", "exit_code"), [
    ("TX", "medium", 0),  # no statute: the breach it could hide would be an advisory risk, so medium
    ("CA", "high", 1),  # California forbids federal and out-of-state sharing: could hide a violation
])
def test_an_unidentified_partner_is_capped_at_medium_only_where_no_law_applies(tmp_path: Path, state: str,
                                                                               severity: str, exit_code: int) -> None:
    out = tmp_path / "r.json"
    run = run_cli("scan", str(write_config(tmp_path, _unknown_partner(state))), "--json", str(out), "-q")
    [finding] = [f for f in json.loads(out.read_text())["findings"] if f["check"] == "partners.unclassified"]
    assert (finding["outcome"], finding["severity"]) == ("unverified", severity)
    assert run.code == exit_code


def test_audit_takes_jurisdiction_alone_agency_name_and_policy(tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    run = run_cli("audit", str(network_audit(tmp_path / "audit.csv")), "--jurisdiction", "US-CA-OAKLAND",
                  "--agency-name", "Oakland CA PD", "--json", str(out), "-q")
    report = json.loads(out.read_text())
    assert run.code == 1
    assert report["agency"]["name"] == "Oakland CA PD" and report["agency"]["state"] == "CA"
    assert [j["id"] for j in report["jurisdictions"]][:2] == ["US-CA", "US-CA-OAKLAND"]


@pytest.mark.parametrize(("args", "message"), [
    (("--jurisdiction", "US-OR", "--agency-state", "WA"), "disagrees with --jurisdiction US-OR"),
    ((), "give --agency-state or --jurisdiction"),
    (("--jurisdiction", "US"), "give --agency-state or --jurisdiction"),  # the federal pack names no state
])
def test_audit_state_errors(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    run = run_cli("audit", str(network_audit(tmp_path / "audit.csv")), *args)
    assert run.code == 2 and message in run.stderr


def test_an_audit_log_given_to_scan_says_to_use_audit(tmp_path: Path) -> None:
    run = run_cli("scan", str(EUGENE / "portal-search-audit.csv"), "--agency-name", "X", "--agency-state", "OR")
    assert run.code == 2 and "an audit log" in run.stderr and "--audit" in run.stderr


def test_a_configscan_report_given_as_input_says_it_is_a_report(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run_cli("scan", str(EUGENE / "sharing-list.csv"), "--agency-name", "X", "--agency-state", "OR",
            "--json", str(out), "-q")
    run = run_cli("scan", str(out))
    assert run.code == 2 and "a configscan report (JSON), not a vendor export" in run.stderr


def test_the_report_says_how_much_was_read_per_file_sheet_and_list(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Networks I'm sharing with"
    sheet.append(["Organization Name", "State", "Type"])
    for name, state in (("Springfield OR PD", "OR"), ("Salem OR PD", "OR"), ("Bend OR PD", "OR")):
        sheet.append([name, state, "Police Department"])
    users = book.create_sheet("Users")
    users.append(["Email", "Role", "Name"])
    users.append(["a.officer@eugene-or.gov", "Admin", "A Officer"])
    users.append(["b.analyst@eugene-or.gov", "User", "B Analyst"])
    path = tmp_path / "release.xlsx"
    book.save(path)
    out = tmp_path / "r.json"
    run_cli("scan", str(path), "--agency-name", "Eugene OR PD", "--agency-state", "OR", "--json", str(out),
            "--html", str(tmp_path / "r.html"), "-q")
    report = json.loads(out.read_text())
    counts = {(i["reader"], json.dumps(i["records"], sort_keys=True)) for i in report["inputs"]}
    assert ("flock-sharing-list", '{"partners": 3}') in counts
    assert any(json.loads(r) == {"users": 2} for _, r in counts)
    assert report["read_summary"][-1] == "in all 3 partners, 2 users, 0 hot lists"
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "in all 3 partners, 2 users, 0 hot lists" in html[:html.index('id="read-summary"') + 600]
