"""Search times as spreadsheets keep them: Excel serial numbers, date-only and time-only cells, in XLSX and CSV."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from audit_fixtures import L13, l13_row, write_csv
from typer.testing import CliRunner

from configscan.audit.inputs.sheettimes import EXCEL_SERIAL, from_serial
from configscan.audit.passes.engine import time_format
from configscan.cli import _mount_subcommands, app

_mount_subcommands()
RUNNER = CliRunner()


def _audit(tmp_path: Path, *files: Path) -> tuple[int, dict, str]:
    out = tmp_path / "r.json"
    result = RUNNER.invoke(app, ["audit", *map(str, files), "--agency-state", "CA", "--json", str(out)])
    assert out.exists(), result.output
    return result.exit_code, json.loads(out.read_text()), result.output


@pytest.mark.parametrize(("serial", "epoch", "expected"), [
    (45720.5576, dt.datetime(1899, 12, 30), dt.datetime(2025, 3, 4, 13, 22, 57)),
    (45720.0, dt.datetime(1899, 12, 30), dt.datetime(2025, 3, 4)),
    (45720.557592592594, dt.datetime(1899, 12, 30), dt.datetime(2025, 3, 4, 13, 22, 56)),  # float noise rounds
    (44258.5576, dt.datetime(1904, 1, 1), dt.datetime(2025, 3, 4, 13, 22, 57)),  # the Mac 1904 date system
    (36526.25, dt.datetime(1899, 12, 30), dt.datetime(2000, 1, 1, 6)),
])
def test_serial_numbers_are_excel_dates(serial: float, epoch: dt.datetime, expected: dt.datetime) -> None:
    assert from_serial(serial, epoch) == expected


@pytest.mark.parametrize("serial", [0.5576, 2025.0, 12000.0, 80000.0, -45720.5])
def test_implausible_serials_are_not_times(serial: float) -> None:
    assert from_serial(serial) is None


def test_time_format_recognises_a_column_of_serials_only() -> None:
    assert time_format(["45720.5576", "45721", " 45722.25 "]) == EXCEL_SERIAL
    assert time_format(["45720.5576", "2640"]) is None  # a count, not a date
    assert time_format(["2025-03-04 13:22:05"]) == "%Y-%m-%d %H:%M:%S"


def _irvine_style_book(path: Path) -> Path:
    """An audit workbook as records offices release it: serial DateTime, date-only cells, split date/time."""
    book = openpyxl.Workbook()
    serials = book.active
    assert serials is not None
    serials.title = "Audit"
    serials.append(["Reason", "DateTime"])  # the time column formatted "General": numbers, not dates
    serials.append(["Stolen vehicle", 45720.5576])
    serials.append(["ICE detainer", 45752.25])
    serials.append(["Robbery", 3.5])  # not a plausible search time: unreadable, never a wrong date
    dated = book.create_sheet("Network audit")
    dated.append(L13)
    row: list[object] = list(l13_row(1, "U.S. Border Patrol", "immigration"))
    row[9] = dt.date(2025, 5, 2)  # a date-only cell
    dated.append(row)
    split = book.create_sheet("Org audit")
    split.append(["Org Name", "Search Date", "Search Time", "Reason", "Offense Type"])
    split.append(["Reno NV PD", dt.datetime(2025, 6, 3), dt.time(14, 5, 6), "Warrant", "Fugitive"])
    split.append(["Fresno CA PD", 45842.0, 0.75, "Robbery", "Robbery"])  # serial date and time-of-day fraction
    split["B2"].number_format = "mm/dd/yyyy"
    book.save(path)
    return path


def test_xlsx_serial_date_only_and_split_times_are_read(tmp_path: Path) -> None:
    code, report, _ = _audit(tmp_path, _irvine_style_book(tmp_path / "irvine.xlsx"))
    audit = report["audit"]
    assert {f["layout"] for f in audit["files"]} >= {"split date/time"}
    assert audit["searches"] == 6
    assert audit["times_unreadable"] == 1  # only the 3.5
    assert (audit["first_seen"], audit["last_seen"]) == ("2025-03-04T13:22:57", "2025-07-04T18:00:00")
    months = {m["month"]: m["searches"] for m in audit["months"]}
    assert months == {"2025-03": 1, "2025-04": 1, "2025-05": 1, "2025-06": 1, "2025-07": 1, "unknown": 1}
    assert any(f["check"] == "audit.immigration_reason" for f in report["findings"])
    assert code == 1


def test_csv_saved_from_excel_with_serial_times(tmp_path: Path) -> None:
    rows = [l13_row(1, "Fresno CA PD", "Robbery", when="45720.5576"),
            l13_row(2, "Auburn WA PD", "ICE hold", when="45752.25"),
            l13_row(3, "Fresno CA PD", "Robbery", when="999999")]  # absurd: counted, not a date
    _, report, _ = _audit(tmp_path, write_csv(tmp_path / "log.csv", L13, rows))
    audit = report["audit"]
    assert audit["times_unreadable"] == 1
    assert (audit["first_seen"], audit["last_seen"]) == ("2025-03-04T13:22:57", "2025-04-05T06:00:00")


def test_csv_mixing_serials_and_text_times(tmp_path: Path) -> None:
    rows = [l13_row(1, "Fresno CA PD", "Robbery", when="45720.5576"),
            l13_row(2, "Fresno CA PD", "Robbery", when="04/05/2025, 06:00:00 AM UTC")]
    _, report, _ = _audit(tmp_path, write_csv(tmp_path / "log.csv", L13, rows))
    assert report["audit"]["times_unreadable"] == 0
    assert report["audit"]["last_seen"] == "2025-04-05T06:00:00"
