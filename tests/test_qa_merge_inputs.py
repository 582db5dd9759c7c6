"""Several inputs for one agency: the same organisation or user in two exports is one record, not two."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from configscan.readers.base import Fragment
from configscan.readers.merge import merge

from conftest import EXAMPLES, ROOT, run_cli

READERS = ROOT / "tests" / "data" / "readers"


def report_of(tmp_path: Path, *inputs: Path) -> tuple[int, dict[str, object]]:
    out = tmp_path / "report.json"
    run = run_cli("scan", *inputs, "--agency-name", "Home Town Police Department", "--agency-state", "OR",
                  "--fail-on", "never", "--json", out)
    return run.code, json.loads(out.read_text())


def test_the_same_export_given_twice_reports_each_finding_once(tmp_path: Path) -> None:
    _, once = report_of(tmp_path, EXAMPLES / "pinecrest-ca.json")
    _, twice = report_of(tmp_path, EXAMPLES / "pinecrest-ca.json", EXAMPLES / "pinecrest-ca.json")
    assert twice["summary"] == once["summary"]
    assert sorted(f["fingerprint"] for f in twice["findings"]) == sorted(f["fingerprint"] for f in once["findings"])


def test_sharing_list_and_shared_networks_describe_one_partner_each(tmp_path: Path) -> None:
    _, report = report_of(tmp_path, READERS / "sharing-list-directions.csv", READERS / "shared-networks.csv")
    names = Counter(p["name"] for p in report["partners"])
    assert names["Alder Falls OR PD"] == 1
    assert names["[Federal] Federal Bureau of Investigation (FBI)"] == 1
    fingerprints = Counter(f["fingerprint"] for f in report["findings"])
    assert max(fingerprints.values()) == 1
    fbi = [f for f in report["findings"] if f["check"] == "partners.federal_link"]
    assert len(fbi) == 1


def test_outbound_in_one_input_and_inbound_in_another_is_both() -> None:
    shared = Fragment("we-share-with.csv", "flock-sharing-list",
                      {"partners": [{"name": "Salem OR PD", "direction": "outbound", "state": "OR"}]})
    received = Fragment("we-receive-from.csv", "flock-sharing-list",
                        {"partners": [{"name": "salem or  pd", "direction": "inbound"}]})
    data, conflicts = merge([shared, received])
    assert data["partners"] == [{"name": "Salem OR PD", "direction": "both", "state": "OR"}]
    assert conflicts == []


def test_inputs_disagreeing_on_a_partner_status_is_a_conflict_not_a_second_partner() -> None:
    old = Fragment("list-2025.csv", "flock-sharing-list", {"partners": [{"name": "Salem OR PD", "status": "active"}]})
    new = Fragment("list-2026.csv", "flock-sharing-list", {"partners": [{"name": "Salem OR PD", "status": "revoked"}]})
    data, conflicts = merge([old, new])
    assert len(data["partners"]) == 1
    assert [str(c) for c in conflicts] == [
        "partners[Salem OR PD].status: list-2025.csv says 'active', list-2026.csv says 'revoked'"]


def test_a_user_in_the_users_export_and_the_interchange_file_is_one_user(tmp_path: Path) -> None:
    agency = tmp_path / "agency.yaml"
    agency.write_text("format: configscan/agency-config@1\nagency: {name: Home Town Police Department, state: OR}\n"
                      "users:\n  - {email: SAgent@ice.dhs.gov, role: Search Only}\n", encoding="utf-8")
    _, report = report_of(tmp_path, agency, READERS / "users.csv")
    federal = [f for f in report["findings"] if f["check"] == "users.federal_accounts"]
    assert len(federal) == 1


def test_one_organisation_on_several_rows_of_one_list_is_not_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "sharing.csv"
    path.write_text("Organization Name,State,Type,Status,Date Shared\n"
                    "Salem OR PD,OR,Police Department,Revoked,2024-01-05\n"
                    "Salem OR PD,OR,Police Department,Active,2025-06-30\n"
                    "salem or pd,OR,Police Department,Pending,2025-07-01\n", encoding="utf-8")
    _, report = report_of(tmp_path, path)
    assert [(p["name"], p["status"]) for p in report["partners"]] == [("Salem OR PD", "active")]
    evidence = [f["evidence"] for f in report["findings"] if f["subject"] == "Salem OR PD"]
    assert all(e.get("since", "2024-01-05") == "2024-01-05" for e in evidence)
    assert not [f for f in report["findings"] if f["check"] == "inputs.conflict"]


def test_a_conflict_names_the_partner_as_first_listed() -> None:
    old = Fragment("a.csv", "flock-sharing-list", {"partners": [{"name": "Salem OR PD", "since": "2024-01-05"}]})
    new = Fragment("b.csv", "flock-sharing-list", {"partners": [{"name": "SALEM OR PD", "since": "2025-01-05"}]})
    _, conflicts = merge([old, new])
    assert [str(c) for c in conflicts] == [
        "partners[Salem OR PD].since: a.csv says '2024-01-05', b.csv says '2025-01-05'"]
