"""``configscan partners classify``: JSON lines, table, and clean exit-2 errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from configscan.cli import _mount_subcommands, app

_mount_subcommands()
RUNNER = CliRunner()
EUGENE = Path(__file__).parent / "data" / "real" / "eugene-or" / "sharing-list.csv"


def test_json_lines_carry_input_fields_and_verdict(tmp_path: Path) -> None:
    listing = tmp_path / "partners.csv"
    listing.write_text("name,state,ori,org_type\nU.S. Border Patrol,,,\nCarson City NV SO,WA,,Sheriff's Office\n"
                       "Casa Grande Station,AZ,AZCBP2500,\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["partners", "classify", str(listing), "--agency-state", "OR", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["category"] for r in lines] == ["federal_immigration", "local", "federal_immigration"]
    carson = lines[1]
    assert carson["state"] == "WA" and carson["classified_state"] == "NV"
    assert carson["out_of_state"] is True and carson["state_conflict"] is True
    assert carson["org_type"] == "Sheriff's Office" and carson["reasons"] and 0 < carson["confidence"] <= 1
    assert lines[2]["ori"] == "AZCBP2500"


def test_real_sharing_list_reads_as_released_and_prints_a_table() -> None:
    result = RUNNER.invoke(app, ["partners", "classify", str(EUGENE), "--agency-state", "OR"])
    assert result.exit_code == 0, result.output
    assert "Colville WA Tribal Police" in result.stdout and "tribal" in result.stdout
    assert "59 partners" in result.stderr and "1 unverified" in result.stderr


def test_missing_name_column_is_a_one_line_error(tmp_path: Path) -> None:
    listing = tmp_path / "bad.csv"
    listing.write_text("agency,state\nEugene PD,OR\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["partners", "classify", str(listing)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert str(listing) in result.stderr and "no 'name' column" in result.stderr


def test_empty_name_row_and_missing_file_and_bad_state(tmp_path: Path) -> None:
    listing = tmp_path / "rows.csv"
    listing.write_text("name,state\nEugene OR PD,OR\n,WA\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["partners", "classify", str(listing)])
    assert result.exit_code == 2 and "row 3: empty name" in result.stderr
    missing = RUNNER.invoke(app, ["partners", "classify", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    bad_state = RUNNER.invoke(app, ["partners", "classify", str(listing), "--agency-state", "Oregonia"])
    assert bad_state.exit_code == 2 and "--agency-state" in bad_state.stderr


def test_bad_directory_override_is_an_input_error(tmp_path: Path) -> None:
    listing = tmp_path / "p.csv"
    listing.write_text("name\nAlbany OR PR\n", encoding="utf-8")
    directory = tmp_path / "d.csv"
    directory.write_text("name,category\nAlbany OR PR,parks\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["partners", "classify", str(listing), "--directory", str(directory)])
    assert result.exit_code == 2 and "row 2" in result.stderr and str(directory) in result.stderr
