"""Audit logs other than Flock's: Vigilant-style query logs by header name, any log through a kind = "audit" mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from audit_fixtures import network_audit
from typer.testing import CliRunner

from configscan.audit.inputs.layouts import header_layout
from configscan.cli import _mount_subcommands, app
from configscan.errors import InputError
from configscan.readers.mapped import load_mapping

DATA = Path(__file__).resolve().parent / "data" / "audit"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
VIGILANT = DATA / "vigilant-queries.csv"
LEARN = DATA / "learn-query-log.csv"
LEARN_MAP = DATA / "learn-query-log.toml"
_mount_subcommands()
RUNNER = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, list(args))
    return result.exit_code, result.stderr if result.stderr_bytes is not None else result.output


def _audit(tmp_path: Path, *args: str) -> tuple[int, dict]:
    out = tmp_path / "r.json"
    code, err = _run("audit", *args, "--agency-state", "CA", "--json", str(out))
    assert out.exists(), err
    return code, json.loads(out.read_text())


def _subjects(report: dict, check: str) -> set[str]:
    return {f["subject"] for f in report["findings"] if f["check"] == check and f["outcome"] == "fail"}


def test_vigilant_style_query_log_is_read_by_its_header_names(tmp_path: Path) -> None:
    code, report = _audit(tmp_path, str(VIGILANT))
    assert code == 1
    assert _subjects(report, "audit.federal_searcher") == {"DHS-HSI (Newark NJ)", "Federal Bureau of Investigation"}
    assert _subjects(report, "audit.immigration_reason") == {"Pinecrest Police Department (CA)"}
    assert _subjects(report, "audit.out_of_state_searcher") == {"searchers from AZ"}
    audit = report["audit"]
    assert audit["searches"] == 7 and audit["times_unreadable"] == 0 and not report["errors"]
    assert (audit["first_seen"], audit["last_seen"]) == ("2025-03-04T13:22:05", "2025-03-10T10:10:10")


@pytest.mark.parametrize(("header", "expected"), [
    (["User", "Agency", "Date/Time", "Plate", "Reason", "Case Number"],
     {"user": 0, "org": 1, "search_time": 2, "plate": 3, "reason": 4, "case": 5}),
    (["Query ID", "Officer Name", "Agency Name", "Query Date", "Query Time", "Plate Number", "Purpose"],
     {"id": 0, "user": 1, "org": 2, "search_time": 4, "plate": 5, "reason": 6}),
    (["Reason", "DateTime"], {"reason": 0, "search_time": 1}),  # a bare spreadsheet audit sheet (Irvine's)
])
def test_query_log_header_spellings(header: list[str], expected: dict[str, int]) -> None:
    layout = header_layout(header)
    assert layout is not None and layout.columns == expected
    assert layout.split_date == (3 if "Query Time" in header else None)


def test_two_unrelated_columns_are_not_an_audit_header() -> None:
    assert header_layout(["Reason", "Plate"]) is None
    assert header_layout(["Name", "State", "Type"]) is None


def test_unknown_headers_need_the_mapping_and_read_through_it(tmp_path: Path) -> None:
    code, err = _run("audit", str(LEARN), "--agency-state", "CA", "--json", str(tmp_path / "r.json"))
    assert code == 2 and "no audit header found" in err and not (tmp_path / "r.json").exists()
    code, report = _audit(tmp_path, str(LEARN), "--mapping", str(LEARN_MAP))
    assert code == 1
    assert _subjects(report, "audit.federal_searcher") == {"U.S. Border Patrol"}
    assert _subjects(report, "audit.immigration_reason") == {"Pinecrest Police Department (CA)"}
    assert _subjects(report, "audit.out_of_state_searcher") == {"searchers from NV"}
    assert report["audit"]["files"][0]["layout"] == "mapped by learn-query-log.toml"
    assert report["audit"]["searches"] == 5 and report["audit"]["times_unreadable"] == 0


def test_mapping_applies_to_fitting_files_and_others_keep_header_detection(tmp_path: Path) -> None:
    flock = network_audit(tmp_path / "flock.csv")
    code, report = _audit(tmp_path, str(flock), str(VIGILANT), str(LEARN), "--mapping", str(LEARN_MAP))
    layouts = {Path(f["label"]).name: f["layout"] for f in report["audit"]["files"]}
    assert layouts == {"flock.csv": "L13", "vigilant-queries.csv": "query log (Vigilant style)",
                       "learn-query-log.csv": "mapped by learn-query-log.toml"}
    assert report["audit"]["searches"] == 10 + 7 + 5
    assert {"U.S. Border Patrol", "DHS-HSI (Newark NJ)"} <= _subjects(report, "audit.federal_searcher")


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_mapped_column_missing_from_the_header_is_a_one_line_error(tmp_path: Path) -> None:
    wrong = LEARN_MAP.read_text(encoding="utf-8").replace('"Justification"', '"Justification Text"')
    out = tmp_path / "out" / "r.json"
    code, err = _run("audit", str(LEARN), "--agency-state", "CA", "--json", str(out), "--mapping",
                     str(_mapping(tmp_path, wrong)))
    assert code == 2 and err.count("\n") == 1
    assert str(LEARN) in err and "'Justification Text'" in err and "not in the header" in err
    assert not out.exists()


def test_a_mapping_that_fits_no_file_is_an_error_even_when_headers_are_recognised(tmp_path: Path) -> None:
    # A typo in the mapping must not pass unnoticed because the file happens to be readable without it.
    mapping = _mapping(tmp_path, 'kind = "audit"\n[columns]\nreason = "Query Reason"\norg = "Requesting Agency"\n')
    code, err = _run("audit", str(VIGILANT), "--agency-state", "CA", "--mapping", str(mapping))
    assert code == 2 and "'Requesting Agency'" in err and "vigilant-queries.csv" in err


def test_a_non_audit_mapping_is_refused_by_audit(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, 'kind = "partners"\n[columns]\nname = "Agency"\n')
    code, err = _run("audit", str(VIGILANT), "--agency-state", "CA", "--mapping", str(mapping))
    assert code == 2 and 'kind must be "audit"' in err


@pytest.mark.parametrize(("text", "message"), [
    ('kind = "audit"\n[columns]\nuser = "User"\nplate = "Plate"\n', "must map 'reason' or 'org'"),
    ('kind = "audit"\n[columns]\nreason = "Reason"\n[values.reason]\n"IMM" = "Immigration"\n', "[values]"),
    ('kind = "audit"\n[columns]\nreason = "Reason"\nofficer = "Officer"\n', "'officer' is not a audit field"),
])
def test_audit_mapping_files_are_checked(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match="m.toml") as caught:
        load_mapping(_mapping(tmp_path, text))
    assert message in str(caught.value)


def test_split_date_and_time_columns_through_a_mapping(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("Day,At,Agency Searching,Why\n"
                   "03/04/2025,13:22:05,U.S. Border Patrol,ICE assist\n"
                   "03/05/2025,09:00:00,Fresno Police Department (CA),Robbery\n", encoding="utf-8")
    mapping = _mapping(tmp_path, 'kind = "audit"\n[columns]\nsearch_date = "Day"\nsearch_time = "At"\n'
                       'org = "Agency Searching"\nreason = "Why"\n')
    _, report = _audit(tmp_path, str(log), "--mapping", str(mapping))
    assert report["audit"]["times_unreadable"] == 0
    assert (report["audit"]["first_seen"], report["audit"]["last_seen"]) == ("2025-03-04T13:22:05",
                                                                           "2025-03-05T09:00:00")
    # "ICE assist" names the agency and states no purpose: a federal-sharing finding, not an immigration-purpose one.
    assert _subjects(report, "audit.immigration_reason") == set()
    agency = [f for f in report["findings"] if f["check"] == "audit.immigration_agency_reason"]
    assert agency and all(set(f["evidence"]["top_organisations"]) == {"U.S. Border Patrol"} for f in agency)


def test_map_suggest_proposes_an_audit_mapping_that_works(tmp_path: Path) -> None:
    draft = tmp_path / "draft.toml"
    code, _ = _run("map", "suggest", str(VIGILANT), "--out", str(draft))
    assert code == 0
    mapping = load_mapping(draft)
    assert mapping.kind == "audit"
    assert mapping.columns == {"org": "User Agency", "user": "User", "reason": "Query Reason",
                               "search_time": "Query Date", "plate": "License Plate", "case": "Case Number"}
    _, report = _audit(tmp_path, str(VIGILANT), "--mapping", str(draft))
    assert report["audit"]["files"][0]["layout"] == "mapped by draft.toml"
    assert _subjects(report, "audit.federal_searcher") == {"DHS-HSI (Newark NJ)", "Federal Bureau of Investigation"}


def test_map_suggest_keeps_other_kinds_for_non_audit_files(tmp_path: Path) -> None:
    sharing = tmp_path / "sharing.csv"
    sharing.write_text("Agency,ST,Access\nReno NV PD,NV,Both\n", encoding="utf-8")
    code, _ = _run("map", "suggest", str(sharing), "--out", str(tmp_path / "d.toml"))
    assert code == 0 and load_mapping(tmp_path / "d.toml").kind != "audit"


def test_scan_takes_an_audit_mapping_for_its_audit_files(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    code, err = _run("scan", str(EXAMPLES / "pinecrest-ca.json"), "--audit", str(LEARN), "--mapping",
                     str(LEARN_MAP), "--json", str(out))
    report = json.loads(out.read_text())
    assert "U.S. Border Patrol" in _subjects(report, "audit.federal_searcher")
    assert "partners.federal_link" in {f["check"] for f in report["findings"]}
    assert report["audit"]["files"][0]["layout"] == "mapped by learn-query-log.toml" and code == 1
    code, err = _run("scan", str(EXAMPLES / "pinecrest-ca.json"), "--mapping", str(LEARN_MAP))
    assert code == 2 and "--audit" in err


def test_a_mapping_naming_a_sheet_applies_to_that_sheet_only(tmp_path: Path) -> None:
    import csv

    import openpyxl

    with LEARN.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    for row in rows:  # the same columns on a sheet the mapping does not name: not read through it
        first.append(row)
    queries = book.create_sheet("Queries")
    for row in rows:
        queries.append(row)
    book.save(tmp_path / "release.xlsx")
    mapping = _mapping(tmp_path, 'sheet = "Queries"\n' + LEARN_MAP.read_text(encoding="utf-8"))
    code, err = _run("audit", str(tmp_path / "release.xlsx"), "--agency-state", "CA", "--json",
                     str(tmp_path / "r.json"), "--mapping", str(mapping))
    report = json.loads((tmp_path / "r.json").read_text())
    assert [f["label"].rpartition("#")[2] for f in report["audit"]["files"]] == ["Queries"]
    assert report["audit"]["searches"] == 5
    assert any("Notes" in s for s in report["audit"]["skipped"]) and code == 1
