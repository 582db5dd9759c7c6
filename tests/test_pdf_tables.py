"""PDF releases: sharing lists and search audits printed across pages, read row for row with page and line.

The PDFs are made here (``pdf_fixtures``) as report generators print them: a running title, the header
repeated on each page, wrapped organisation names and time frames, "Page N of M" footers, and rows split
across page breaks. Every row must come back exactly, or be counted as unreadable with its page and line.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from audit_fixtures import L13, l13_row
from pdf_fixtures import Layout, Made, scanned_pdf, table_pdf

from configscan.errors import InputError
from configscan.readers.pdftable import read_pdf
from configscan.readers.pick import read_all
from configscan.registry import load_registry

from conftest import run_cli

SHARING = ["Organization Name", "State", "Sharing Direction"]
_LONG = ("Example County Sheriff's Office Regional Auto Theft Task Force", "Washington State Patrol Criminal "
         "Investigation Division Auto Theft Unit", "Riverside County District Attorney Bureau of Investigation")
_STATES = ("CA", "OR", "WA", "NV", "TX", "AZ", "CA", "CA")


def _sharing_rows(count: int) -> list[list[str]]:
    rows = []
    for i in range(count):
        name = f"{_LONG[i % 3]} {i}" if i % 4 == 0 else f"City of Springfield {i} Police Department"
        rows.append([name, _STATES[i % len(_STATES)], ("Outbound", "Inbound", "Both")[i % 3]])
    return rows


def _sharing_pdf(path: Path, count: int = 120, **options: object) -> tuple[Made, list[list[str]]]:
    rows = _sharing_rows(count)
    layout = Layout(widths=[150, 50, 90], split=frozenset(range(count)), **options)  # type: ignore[arg-type]
    return table_pdf(path, SHARING, rows, layout), rows


@pytest.mark.parametrize(("count", "options"), [(120, {}), (120, {"ruled": True}), (200, {"pad": 0.0, "bottom": 50.0})],
                         ids=["spaced", "ruled", "tight"])
def test_every_row_of_a_multi_page_sharing_list_is_read(tmp_path: Path, count: int, options: dict[str, object],
                                                        ) -> None:
    made, rows = _sharing_pdf(tmp_path / "list.pdf", count, **options)
    assert made.pages >= 3 and made.split, "the fixture must break pages and split a wrapped row across one"
    table = read_pdf(made.path)
    assert table.header == SHARING
    assert [row for _, row in table.rows] == rows  # wrapped names joined, split rows joined, no footers
    assert not table.unreadable
    assert table.preamble[0][1] == ["Pinecrest Police Department - Flock sharing report"]


def test_rows_know_their_page_and_line(tmp_path: Path) -> None:
    made, rows = _sharing_pdf(tmp_path / "list.pdf")
    table = read_pdf(made.path)
    first_split = made.split[0]
    number, row = table.rows[first_split]
    page, line = table.locations[number]
    assert row == rows[first_split]
    import pdfplumber

    with pdfplumber.open(made.path) as pdf:
        text = pdf.pages[page - 1].extract_text().splitlines()
        following = pdf.pages[page].extract_text()
    # The row starts on the named line of its page; the rest of its name stands under the next page's header.
    assert text[line - 1].startswith(rows[first_split][0].split()[0])
    assert rows[first_split][0].split()[-1] in following
    assert table.where(number) == f"{made.path}: page {page} line {line}"


def test_sharing_list_pdf_scans_like_its_csv(tmp_path: Path) -> None:
    made, rows = _sharing_pdf(tmp_path / "list.pdf", count=100)
    fragments, _ = read_all([made.path], load_registry().readers, None)
    assert [f.reader for f in fragments] == ["flock-sharing-list"]
    partners = fragments[0].data["partners"]
    assert [(p["name"], p["state"], p["direction"]) for p in partners] == [
        (n, s, d.lower()) for n, s, d in rows]
    assert not fragments[0].problems
    assert partners[made.split[0]]["provenance"]["element"].startswith("page ")


def test_an_overflowing_cell_is_counted_unreadable_with_page_and_line(tmp_path: Path) -> None:
    rows = _sharing_rows(50)
    rows[31][0] = "Regional-Information-Sharing-Center-Automated-License-Plate-Reader-Program"  # cannot wrap
    made = table_pdf(tmp_path / "list.pdf", SHARING, rows, Layout(widths=[150, 50, 90], wrap_long_words=False))
    table = read_pdf(made.path)
    assert len(table.rows) == 49 and len(table.unreadable) == 1
    lost = table.unreadable[0]
    assert lost.page >= 2 and lost.line > 3 and "runs across" in lost.why
    fragments, _ = read_all([made.path], load_registry().readers, None)
    assert fragments[0].lost_matters and fragments[0].rows_read == 50
    assert any(f"page {lost.page} line {lost.line}" in p for p in fragments[0].problems)
    run = run_cli("scan", made.path, "--agency-name", "Pinecrest PD", "--agency-state", "CA",
                  "--json", tmp_path / "r.json")
    assert run.code == 3, run.stderr


def test_a_scanned_pdf_is_refused_in_one_line(tmp_path: Path) -> None:
    path = scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(InputError, match="scanned PDF"):
        read_pdf(path)
    run = run_cli("scan", path, "--json", tmp_path / "r.json")
    assert run.code == 2
    assert run.stderr.strip().count("\n") == 0 and "scan.pdf" in run.stderr and "OCR" in run.stderr
    run = run_cli("audit", path, "--agency-state", "CA", "--json", tmp_path / "a.json")
    assert run.code == 2 and "scan.pdf" in run.stderr and "scanned" in run.stderr


_AUDIT_WIDTHS = [130, 34, 80, 40, 70, 34, 70, 30, 30, 66, 36, 30, 42]
_ORGS = ("Pinecrest CA PD", "Fresno CA PD", "Auburn WA PD", "Ada County ID SO",
         "[Federal] Federal Bureau of Investigation (FBI)", "Maricopa County Sheriff's Office AZ")
_REASONS = ("Burglary/Breaking & Entering", "Motor Vehicle Theft/Stolen", "ICE+ERO", "investigation",
            "Other - Not Applicable", "Stolen vehicle recovery follow up with neighbouring agency")


def _audit_rows(count: int) -> list[list[str]]:
    rows = []
    for i in range(count):
        row = l13_row(i + 1, _ORGS[i % len(_ORGS)], _REASONS[i % len(_REASONS)], networks=640 + 37 * i,
                      when=f"03/{1 + i % 28:02d}/2026, 08:{i % 60:02d}:42 AM UTC")
        row[4] = row[4].replace("\n", " ")  # a printout shows the time frame as text, wrapped by the column
        rows.append(row)
    return rows


def _audit_pdf(path: Path, rows: list[list[str]], **options: object) -> Made:
    layout = Layout(widths=_AUDIT_WIDTHS, landscape=True, font_size=6, split=frozenset(range(len(rows))),
                    title="Network Audit - Pinecrest Police Department", **options)  # type: ignore[arg-type]
    return table_pdf(path, L13, rows, layout)


def test_audit_pdf_in_a_folder_is_read_every_row_with_page_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "release"
    folder.mkdir()
    rows = _audit_rows(90)
    made = _audit_pdf(folder / "network-audit.pdf", rows)
    assert made.pages >= 3
    table = read_pdf(made.path)
    assert table.header == L13  # "Total Networks Searched" printed on several lines is one header
    assert [r for _, r in table.rows] == rows
    out, evidence = tmp_path / "a.json", tmp_path / "ev.csv"
    run = run_cli("audit", folder, "--agency-state", "CA", "--json", out, "--evidence-csv", evidence)
    assert run.code == 1, run.stderr  # findings (ICE reasons, federal searchers), nothing skipped
    report = json.loads(out.read_text())
    assert report["audit"]["rows_read"] == 90
    assert not report.get("skipped") and not report["errors"]
    with evidence.open(newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert lines, "the ICE+ERO searches are evidence"
    by_id = {r["ID"]: r for r in lines}
    for row_id, line in by_id.items():
        number = int(row_id.rsplit("-", 1)[1])
        page, at = table.locations[number + 1]
        assert line["file"] == f"{made.path}#page {page} line {at}"
        assert int(line["row"]) == number + 1  # the row as in a CSV of the table (header = row 1)


def test_unreadable_audit_rows_make_the_run_incomplete_naming_page_and_line(tmp_path: Path) -> None:
    rows = _audit_rows(40)
    rows[25][2] = "Regional-Information-Sharing-Center-ALPR"  # wider than its column, cannot wrap
    made = _audit_pdf(tmp_path / "audit.pdf", rows, wrap_long_words=False)
    lost = read_pdf(made.path).unreadable
    assert len(lost) == 1
    out = tmp_path / "a.json"
    run = run_cli("audit", made.path, "--agency-state", "CA", "--json", out)
    assert run.code == 3, run.stderr
    report = json.loads(out.read_text())
    assert report["audit"]["rows_read"] == 39
    assert any(f"1 row(s) could not be read (first at page {lost[0].page} line {lost[0].line})" in e
               for e in report["errors"]), report["errors"]


def test_a_scanned_pdf_in_a_folder_is_a_blocking_skip(tmp_path: Path) -> None:
    folder = tmp_path / "release"
    folder.mkdir()
    _audit_pdf(folder / "network-audit.pdf", _audit_rows(20))
    scanned_pdf(folder / "org-audit-scan.pdf")
    out = tmp_path / "a.json"
    run = run_cli("audit", folder, "--agency-state", "CA", "--json", out)
    assert run.code == 3, run.stderr
    report = json.loads(out.read_text())
    skipped = {Path(s["path"]).name: s for s in report["skipped"]}
    assert set(skipped) == {"org-audit-scan.pdf"} and skipped["org-audit-scan.pdf"]["blocking"]
    assert "scanned" in skipped["org-audit-scan.pdf"]["reason"]
    assert report["audit"]["rows_read"] == 20


def test_sharing_pdf_in_a_scan_folder_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    made, rows = _sharing_pdf(folder / "sharing-list.pdf", count=30)
    shutil.copy(Path(__file__).parent.parent / "examples" / "pinecrest-ca.json", folder)
    out = tmp_path / "r.json"
    run_cli("scan", folder, "--json", out)
    report = json.loads(out.read_text())
    assert not report.get("skipped"), report.get("skipped")
    assert str(made.path) in json.dumps(report)
