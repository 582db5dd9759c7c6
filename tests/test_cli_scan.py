"""The scan command end to end: reports, exit codes, and clear one-line errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import EXAMPLES, run_cli, write_config


def test_backdoor_city_exits_1_and_writes_both_reports(tmp_path: Path) -> None:
    html, out = tmp_path / "r.html", tmp_path / "r.json"
    run = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--jurisdiction", "US-CA", "--html", html, "--json", out)
    assert run.code == 1
    assert "VIOLATIONS FOUND" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    report = json.loads(out.read_text())
    checks = {f["check"] for f in report["findings"] if f["outcome"] == "fail"}
    assert {"partners.federal_link", "sharing.national_lookup", "hotlists.immigration",
            "users.federal_accounts", "partners.out_of_state_link", "search.reason_required"} <= checks
    border = [f for f in report["findings"] if f["subject"] == "U.S. Border Patrol"]
    assert border and all(f["citations"] for f in border)
    assert any("1798.90.55(b)" in c for f in border for c in f["citations"])
    assert html.read_text().startswith("<!DOCTYPE html>")


def test_clean_city_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run = run_cli("scan", EXAMPLES / "harbor-view-ca.json", "--json", out)
    assert run.code == 0, run.stderr
    report = json.loads(out.read_text())
    assert report["summary"]["verdict"] == "clean"
    assert report["summary"]["unverified"] == 0


def test_jurisdiction_defaults_to_agency_state(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run_cli("scan", EXAMPLES / "lakeshore-il.json", "--json", out)
    report = json.loads(out.read_text())
    assert report["jurisdictions"][0]["id"] == "US-IL"


def test_texas_findings_are_advisory_and_capped(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run = run_cli("scan", EXAMPLES / "mesquite-county-tx.yaml", "--json", out)
    report = json.loads(out.read_text())
    fails = [f for f in report["findings"] if f["outcome"] == "fail"]
    assert fails and all(f["advisory"] for f in fails)
    assert all(f["severity"] in ("medium", "low", "info") for f in fails)
    assert report["summary"]["verdict"] == "risks found"
    assert report["statute_found"] is False
    assert run.code == 0
    assert run_cli("scan", EXAMPLES / "mesquite-county-tx.yaml", "--fail-on", "medium").code == 1


def test_fail_on_threshold(tmp_path: Path) -> None:
    assert run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--fail-on", "never").code == 0
    assert run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--fail-on", "critical").code == 1
    bad = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--fail-on", "severe")
    assert bad.code == 2 and "--fail-on" in bad.stderr


def test_unknown_fields_are_kept_and_shown(tmp_path: Path) -> None:
    out, html = tmp_path / "r.json", tmp_path / "r.html"
    run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--json", out, "--html", html)
    assert json.loads(out.read_text())["unknown_fields"] == {"contract": {"renewal_date": "2027-01-31"}}
    assert "renewal_date" in html.read_text()


def _assert_input_error(run: Any, *needles: str) -> None:
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr
    for needle in needles:
        assert needle in lines[0]


def test_unparseable_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "configscan/agency-config@1",\n "agency": {"name": "X", }\n}')
    html = tmp_path / "r.html"
    run = run_cli("scan", path, "--html", html)
    _assert_input_error(run, "broken.json", "line 2")
    assert not html.exists()


def test_unparseable_yaml_names_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format: configscan/agency-config@1\nagency: [name: X\n")
    _assert_input_error(run_cli("scan", path), "broken.yaml", "YAML")


def test_missing_required_field_names_it(tmp_path: Path, minimal: dict[str, Any]) -> None:
    del minimal["agency"]["state"]
    _assert_input_error(run_cli("scan", write_config(tmp_path, minimal)), "agency.json", "agency.state")


def test_wrong_type_names_field(tmp_path: Path, minimal: dict[str, Any]) -> None:
    minimal["retention_days"] = "thirty"
    _assert_input_error(run_cli("scan", write_config(tmp_path, minimal)), "retention_days")
    minimal["retention_days"] = 30
    minimal["partners"] = [{"name": "A PD", "direction": "sideways"}]
    _assert_input_error(run_cli("scan", write_config(tmp_path, minimal)), "partners.0.direction")


def test_wrong_format_and_bad_state(tmp_path: Path, minimal: dict[str, Any]) -> None:
    _assert_input_error(run_cli("scan", write_config(tmp_path, {**minimal, "format": "other@2"})), "format")
    minimal["agency"]["state"] = "XX"
    _assert_input_error(run_cli("scan", write_config(tmp_path, minimal)), "agency.state")


def test_missing_file_and_unknown_jurisdiction(tmp_path: Path, minimal: dict[str, Any]) -> None:
    _assert_input_error(run_cli("scan", tmp_path / "nope.json"), "nope.json")
    path = write_config(tmp_path, minimal)
    _assert_input_error(run_cli("scan", path, "--jurisdiction", "US-ZZ"), "US-ZZ")


def test_absent_values_are_unverified_not_passed(tmp_path: Path, minimal: dict[str, Any]) -> None:
    out = tmp_path / "r.json"
    run = run_cli("scan", write_config(tmp_path, minimal), "--json", out)
    report = json.loads(out.read_text())
    assert report["summary"]["verdict"] == "unverified"
    unverified = {f["check"] for f in report["findings"] if f["outcome"] == "unverified"}
    assert {"sharing.national_lookup", "retention.max", "search.reason_required"} <= unverified
    assert run.code == 1  # unverified national lookup in California is critical-rule territory


def test_report_carries_inputs_tool_and_partners(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--json", out)
    report = json.loads(out.read_text())
    assert report["schema_version"] and report["tool"]["name"] == "configscan"
    assert len(report["inputs"][0]["sha256"]) == 64
    names = {p["name"]: p for p in report["partners"]}
    assert names["Phoenix AZ PD"]["out_of_state"] is True
    assert names["U.S. Border Patrol"]["category"] == "federal_immigration"
    assert set(report["summary"]["counts"]) == {"critical", "high", "medium", "low", "info"}


def test_unwritable_report_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    run = run_cli("scan", EXAMPLES / "harbor-view-ca.json", "--json", blocker / "r.json")
    _assert_input_error(run, "r.json", "cannot write")
