"""Workbooks read by calamine (fast, whole sheet in memory) and by openpyxl (streamed, for huge sheets) must
give the same CSV text, cell for cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from audit_fixtures import L13

from configscan.audit.inputs import sheets


def _workbook(path: Path, date1904: bool = False) -> Path:
    book = openpyxl.Workbook()
    if date1904:
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "March"
    sheet.append(["Network audit export"])  # a title row above the header
    sheet.append(L13)
    sheet.append(["00000000-0000-4000-8000-000000000001", "***", "U.S. Border Patrol", 3400, None, "***",
                  "ICE hold", 25001234, None, dt.datetime(2026, 3, 8, 8, 15, 42), "lookup", None, None])
    sheet.append(["00000000-0000-4000-8000-000000000002", "***", "Fresno CA PD", 640.5, None, "***",
                  "Robbery", "25-0001", True, 46089.34375, "lookup", None, None])  # a serial-number time
    other = book.create_sheet("April")
    other.append(L13)
    other.append(["00000000-0000-4000-8000-000000000003", "***", "Reno NV PD", 12, None, "***", "inv", None, None,
                  dt.date(2026, 4, 2), "lookup", None, None])
    book.save(path)
    return path


def _csv_texts(path: Path, work: Path) -> dict[str, str]:
    return {label: csv_path.read_text(encoding="utf-8")
            for label, csv_path, _ in sheets.xlsx_sheets(path, path.name, work, None)}


@pytest.mark.parametrize("date1904", [False, True])
def test_calamine_and_openpyxl_give_the_same_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   date1904: bool) -> None:
    book = _workbook(tmp_path / "audit.xlsx", date1904)
    fast = _csv_texts(book, tmp_path)
    # Every sheet taken down the streaming path (openpyxl), as sheets over the in-memory limit are.
    monkeypatch.setattr(sheets, "calamine_rows", lambda path, label, epoch: sheets.openpyxl_rows(path, label))
    streamed = _csv_texts(book, tmp_path)
    assert fast == streamed
    march = fast["audit.xlsx#March"]
    assert "U.S. Border Patrol,3400," in march and ",25001234," in march and "Fresno CA PD,640.5," in march
    assert "2026-03-08 08:15:42" in march
    # The serial 46089.34375 is a time in the book's own date system (1904 runs four years and a day later).
    assert ("2030-03-09 08:15:00" if date1904 else "2026-03-08 08:15:00") in march
