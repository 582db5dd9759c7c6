"""End to end: audit logs through the CLI, with findings, evidence CSV, exit codes and config comparison."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from audit_fixtures import L13, l13_row, network_audit, uid, write_csv
from typer.testing import CliRunner

from configscan.cli import _mount_subcommands, app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
_mount_subcommands()
RUNNER = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, list(args))
    return result.exit_code, result.stderr if result.stderr_bytes is not None else result.output


def _audit(tmp_path: Path, *files: Path, extra: tuple[str, ...] = ()) -> tuple[int, dict, list[dict[str, str]]]:
    out, ev = tmp_path / "r.json", tmp_path / "rows.csv"
    code, _ = _run("audit", *map(str, files), "--agency-state", "CA", "--json", str(out), "--evidence-csv",
                   str(ev), "--html", str(tmp_path / "r.html"), *extra)
    with ev.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return code, json.loads(out.read_text()), rows


def _by_check(report: dict, check: str) -> list[dict]:
    return [f for f in report["findings"] if f["check"] == check]


def test_network_audit_findings_cite_the_pack(tmp_path: Path) -> None:
    code, report, rows = _audit(tmp_path, network_audit(tmp_path / "log.csv"))
    assert code == 1
    fed = _by_check(report, "audit.federal_searcher")
    assert {f["subject"] for f in fed} == {"[Federal] Federal Bureau of Investigation (FBI)", "U.S. Border Patrol"}
    assert all(f["citations"] and f["layer"] == "US-CA" for f in fed)
    oos = _by_check(report, "audit.out_of_state_searcher")
    assert {f["evidence"]["searcher_state"] for f in oos} == {"WA", "ID"}
    imm = _by_check(report, "audit.immigration_reason")
    assert [f["subject"] for f in imm] == ["Auburn WA PD"]
    assert imm[0]["evidence"]["rules_fired"] == {"purpose.removal_component": 1, "purpose.hold": 1}
    # Naming ICE is federal sharing under 1798.90.55(b) whatever the purpose: its own finding, citing that rule.
    agency = _by_check(report, "audit.immigration_agency_reason")
    assert [f["outcome"] for f in agency] == ["fail"]
    assert agency[0]["evidence"]["rules_fired"] == {"agency.ice": 1, "agency.ice_context": 1}
    assert "1798.90.55(b)" in str(agency[0]["citations"])
    assert imm[0]["evidence"]["sample_rows"][0]["row"] == 4  # header is row 1; ID ...3 is the third data row
    vague = _by_check(report, "audit.vague_reason")[0]
    assert vague["evidence"]["searches"] == 3  # investigation, Other - Not Applicable, blank
    unplaced = _by_check(report, "audit.unverified_searcher")
    assert any(f["subject"] == "redacted searchers" for f in unplaced)
    sweeps = _by_check(report, "audit.mass_sweep")
    assert {f["subject"] for f in sweeps} == {"Auburn WA PD", "U.S. Border Patrol"}
    assert report["audit"]["by_category"]["immigration_purpose"] == 2
    assert report["audit"]["by_category"]["reproductive_health"] == 1
    # Evidence: one line per (row, category); the confusable "police assist - Rice St" row is not immigration.
    immigration_ids = {r["ID"] for r in rows if r["category"] == "immigration_purpose"}
    assert immigration_ids == {uid(3), uid(4)}
    assert {r["category"] for r in rows if r["ID"] == uid(3)} == {"immigration_agency", "immigration_purpose",
                                                                  "out_of_state", "sweep"}
    # Each category's row names its own rule.
    assert {(r["category"], r["rule"]) for r in rows if r["ID"] == uid(3) and r["category"].startswith("imm")} == {
        ("immigration_agency", "agency.ice"), ("immigration_purpose", "purpose.removal_component")}
    # ... and so does every row of a reason category, whether or not its reason names an agency
    reasoned = [r for r in rows if r["category"] in ("vague", "immigration_purpose", "reproductive_health")]
    assert {r["category"] for r in reasoned} == {"vague", "immigration_purpose", "reproductive_health"}
    assert all(r["rule"] for r in reasoned), [(r["category"], r["reason"]) for r in reasoned if not r["rule"]]
    assert uid(8) not in {r["ID"] for r in rows}
    assert set(rows[0]) >= {"file", "row", "ID", "org", "reason", "category", "time"}
    assert "Audit-log evidence" in (tmp_path / "r.html").read_text()


def test_overlapping_monthly_files_are_deduplicated_by_id(tmp_path: Path) -> None:
    march = write_csv(tmp_path / "3_1_2026-3_31_2026-Network-Audit.csv", L13,
                      [l13_row(n, "Fresno CA PD", "Robbery") for n in range(1, 6)])
    april = write_csv(tmp_path / "3_31_2026-4_30_2026-Network-Audit.csv", L13,
                      [l13_row(n, "Fresno CA PD", "Robbery") for n in range(4, 9)])
    _, report, _ = _audit(tmp_path, march, april)
    assert report["audit"]["rows_read"] == 10
    assert report["audit"]["duplicates_removed"] == 2
    assert report["audit"]["searches"] == 8


def test_ids_of_files_read_together_and_of_a_file_given_twice_settle_the_same_duplicates(tmp_path: Path) -> None:
    """Files of one layout have their IDs read in one read (each row's file names its source); a file given
    twice cannot be told apart by name and is read on its own. A repeated header row's "ID" is no ID."""
    march = write_csv(tmp_path / "march.csv", L13, [l13_row(n, "Fresno CA PD", "Robbery") for n in range(1, 6)])
    april = write_csv(tmp_path / "april.csv", L13, [l13_row(4, "Fresno CA PD", "Robbery"), L13,
                                                    *[l13_row(n, "Reno NV PD", "inv") for n in range(5, 9)]])
    may = write_csv(tmp_path / "may.csv", L13, [l13_row(n, "Fresno CA PD", "Robbery") for n in range(8, 11)])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, together, _ = _audit(tmp_path / "a", march, april, may)
    assert (together["audit"]["rows_read"], together["audit"]["duplicates_removed"]) == (13, 3)
    assert together["audit"]["searches"] == 10
    assert [f["header_repeats"] for f in together["audit"]["files"]] == [0, 1, 0]
    # the first copy in file order stays: IDs 4 and 5 are March's (Fresno), 8 April's (Reno)
    assert {o["name"]: o["searches"] for o in together["audit"]["orgs"]} == {"Fresno CA PD": 7, "Reno NV PD": 3}
    _, twice, _ = _audit(tmp_path / "b", march, march, april)
    assert (twice["audit"]["rows_read"], twice["audit"]["duplicates_removed"]) == (15, 7)
    assert twice["audit"]["searches"] == 8


def test_unreadable_rows_are_counted_and_make_the_run_incomplete(tmp_path: Path) -> None:
    path = network_audit(tmp_path / "log.csv")
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("broken,row,with,too,many,columns,a,b,c,d,e,f,g,h,i,j\r\n")
    code, report, _ = _audit(tmp_path, path)
    assert code == 3
    assert report["audit"]["rows_unreadable"] == 1
    assert any("1 row(s) could not be read" in e and "log.csv" in e for e in report["errors"])
    assert report["summary"]["verdict"] == "incomplete"


def test_repeated_header_rows_are_dropped_and_counted(tmp_path: Path) -> None:
    rows = [l13_row(1, "Fresno CA PD", "Robbery"), L13, l13_row(2, "Fresno CA PD", "Robbery")]
    _, report, _ = _audit(tmp_path, write_csv(tmp_path / "stacked.csv", L13, rows))
    assert report["audit"]["files"][0]["header_repeats"] == 1
    assert report["audit"]["searches"] == 2


def test_headerless_l11_and_split_date_layouts(tmp_path: Path) -> None:
    l11 = write_csv(tmp_path / "old.csv", None, [
        ["***", "Reno NV PD", "2200", "15700", "", "***", "ICE warrant", "", "", "3/8/2026, 8:15:42 AM UTC",
         "lookup"]])
    split = write_csv(tmp_path / "sanjose.csv", ["ID", "Name", "Org Name", "Reason", "Search Date", "Search Time"],
                      [[uid(9), "***", "Fresno CA PD", "inv", "2026-04-01", "13:05:00"]])
    _, report, rows = _audit(tmp_path, l11, split)
    layouts = {f["layout"] for f in report["audit"]["files"]}
    assert layouts == {"L11 (no header)", "split date/time"}
    assert report["audit"]["times_unreadable"] == 0
    assert {m["month"] for m in report["audit"]["months"]} == {"2026-03", "2026-04"}
    assert any(r["category"] == "immigration_agency" and r["org"] == "Reno NV PD" for r in rows)


def test_contradictions_both_ways_and_back_door(tmp_path: Path) -> None:
    config = {
        "format": "configscan/agency-config@1",
        "agency": {"name": "Pinecrest CA PD", "state": "CA"},
        "sharing": {"national_lookup": False, "federal_sharing_disabled": True, "networks": []},
        "search_reason_required": True,
        "partners": [
            {"name": "Fresno CA PD", "state": "CA", "direction": "both", "status": "active"},
            {"name": "Ada County ID SO", "state": "ID", "direction": "outbound", "status": "revoked"},
        ],
    }
    path = tmp_path / "agency.json"
    path.write_text(json.dumps(config))
    _, report, rows = _audit(tmp_path, network_audit(tmp_path / "log.csv"), extra=("--config", str(path)))
    subjects = {f["subject"]: f for f in _by_check(report, "audit.contradiction")}
    # Settings closed, log shows searches through them:
    assert {"federal sharing", "national lookup", "Ada County ID SO"} <= set(subjects)
    # A control the configuration claims, that the log shows unused (searches with no reason):
    assert subjects["search_reason_required"]["evidence"]["searches_without_reason"] == 1
    back = {f["subject"] for f in _by_check(report, "audit.back_door")}
    assert "unlisted federal searchers" in back and "unlisted out-of-state searchers" in back
    own = next(o for o in report["audit"]["orgs"] if o["name"] == "Pinecrest CA PD")
    assert own["category"] == "own"
    assert any(r["category"] == "back_door" and r["org"] == "Auburn WA PD" for r in rows)


def test_open_settings_matching_the_log_are_no_contradiction(tmp_path: Path) -> None:
    config = {"format": "configscan/agency-config@1", "agency": {"name": "Pinecrest CA PD", "state": "CA"},
              "sharing": {"national_lookup": True, "federal_sharing_disabled": False},
              "search_reason_required": False}
    path = tmp_path / "agency.json"
    path.write_text(json.dumps(config))
    _, report, _ = _audit(tmp_path, network_audit(tmp_path / "log.csv"), extra=("--config", str(path)))
    assert not _by_check(report, "audit.contradiction")


def test_scan_with_audit_puts_both_in_one_report(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    code, _ = _run("scan", str(EXAMPLES / "pinecrest-ca.json"), "--audit", str(network_audit(tmp_path / "l.csv")),
                   "--json", str(out), "--html", str(tmp_path / "r.html"))
    report = json.loads(out.read_text())
    checks = {f["check"] for f in report["findings"]}
    assert "partners.federal_link" in checks and "audit.federal_searcher" in checks
    assert report["audit"]["searches"] == 10
    assert code == 1


@pytest.mark.parametrize("args", [("audit", "missing.csv", "--agency-state", "CA"), ("audit", "x.csv")])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "r.json"
    code, err = _run(*args, "--json", str(out), "--evidence-csv", str(tmp_path / "e.csv"))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("configscan: error:")
    assert not out.exists() and not list(tmp_path.iterdir())


def test_xlsx_monthly_sheets_gz_and_zip_read_end_to_end(tmp_path: Path) -> None:
    import datetime as dt
    import gzip
    import shutil
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    march = book.active
    assert march is not None
    march.title = "March 2026"
    march.append(L13)
    row: list[object] = list(l13_row(1, "Reno NV PD", "deportación"))
    row[9] = dt.datetime(2026, 3, 8, 8, 15, 42)  # a real datetime cell, as Excel stores it
    march.append(row)
    april = book.create_sheet("April 2026")
    april.append(L13)
    april.append(l13_row(2, "Fresno CA PD", "Robbery", when="4/2/2026, 1:00:00 PM UTC"))
    book.save(tmp_path / "los-altos.xlsx")
    may = [l13_row(3, "Fresno CA PD", "Robbery", when="05/01/2026, 09:00:00 AM UTC")]
    plain = write_csv(tmp_path / "may.csv", L13, may)
    with plain.open("rb") as src, gzip.open(tmp_path / "may.csv.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    with zipfile.ZipFile(tmp_path / "june.zip", "w") as archive:
        archive.writestr("june.csv", "\r\n".join(",".join(map(str, r)) for r in [
            L13, [uid(4), "***", "Boise ID PD", "700", "", "***", "HSI", "", "", "06/01/2026, 09:00:00 AM UTC",
                  "lookup", "", ""]]) + "\r\n")
    plain.unlink()
    _, report, rows = _audit(tmp_path, tmp_path / "los-altos.xlsx", tmp_path / "may.csv.gz", tmp_path / "june.zip")
    assert report["audit"]["searches"] == 4 and report["audit"]["times_unreadable"] == 0
    assert [m["month"] for m in report["audit"]["months"]] == ["2026-03", "2026-04", "2026-05", "2026-06"]
    immigration = {r["org"]: r for r in rows if r["category"] in ("immigration_agency", "immigration_purpose")}
    assert set(immigration) == {"Reno NV PD", "Boise ID PD"}
    assert immigration["Reno NV PD"]["file"].endswith("los-altos.xlsx#March 2026")
    assert immigration["Reno NV PD"]["row"] == "2"


def test_a_late_row_that_breaks_the_sampled_types_is_read_as_text_not_lost(tmp_path: Path) -> None:
    # The first rows make the reader type ID and networks natively; row 31 has neither (redacted): the
    # source is read again as text, the row is counted, and its unknown reach is not a sweep.
    rows = [l13_row(n, "Fresno CA PD", "Robbery") for n in range(1, 31)]
    late = l13_row(31, "Auburn WA PD", "ICE detainer")
    late[0], late[3] = "***", "***"
    _, report, evidence_rows = _audit(tmp_path, write_csv(tmp_path / "log.csv", L13, [*rows, late]))
    assert report["audit"]["searches"] == 31 and report["audit"]["rows_unreadable"] == 0
    hit = [r for r in evidence_rows if r["category"] == "immigration_purpose"]
    assert [(r["row"], r["ID"], r["networks"]) for r in hit] == [("32", "***", "")]


def test_ids_repeated_inside_one_of_several_sources_keep_their_first_row(tmp_path: Path) -> None:
    # A stacked export repeats a block (IDs 2-3) and overlaps the next month's file (ID 5).
    march = write_csv(tmp_path / "march.csv", L13, [
        l13_row(1, "Fresno CA PD", "Robbery"), l13_row(2, "Auburn WA PD", "ICE hold"),
        l13_row(3, "Fresno CA PD", "Robbery"), l13_row(2, "Auburn WA PD", "ICE hold"),
        l13_row(3, "Fresno CA PD", "Robbery"), l13_row(5, "Boise ID PD", "HSI request")])
    april = write_csv(tmp_path / "april.csv", L13, [
        l13_row(5, "Boise ID PD", "HSI request"), l13_row(6, "Boise ID PD", "HSI request")])
    _, report, evidence_rows = _audit(tmp_path, march, april)
    audit = report["audit"]
    assert audit["rows_read"] == 8 and audit["duplicates_removed"] == 3 and audit["searches"] == 5
    assert audit["by_category"]["immigration_purpose"] == 1 and audit["by_category"]["immigration_agency"] == 2
    immigration = sorted((r["file"].rsplit("/", 1)[-1], r["row"], r["ID"]) for r in evidence_rows
                         if r["category"] == "immigration_agency")
    assert immigration == [("april.csv", "3", uid(6)), ("march.csv", "3", uid(2)), ("march.csv", "7", uid(5))]


def test_evidence_csv_is_identical_on_a_rerun_and_in_file_order(tmp_path: Path) -> None:
    log = network_audit(tmp_path / "log.csv")
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    _audit(first, log)
    _audit(second, log)
    a, b = (first / "rows.csv").read_bytes(), (second / "rows.csv").read_bytes()
    assert a == b
    with (first / "rows.csv").open(encoding="utf-8", newline="") as handle:
        numbers = [int(r["row"]) for r in csv.DictReader(handle)]
    assert numbers == sorted(numbers) and numbers


def test_a_reason_hash_collision_falls_back_to_text_keys_with_the_same_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reasons and organisations are keyed on hashes; a collision must give the same report, read by text."""
    from configscan.audit.passes import load

    rows = [l13_row(n, org, reason, when=f"0{1 + n % 3}/0{1 + n % 7}/2026, 08:15:42 AM UTC")
            for n, (org, reason) in enumerate([("Fresno CA PD", "Robbery"), ("Border Patrol", "ICE hold"),
                                               ("Reno NV PD", "inv"), ("Fresno CA PD", "")] * 5)]
    log = write_csv(tmp_path / "log.csv", L13, rows)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, hashed, _ = _audit(tmp_path / "a", log)
    real, calls = load.combine, []

    def colliding(con: object, hashed: bool = True) -> None:
        calls.append(hashed)
        if len(calls) == 1:
            raise load.HashCollision
        real(con, hashed)

    monkeypatch.setattr(load, "combine", colliding)
    _, by_text, _ = _audit(tmp_path / "b", log)
    assert calls == [True, False]
    for key in ("months", "reasons", "orgs", "by_category", "searches", "first_seen", "last_seen"):
        assert by_text["audit"][key] == hashed["audit"][key], key
    assert len(hashed["audit"]["months"]) == 3
    assert [f["fingerprint"] for f in by_text["findings"]] == [f["fingerprint"] for f in hashed["findings"]]


@pytest.mark.parametrize("files", [1, 2])
def test_two_reasons_sharing_a_key_are_caught_by_the_sums_and_read_again_by_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: int) -> None:
    """Two reason texts with one hash give their key two classes: every row of it would count twice. The
    join's sums show it; the audit reads again keyed on text and reports exactly what a clean run does
    (one file: the groupings are views of the main pass's table; two: tables)."""
    from configscan.audit.passes import reason_sql

    rows = [l13_row(n, org, reason, when=f"0{1 + n % 3}/0{1 + n % 7}/2026, 08:15:42 AM UTC")
            for n, (org, reason) in enumerate([("Fresno CA PD", "Robbery"), ("Border Patrol", "ICE hold"),
                                               ("Reno NV PD", "inv"), ("Fresno CA PD", "")] * 5)]
    logs = [write_csv(tmp_path / f"log{i}.csv", L13, rows[i::files]) for i in range(files)]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, clean, clean_rows = _audit(tmp_path / "a", *logs)
    real, calls = reason_sql.classify, []

    def doubled(con: Any, work: Path, relation: str = "reason_text") -> dict[str | None, str]:
        out = real(con, work, relation)
        calls.append(relation)
        if len(calls) == 1:  # what a shared key looks like once classified: a second class row for it
            con.execute("INSERT INTO reason_class SELECT hr, 'other', NULL, NULL FROM reason_class "
                        "WHERE category = 'immigration_purpose'")
        return out

    monkeypatch.setattr(reason_sql, "classify", doubled)
    _, again, again_rows = _audit(tmp_path / "b", *logs)
    assert len(calls) == 2
    assert again_rows == clean_rows and clean_rows
    assert again["audit"]["searches"] == clean["audit"]["searches"] == 20
    for key in ("months", "reasons", "orgs", "by_category", "files", "duplicates_removed"):
        assert again["audit"][key] == clean["audit"][key], key
    assert [f["fingerprint"] for f in again["findings"]] == [f["fingerprint"] for f in clean["findings"]]
    assert again["audit"]["by_category"]["immigration_purpose"] == 5


def test_a_search_in_two_overlapping_files_is_one_sample_row(tmp_path: Path) -> None:
    """Samples read each file as it is: the second copy of a search must not be a second sample."""
    march = write_csv(tmp_path / "march.csv", L13, [l13_row(1, "U.S. Border Patrol", "Robbery")])
    april = write_csv(tmp_path / "april.csv", L13, [l13_row(1, "U.S. Border Patrol", "Robbery"),
                                                     l13_row(2, "U.S. Border Patrol", "Robbery")])
    _, report, _ = _audit(tmp_path, march, april)
    federal = [f for f in _by_check(report, "audit.federal_searcher") if f["subject"] == "U.S. Border Patrol"]
    assert federal, report["findings"]
    samples = federal[0]["evidence"]["sample_rows"]
    assert [(s["file"].rsplit("/", 1)[-1], s["ID"]) for s in samples] == [("march.csv", uid(1)), ("april.csv", uid(2))]
    assert report["audit"]["searches"] == 2


def test_rows_that_leave_out_trailing_empty_cells_are_read_not_rejected(tmp_path: Path) -> None:
    """Some CSV writers stop a row at its last non-empty cell; those rows are padded, not lost."""
    log = tmp_path / "log.csv"
    rows = [",".join(L13)] + [
        f'{uid(n)},***,U.S. Border Patrol,640,"03/01/2026, 08:00:00 AM UTC\n03/08/2026, 08:00:00 AM UTC",***,'
        f'ICE hold,,,"03/08/2026, 08:15:42 AM UTC",lookup' for n in range(1, 6)]
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, report, evidence = _audit(tmp_path, log)
    assert (report["audit"]["rows_read"], report["audit"]["rows_unreadable"]) == (5, 0)
    assert report["audit"]["times_unreadable"] == 0
    assert {r["ID"] for r in evidence if r["category"] == "immigration_purpose"} == {uid(n) for n in range(1, 6)}
    assert code == 1


def test_a_search_id_whose_copies_differ_is_still_counted_once_and_exactly(tmp_path: Path) -> None:
    """Copies of one ID that disagree (a re-export that changed a field) are settled row by row: the first
    copy counts, and nothing of the later copy survives, not even its time or network count."""
    march = write_csv(tmp_path / "march.csv", L13, [
        l13_row(1, "Fresno CA PD", "Robbery", when="03/08/2026, 08:15:42 AM UTC"),
        l13_row(2, "Reno NV PD", "ICE hold", when="03/09/2026, 08:15:42 AM UTC")])
    april = write_csv(tmp_path / "april.csv", L13, [
        l13_row(2, "Reno NV PD", "ICE hold", networks=3300, when="04/30/2026, 11:00:00 PM UTC"),  # changed copy
        l13_row(3, "Fresno CA PD", "Robbery", when="04/02/2026, 08:15:42 AM UTC")])
    _, report, _ = _audit(tmp_path, march, april)
    audit = report["audit"]
    assert (audit["rows_read"], audit["duplicates_removed"], audit["searches"]) == (4, 1, 3)
    reno = next(o for o in audit["orgs"] if o["name"] == "Reno NV PD")
    assert (reno["searches"], reno["last_seen"], reno["max_networks"], reno["sweeps"]) == (
        1, "2026-03-09T08:15:42", 640, 0)
    assert audit["last_seen"] == "2026-04-02T08:15:42"


def test_excel_style_csv_bom_crlf_padded_headers_and_empty_rows(tmp_path: Path) -> None:
    """A CSV saved from Excel: BOM, CRLF, blank lines and formatted-but-empty rows (a line of commas), which
    are skipped and counted, never searches by a blank organisation."""
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([h + " " for h in L13])
    writer.writerows([l13_row(1, "U.S. Border Patrol", "ICE hold"), l13_row(2, "Fresno CA PD", "Robbery")])
    buffer.write("\r\n" + "," * (len(L13) - 1) + "\r\n")
    writer.writerow(l13_row(3, "Fresno CA PD", "Robbery"))
    buffer.write("," * (len(L13) - 1) + "\r\n")
    log = tmp_path / "export.csv"
    log.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    _, report, _ = _audit(tmp_path, log)
    audit = report["audit"]
    assert (audit["rows_read"], audit["searches"], audit["rows_unreadable"]) == (3, 3, 0)
    assert audit["files"][0]["blank_rows"] == 2
    assert {o["name"] for o in audit["orgs"]} == {"U.S. Border Patrol", "Fresno CA PD"}
    assert not _by_check(report, "audit.unverified_searcher")
