"""One-direction sharing lists: --direction, the list's own title or sheet name, mappings and the interchange key.

Measured on Eugene's real list (59 partners that share with the department, no direction column): without a
direction 35 out-of-state partners are "direction unknown"; told it is an inbound list, none is, and the
report says so on its first screen.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from configscan.readers.listdirection import phrase_direction

from conftest import ROOT, run_cli, write_config

EUGENE = ROOT / "tests" / "data" / "real" / "eugene-or" / "sharing-list.csv"
UNKNOWN = "an out-of-state partner is linked but the export does not give the direction"


def _scan(tmp_path: Path, *args: str) -> tuple[int, dict]:
    out = tmp_path / "r.json"
    run = run_cli("scan", *args, "--json", str(out), "--html", str(tmp_path / "r.html"), "-q")
    assert run.code in (0, 1, 3), run.stderr
    return run.code, json.loads(out.read_text(encoding="utf-8"))


def _unknown(report: dict) -> int:
    return sum(UNKNOWN in f["title"] for f in report["findings"])


def test_eugene_real_list_direction_unknown_before_and_none_after_inbound(tmp_path: Path) -> None:
    base = (str(EUGENE), "--agency-name", "Eugene OR PD", "--agency-state", "OR")
    _, before = _scan(tmp_path, *base)
    _, after = _scan(tmp_path, *base, "--direction", "inbound")
    assert _unknown(before) == 35
    assert any("no direction" in a and "--direction" in a for a in before["assumptions"])
    assert _unknown(after) == 0
    assert after["assumptions"] == [
        "59 partner(s) read as inbound (this agency can search their data; the list does not show who can search "
        "ours); source: --direction inbound."]
    assert {p["direction"] for p in after["partners"]} == {"inbound"}
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    first_screen = html[:html.index('id="assumptions"') + 400]
    assert 'id="verdict' in first_screen and "read as inbound" in first_screen


def test_outbound_turns_unknown_into_violations_citing_the_assumption(tmp_path: Path) -> None:
    _, report = _scan(tmp_path, str(EUGENE), "--agency-name", "Eugene OR PD", "--agency-state", "OR",
                      "--direction", "outbound")
    links = [f for f in report["findings"] if f["check"] == "partners.out_of_state_link" and f["outcome"] == "fail"]
    assert len(links) == 35
    assert all(f["evidence"]["direction_basis"] == "--direction outbound" for f in links)


def _list(path: Path, title: str | None, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if title:
            writer.writerow([title])
        writer.writerow(["Name", "State", "Type"])
        writer.writerows(rows)
    return path


ROWS = [["Auburn WA PD", "WA", "Police Department"], ["Ada County ID SO", "ID", "Sheriff's Office"],
        ["Springfield OR PD", "OR", "Police Department"]]


@pytest.mark.parametrize(("title", "expected", "unknown"), [
    ("Networks I'm sharing with", "outbound", 0),
    ("Organizations that can search Example City OR PD", "outbound", 0),
    ("Shared with me", "inbound", 0),
    ("Organizations sharing their data with Example City OR PD", "inbound", 0),
    ("Flock sharing report", None, 2),  # says neither: still unknown
])
def test_vendor_list_titles_say_the_direction_without_the_flag(tmp_path: Path, title: str, expected: str | None,
                                                               unknown: int) -> None:
    path = _list(tmp_path / "release.csv", title, ROWS)
    _, report = _scan(tmp_path, str(path), "--agency-name", "Example City OR PD", "--agency-state", "OR")
    assert {p["direction"] for p in report["partners"]} == {expected}
    assert _unknown(report) == unknown
    if expected:
        assert any(f"title {title!r}" in a for a in report["assumptions"])


def test_sheet_names_say_the_direction_and_a_direction_column_wins(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shared with me"
    sheet.append(["Name", "State", "Type", "Direction"])
    sheet.append(["Auburn WA PD", "WA", "Police Department", ""])
    sheet.append(["Ada County ID SO", "ID", "Sheriff's Office", "Both"])
    path = tmp_path / "release.xlsx"
    book.save(path)
    _, report = _scan(tmp_path, str(path), "--agency-name", "Example City OR PD", "--agency-state", "OR")
    directions = {p["name"]: p["direction"] for p in report["partners"]}
    assert directions == {"Auburn WA PD": "inbound", "Ada County ID SO": "both"}
    assert report["assumptions"] == ["1 partner(s) read as inbound (this agency can search their data; the list "
                                     "does not show who can search ours); source: sheet name 'Shared with me'."]


def test_mapping_direction_key_and_interchange_partners_direction(tmp_path: Path, minimal: dict) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("Agency,ST\nAuburn WA PD,WA\nAda County ID SO,ID\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('kind = "partners"\ndirection = "outbound"\n[columns]\nname = "Agency"\nstate = "ST"\n',
                       encoding="utf-8")
    _, report = _scan(tmp_path, str(path), "--mapping", str(mapping), "--agency-name", "X OR PD",
                      "--agency-state", "OR")
    assert {p["direction"] for p in report["partners"]} == {"outbound"}
    assert any(f'direction = "outbound" in {mapping}' in a for a in report["assumptions"])

    minimal["agency"]["state"] = "OR"
    minimal["partners_direction"] = "Inbound"
    minimal["partners"] = [{"name": "Auburn WA PD", "state": "WA"}, {"name": "Boise ID PD", "state": "ID",
                                                                      "direction": "outbound"}]
    _, report = _scan(tmp_path, str(write_config(tmp_path, minimal)))
    assert {p["name"]: p["direction"] for p in report["partners"]} == {"Auburn WA PD": "inbound",
                                                                       "Boise ID PD": "outbound"}
    _, flagged = _scan(tmp_path, str(write_config(tmp_path, minimal)), "--direction", "outbound")
    assert {p["direction"] for p in flagged["partners"]} == {"outbound"}  # the flag overrides the file's key


def test_a_bad_mapping_direction_is_an_input_error(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('kind = "partners"\ndirection = "sideways"\n[columns]\nname = "Agency"\n', encoding="utf-8")
    path = tmp_path / "orgs.csv"
    path.write_text("Agency\nAuburn WA PD\n", encoding="utf-8")
    run = run_cli("scan", str(path), "--mapping", str(mapping), "--agency-name", "X", "--agency-state", "OR")
    assert run.code == 2 and "direction" in run.stderr and "sideways" in run.stderr


@pytest.mark.parametrize(("text", "expected"), [
    ("Networks Shared With Me", "inbound"), ("Detections Received", "inbound"), ("Detections Shared", "outbound"),
    ("Agencies we share with", "outbound"), ("Agencies that share with us", "inbound"),
    ("Organizations granted access to Livingston CA PD data", "outbound"), ("Sharing", None), ("A1", None),
    ("Users", None),
])
def test_phrases(text: str, expected: str | None) -> None:
    assert phrase_direction(text) == expected
