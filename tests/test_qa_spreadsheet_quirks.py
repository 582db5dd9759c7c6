"""Spreadsheets as agencies and records offices really send them: title rows, odd delimiters, long cells."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl

from configscan.readers import vigilant
from configscan.registry import load_registry
from configscan.scan import pick_reader

from conftest import run_cli


def scan_json(tmp_path: Path, *inputs: Path, extra: tuple[str, ...] = ()) -> tuple[int, dict[str, object], str]:
    out = tmp_path / "report.json"
    run = run_cli("scan", *inputs, "--agency-name", "Eugene Police Department", "--agency-state", "OR",
                  "--fail-on", "never", "--json", out, *extra)
    report = json.loads(out.read_text()) if out.exists() else {}
    return run.code, report, run.stderr


def partner_names(report: dict[str, object]) -> list[str]:
    partners = report["partners"]
    assert isinstance(partners, list)
    return [p["name"] for p in partners]


def test_release_with_a_title_block_above_the_header_is_read(tmp_path: Path) -> None:
    release = tmp_path / "records-release.csv"
    release.write_text(
        "City of Eugene - Flock Safety organisations with access\n"
        "Generated 10/01/2026 by the Records Office\n"
        "\n"
        "Name;State;Type\n"
        "Salem OR PD;OR;Police Department\n"
        "U.S. Border Patrol;??;Federal\n",
        encoding="utf-8",
    )
    code, report, stderr = scan_json(tmp_path, release)
    assert code == 0, stderr
    assert partner_names(report) == ["Salem OR PD", "U.S. Border Patrol"]
    inputs = report["inputs"]
    assert isinstance(inputs, list) and inputs[0]["reader"] == "flock-sharing-list"


def test_title_block_rows_count_in_row_numbers(tmp_path: Path) -> None:
    release = tmp_path / "release.csv"
    release.write_text("Organisations with access\nName,State,Type\nSalem OR PD,OR,Police Department\n,OR,\n",
                       encoding="utf-8")
    code, report, stderr = scan_json(tmp_path, release)
    assert code == 3 and "1 row(s) could not be read" in stderr
    assert partner_names(report) == ["Salem OR PD"]
    fragment = pick_reader(release, load_registry().readers, None).read(release)
    assert fragment.problems == [f"{release}:4: no organisation name"]
    assert fragment.data["partners"][0]["provenance"]["row"] == 3


def test_xlsx_with_merged_banner_above_the_header_and_an_empty_first_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Cover"
    sheet = book.create_sheet("Sharing")
    sheet.append(["Agency Data Sharing - Eugene Police Department", None, None])
    sheet.merge_cells("A1:C1")
    sheet.append([None, None, None])
    sheet.append(["Organization Name", "State", "Organization Type"])
    sheet.append(["Salem OR PD", "OR", "Police Department"])
    sheet.append(["Yakima WA PD", "WA", "Police Department"])
    path = tmp_path / "sharing.xlsx"
    book.save(path)
    code, report, stderr = scan_json(tmp_path, path)
    assert code == 0, stderr
    assert partner_names(report) == ["Salem OR PD", "Yakima WA PD"]
    partners = report["partners"]
    assert isinstance(partners, list)


def test_single_column_list_is_not_mistaken_for_a_title_block(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Lines"
    lines = ["Detections Shared", "The Eugene Police Department Agency is Sharing its Detection data with the "
             "following Agencies:", "Salem Police Department (OR)", "Yakima Police Department (WA)",
             "Detections Received", "Boise Police Department (ID)"]
    for line in lines:
        sheet.append([line])
    sheet.append(["Hot-List Received"])
    sheet.append(["Agency:", "Hot List(s):"])
    sheet.append(["DHS-HSI (OR)", "HSI MASTER"])
    path = tmp_path / "learn-report.xlsx"
    book.save(path)
    fragment = vigilant.reader.read(path)
    names = [p["name"] for p in fragment.data["partners"]]
    assert names == ["Salem Police Department (OR)", "Yakima Police Department (WA)", "Boise Police Department (ID)"]
    assert fragment.data["hotlists"] == [{"name": "HSI MASTER", "source": "DHS-HSI (OR)", "subscribed": True}]


def test_a_very_long_free_text_cell_is_read_not_rejected(tmp_path: Path) -> None:
    notes = "Agreement renewed; see attached memorandum. " * 8000  # ~350 KB, over csv's 128 KiB default
    path = tmp_path / "sharing.csv"
    path.write_text(f'Name,State,Type,Notes\nSalem OR PD,OR,Police Department,"{notes}"\n', encoding="utf-8")
    code, report, stderr = scan_json(tmp_path, path)
    assert code == 0, stderr
    assert partner_names(report) == ["Salem OR PD"]


def test_tab_delimited_export_with_commas_inside_names(tmp_path: Path) -> None:
    path = tmp_path / "sharing.tsv"
    path.write_text("Name\tState\tType\nSheriff's Office, Lane County\tOR\tSheriff's Office\n"
                    "Salem OR PD\tOR\tPolice Department\n", encoding="utf-8")
    code, report, stderr = scan_json(tmp_path, path)
    assert code == 0, stderr
    assert partner_names(report) == ["Sheriff's Office, Lane County", "Salem OR PD"]


def test_sniffing_finds_the_header_below_a_title(tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text("Users export\r\nFirst Name,Last Name,Email,Role\r\nJane,Doe,jdoe@eugene-or.gov,Admin\r\n",
                    encoding="utf-8")
    reader = pick_reader(path, load_registry().readers, None)
    assert reader.name == "flock-users"


def test_wrapped_and_padded_names_are_one_name(tmp_path: Path) -> None:
    path = tmp_path / "sharing.csv"
    path.write_bytes('Name,State,Type\r\n"Salem OR PD\r\nPatrol Division",OR,Police Department\r\n'
                     '"Yakima\u00a0WA  PD  ",WA,Police Department\r\n'.encode("utf-8-sig"))
    code, report, stderr = scan_json(tmp_path, path)
    assert code == 0, stderr
    assert partner_names(report) == ["Salem OR PD Patrol Division", "Yakima WA PD"]


def test_user_names_from_a_users_export_with_padding(tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text('First Name,Last Name,Email,Role\n"Mary\n Ann",Doe,mdoe@eugene-or.gov,Admin\n', encoding="utf-8")
    fragment = pick_reader(path, load_registry().readers, None).read(path)
    assert fragment.data["users"][0]["name"] == "Mary Ann Doe"


def test_double_encoded_utf8_names_are_repaired(tmp_path: Path) -> None:
    path = tmp_path / "sharing.csv"
    text = "Name,State,Type\nCounty Marshal\u2019s Office,OR,Marshal\nPolic\u00eda de Ca\u00f1on City,CO,Police\n"
    path.write_bytes(text.encode("utf-8").decode("cp1252").encode("utf-8"))  # opened as ANSI, saved as UTF-8
    code, report, stderr = scan_json(tmp_path, path)
    assert code == 0, stderr
    assert partner_names(report) == ["County Marshal\u2019s Office", "Polic\u00eda de Ca\u00f1on City"]


def test_text_that_only_looks_like_mojibake_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "sharing.csv"
    path.write_text("Name,State,Type\nCaf\u00c3\u00a9 Patrol \u2014 \u4e2d,OR,Private\n", encoding="utf-8")
    code, report, stderr = scan_json(tmp_path, path)
    assert partner_names(report) == ["Caf\u00c3\u00a9 Patrol \u2014 \u4e2d"]


def test_empty_and_blank_files_say_so(tmp_path: Path) -> None:
    empty, blank_lines = tmp_path / "empty.csv", tmp_path / "blank.csv"
    empty.write_bytes(b"")
    blank_lines.write_bytes(b"\xef\xbb\xbf\r\n\r\n  \r\n")
    for path, says in ((empty, "the file is empty"), (blank_lines, "the file is empty (only blank lines)")):
        code, report, stderr = scan_json(tmp_path, path)
        assert code == 2 and not report
        assert stderr.strip() == f"configscan: error: {path}: {says}"


def test_a_compiled_workbook_is_read_sheet_by_sheet_by_every_reader_it_needs(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sharing = book.active
    assert sharing is not None
    sharing.title = "Sharing"
    sharing.append(["Name", "State", "Type"])
    sharing.append(["Salem OR PD", "OR", "Police Department"])
    sharing.append(["U.S. Border Patrol", "", "Federal"])
    users = book.create_sheet("Users")
    users.append(["First Name", "Last Name", "Email", "Role"])
    users.append(["Sam", "Agent", "sagent@ice.dhs.gov", "Search Only"])
    settings = book.create_sheet("Settings")
    settings.append(["Network", "National Lookup", "Statewide Lookup"])
    settings.append(["Eugene OR PD - LPR", "Off", "On"])
    path = tmp_path / "compiled-release.xlsx"
    book.save(path)
    code, report, stderr = scan_json(tmp_path, path)
    assert code == 0, stderr
    assert partner_names(report) == ["Salem OR PD", "U.S. Border Patrol"]
    inputs = report["inputs"]
    assert isinstance(inputs, list)
    assert sorted(i["reader"] for i in inputs) == ["flock-settings", "flock-sharing-list", "flock-users"]
    checks = {f["check"] for f in report["findings"]}  # type: ignore[index]
    assert {"partners.federal_link", "users.federal_accounts"} <= checks


def test_excel_unicode_text_export_utf16_tab_delimited(tmp_path: Path) -> None:
    path = tmp_path / "sharing.txt"
    text = "Name\tState\tType\r\nCounty Marshal\u2019s Office\tOR\tMarshal\r\nSalem OR PD\tOR\tPolice Department\r\n"
    path.write_bytes(text.encode("utf-16"))  # with the byte-order mark, as Excel writes it
    code, report, stderr = scan_json(tmp_path, path)
    assert code == 0, stderr
    assert partner_names(report) == ["County Marshal\u2019s Office", "Salem OR PD"]


def test_vigilant_report_text_saved_as_utf16(tmp_path: Path) -> None:
    path = tmp_path / "learn.txt"
    path.write_bytes("Detections Shared\nThe Eugene Police Department Agency is Sharing its Detection data with the "
                     "following Agencies:\nExample Sector Border Patrol (CA)\n".encode("utf-16"))
    fragment = pick_reader(path, load_registry().readers, None).read(path)
    assert [p["name"] for p in fragment.data["partners"]] == ["Example Sector Border Patrol (CA)"]


def test_workbook_rows_keep_their_spreadsheet_numbers_below_blank_rows(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Orgs"
    sheet["B3"], sheet["C3"], sheet["D3"] = "Organization Name", "State", "Date Shared"
    sheet["B5"], sheet["C5"], sheet["D5"] = "Salem OR PD", "OR", dt.datetime(2025, 1, 5)
    sheet["B6"], sheet["C6"] = "Yakima WA PD", 0  # a number typed where a state belongs
    path = tmp_path / "orgs.xlsx"
    book.save(path)
    fragment = pick_reader(path, load_registry().readers, None).read(path)
    first, second = fragment.data["partners"]
    assert first["provenance"] == {"file": str(path), "row": 5, "sheet": "Orgs", "column": "Organization Name"}
    assert first["since"] == dt.date(2025, 1, 5)
    assert second["provenance"]["row"] == 6 and second["state_as_exported"] == "0"


def test_a_notes_cell_in_the_name_column_is_an_unreadable_row_not_a_partner(tmp_path: Path) -> None:
    path = tmp_path / "sharing.csv"
    essay = "Per the MOU dated 2024, access is limited to investigations. " * 2000
    path.write_text(f'Name,State,Type\n"{essay}",OR,Police Department\nSalem OR PD,OR,Police Department\n',
                    encoding="utf-8")
    code, report, stderr = scan_json(tmp_path, path)
    assert code == 3 and "1 row(s) could not be read" in stderr
    assert partner_names(report) == ["Salem OR PD"]
