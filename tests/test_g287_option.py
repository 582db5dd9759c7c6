"""``--287g FILE`` on scan, audit and portfolio: a newer ICE list than the bundled one is used for partners and
searchers, and every report states that list's date (its own column, else the date in ICE's file name)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from audit_fixtures import L13, l13_row, write_csv
from openpyxl import Workbook

from configscan.partners.g287 import date_in_name, load_roster

from conftest import run_cli

ICE_HEADER = "STATE,LAW ENFORCEMENT AGENCY,TYPE,SUPPORT TYPE,SIGNED,COUNTY,MOA\n"
# Agencies that signed after the bundled list of 2026-05-18 (neither is on it).
NEWER_ROWS = ("OREGON,Keizer Police Department,Municipality,Task Force Model,2026-09-01,Marion,link\n"
              "OREGON,Keizer Police Department,Municipality,Warrant Service Officer,2026-09-01,Marion,link\n"
              "WASHINGTON,Auburn Police Department,Municipality,Task Force Model,2026-08-14,King,link pending\n")


def newer_list(folder: Path, name: str = "participatingAgencies10092026am.csv") -> Path:
    path = folder / name
    path.write_text(ICE_HEADER + NEWER_ROWS, encoding="utf-8")
    return path


def agency(tmp_path: Path, partners: list[dict[str, Any]]) -> Path:
    path = tmp_path / "pinecrest.json"
    path.write_text(json.dumps({
        "format": "configscan/agency-config@1", "agency": {"name": "Pinecrest Police Department", "state": "CA"},
        "sharing": {"national_lookup": False, "statewide_lookup": False}, "partners": partners,
        "retention_days": 30, "search_reason_required": True}), encoding="utf-8")
    return path


KEIZER = {"name": "Keizer OR PD", "state": "OR", "direction": "outbound", "link": "1:1", "status": "active"}


def g287_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check"] == "partners.g287"]


def test_scan_with_a_newer_list_finds_a_partner_the_bundled_list_lacks(tmp_path: Path) -> None:
    export = agency(tmp_path, [KEIZER])
    bundled = tmp_path / "bundled.json"
    run_cli("scan", export, "--json", bundled, "-q")
    before = json.loads(bundled.read_text())
    assert not g287_findings(before) and before["g287_list"]["date"] == "2026-05-18"

    listed = newer_list(tmp_path)
    out, html = tmp_path / "r.json", tmp_path / "r.html"
    run = run_cli("scan", export, "--287g", listed, "--json", out, "--html", html, "-q")
    assert run.code == 1
    report = json.loads(out.read_text())
    assert report["g287_list"] == {"source": str(listed), "date": "2026-10-09", "agencies": 2, "agreements": 3}
    found = g287_findings(report)
    assert found and not found[0]["advisory"] and found[0]["layer"] == "US-CA"  # California bars immigration use
    assert found[0]["subject"] == "Keizer OR PD"  # as the export writes it
    assert "2026-10-09" in found[0]["evidence"]["287(g) list"] and str(listed) in found[0]["evidence"]["287(g) list"]
    assert report["reach"]["g287"] == 1
    assert "2026-10-09" in html.read_text(encoding="utf-8")


def test_audit_counts_searches_by_agencies_on_the_newer_list(tmp_path: Path) -> None:
    log = write_csv(tmp_path / "audit.csv", L13, [
        l13_row(1, "Keizer OR PD", "Motor Vehicle Theft/Stolen"),
        l13_row(2, "Keizer OR PD", "ICE hold", when="04/02/2026, 01:00:00 PM UTC"),
        l13_row(3, "Auburn WA PD", "investigation"),
        l13_row(4, "Fresno CA PD", "Burglary/Breaking & Entering"),
    ])
    out = tmp_path / "a.json"
    run_cli("audit", log, "--agency-state", "CA", "--json", out, "-q")
    assert json.loads(out.read_text())["audit"]["g287"] == []  # the bundled list has neither
    listed = newer_list(tmp_path)
    run_cli("audit", log, "--agency-state", "CA", "--287g", listed, "--json", out, "-q")
    report = json.loads(out.read_text())
    assert report["g287_list"]["date"] == "2026-10-09" and report["g287_list"]["source"] == str(listed)
    counted = {a["name"]: (a["listed_as"], a["searches"], a["immigration"]) for a in report["audit"]["g287"]}
    assert counted == {"Keizer OR PD": ("Keizer Police Department", 2, 1),
                       "Auburn WA PD": ("Auburn Police Department", 1, 0)}


def test_ice_workbook_with_title_rows_and_date_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["287(g) Participating Agencies"])
    sheet.append([])
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "COUNTY"])
    sheet.append(["OREGON", "Keizer Police Department", "Municipality", "Task Force Model", dt.datetime(2026, 9, 1),
                  "Marion"])
    sheet.append(["TEXAS ", "Alice Police Department", "Municipality", "Warrant Service Officer",
                  dt.datetime(2025, 3, 4), "Jim Wells"])
    sheet.append([None, None, None, None, None, None])
    path = tmp_path / "participatingAgencies10092026am.xlsx"
    book.save(path)
    roster = load_roster(path)
    assert (roster.info.date, roster.info.agencies, roster.info.agreements) == (dt.date(2026, 10, 9), 2, 2)
    hit = roster.match("Keizer OR PD", None)
    assert hit is not None and hit.signed == "2026-09-01" and hit.models == ["Task Force Model"]
    export = agency(tmp_path, [KEIZER])
    out = tmp_path / "r.json"
    run_cli("scan", export, "--287g", path, "--json", out, "-q")
    assert json.loads(out.read_text())["g287_list"]["date"] == "2026-10-09"


def test_the_lists_date_column_wins_and_an_undated_list_says_so(tmp_path: Path) -> None:
    assert date_in_name("participatingAgencies05182026am.xlsx") == dt.date(2026, 5, 18)
    assert date_in_name("ice-287g-2026-10-09.csv") == dt.date(2026, 10, 9)
    assert date_in_name("ice_287g_20261009.csv") == dt.date(2026, 10, 9)
    assert date_in_name("ice-287g.csv") is None and date_in_name("list-13452026.csv") is None
    dated = tmp_path / "ice-287g-2026-10-09.csv"
    dated.write_text("state,agency,agency_type,support_type,signed,source_list_date\n"
                     "OREGON,Keizer Police Department,Municipality,Task Force Model,2026-09-01,2026-10-02\n", "utf-8")
    assert load_roster(dated).info.date == dt.date(2026, 10, 2)
    undated = newer_list(tmp_path, "ice-287g.csv")
    out = tmp_path / "r.json"
    run_cli("scan", agency(tmp_path, [KEIZER]), "--287g", undated, "--json", out, "-q")
    report = json.loads(out.read_text())
    assert report["g287_list"]["date"] is None
    assert "undated" in g287_findings(report)[0]["evidence"]["287(g) list"]


def test_an_unusable_list_is_an_input_error_naming_it(tmp_path: Path) -> None:
    export = agency(tmp_path, [KEIZER])
    for name, content in (("missing.csv", None), ("no-columns.csv", "name,city\nKeizer,Keizer\n"),
                          ("bad-state.csv", ICE_HEADER + "ATLANTIS,Keizer Police Department,Municipality,,,,\n"),
                          ("broken.xlsx", "not a workbook")):
        path = tmp_path / name
        if content is not None:
            path.write_text(content, encoding="utf-8")
        out = tmp_path / f"{name}.json"
        for command in (["scan", export], ["audit", write_csv(tmp_path / "log.csv", L13, [l13_row(1, "Fresno CA PD",
                                                                                                 "theft")]),
                                           "--agency-state", "CA"]):
            run = run_cli(*command, "--287g", path, "--json", out, "-q")
            assert run.code == 2, (name, command[0], run.stderr)
            assert name in run.stderr and len(run.stderr.strip().splitlines()) == 1
            assert not out.exists()
