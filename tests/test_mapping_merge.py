"""Column mappings (suggest and apply), merging several inputs, and the scan options that feed them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from configscan.cli import _mount_subcommands, app
from configscan.errors import InputError
from configscan.readers.base import Fragment
from configscan.readers.mapped import load_mapping, mapped_reader, suggest
from configscan.readers.merge import merge

DATA = Path(__file__).parent / "data" / "readers"
_mount_subcommands()
RUNNER = CliRunner()


def test_mapping_applies_columns_values_and_defaults() -> None:
    reader = mapped_reader(load_mapping(DATA / "generic-partners.toml"))
    path = DATA / "generic-partners.csv"
    assert reader.sniff(path, path.read_bytes())
    fragment = reader.read(path)
    partners = fragment.data["partners"]
    assert [(p["name"], p["direction"], p["link"]) for p in partners] == [
        ("Alder Falls Police Department", "outbound", "1:1"),
        ("Northern Sector Border Patrol", "inbound", "1:1"),
        ("Harbor Port Authority Police", "outbound", "1:1")]
    assert partners[1]["provenance"] == {"file": str(path), "row": 3, "column": "Agency"}
    assert fragment.problems == []


def test_mapping_does_not_claim_files_without_its_columns() -> None:
    reader = mapped_reader(load_mapping(DATA / "generic-partners.toml"))
    path = DATA / "sharing-list.csv"
    assert not reader.sniff(path, path.read_bytes())


@pytest.mark.parametrize(("text", "message"), [
    ('kind = "cars"\n[columns]\nname = "A"\n', "key 'kind'"),
    ('kind = "partners"\n', "[columns]"),
    ('kind = "partners"\n[columns]\ncolour = "A"\n', "'colour' is not a partners field"),
    ('kind = "partners"\n[columns]\nstate = "ST"\n', "must map 'name'"),
    ('kind = "partners"\n[columns\n', "invalid TOML"),
])
def test_bad_mapping_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message.replace("[", r"\[")) as info:
        load_mapping(path)
    assert str(path) in str(info.value)


def test_suggest_then_scan_with_the_suggestion(tmp_path: Path) -> None:
    draft = suggest(DATA / "sharing-list-directions.csv")
    assert 'kind = "partners"' in draft and 'name = "Organization Name"' in draft
    assert 'direction = "Direction"' in draft and 'since = "Date Shared"' in draft
    out = tmp_path / "m.toml"
    result = RUNNER.invoke(app, ["map", "suggest", str(DATA / "users.csv"), "--out", str(out)])
    assert result.exit_code == 0
    assert 'kind = "users"' in out.read_text() and 'email = "Email"' in out.read_text()
    assert load_mapping(out).kind == "users"


def test_scan_with_mapping_and_agency_options(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    result = RUNNER.invoke(app, ["scan", str(DATA / "generic-partners.csv"), "--mapping",
                                 str(DATA / "generic-partners.toml"), "--agency-name", "Home Town OR PD",
                                 "--agency-state", "OR", "--json", str(report), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["inputs"][0]["reader"] == "mapped"
    assert data["agency"]["name"] == "Home Town OR PD"
    assert {p["name"] for p in data["partners"]} >= {"Northern Sector Border Patrol"}


def test_scan_without_agency_is_a_one_line_error(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    result = RUNNER.invoke(app, ["scan", str(DATA / "settings.csv"), "--json", str(report)])
    assert result.exit_code == 2
    assert "field agency.name: no input gives it; pass --agency-name" in result.output
    assert not report.exists()


def test_merge_reports_conflicts_with_both_sources() -> None:
    a = Fragment("settings.csv", "flock-settings", {"sharing": {"national_lookup": False, "networks": [
        {"name": "LPR", "national_lookup": False, "cameras": 29}]}, "retention_days": 30})
    b = Fragment("config.yaml", "interchange", {"format": "configscan/agency-config@1",
                                                "agency": {"name": "Home Town OR PD", "state": "OR"},
                                                "sharing": {"national_lookup": True, "networks": [
                                                    {"name": "LPR", "national_lookup": True},
                                                    {"name": "Condor", "national_lookup": True}]},
                                                "retention_days": 30.0})
    merged, conflicts = merge([a, b], {"agency": {"name": "HOME TOWN  or pd", "state": "WA"}})
    assert [str(c) for c in conflicts] == [
        "sharing.national_lookup: settings.csv says False, config.yaml says True",
        "sharing.networks[LPR].national_lookup: settings.csv says False, config.yaml says True",
        "agency.state: config.yaml says 'OR', command line says 'WA'",
    ]
    assert [n["name"] for n in merged["sharing"]["networks"]] == ["LPR", "Condor"]
    assert merged["sharing"]["networks"][0]["cameras"] == 29
    assert merged["retention_days"] == 30  # 30 and 30.0 agree


def test_conflicting_inputs_become_unverified_findings(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    other = tmp_path / "config.yaml"
    other.write_text("format: configscan/agency-config@1\nagency: {name: Home Town OR PD, state: OR}\n"
                     "retention_days: 365\n")
    result = RUNNER.invoke(app, ["scan", str(other), str(DATA / "portal.html"), "--json", str(report),
                                 "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    conflict = [f for f in json.loads(report.read_text())["findings"] if f["check"] == "inputs.conflict"]
    assert conflict[0]["subject"] == "retention_days"
    assert conflict[0]["evidence"]["sources"] == {str(other): 365, str(DATA / "portal.html"): 30}
