"""Dates as US exports and spreadsheets re-save them: a readable date must never make a scan incomplete."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from configscan.readers.flock_sharing import list_reader
from configscan.readers.values import timestamp


def test_sharing_list_with_spreadsheet_dates_reads_every_row(tmp_path: Path) -> None:
    path = tmp_path / "sharing.csv"
    path.write_text("Organization Name,State,Type,Direction,Status,Date Shared\n"
                    "Salem OR PD,OR,Police Department,Outbound,Active,1/5/2026\n"
                    "Yakima WA PD,WA,Police Department,Outbound,Active,12/31/25\n"
                    "Bend OR PD,OR,Police Department,Outbound,Active,\"Jan 5, 2026\"\n"
                    "Boise ID PD,ID,Police Department,Outbound,Active,05-Jan-2026\n"
                    "Nampa ID PD,ID,Police Department,Outbound,Active,1/5/2026 2:15 PM\n", encoding="utf-8")
    fragment = list_reader.read(path)
    assert fragment.problems == [] and not fragment.lost_matters
    assert [p["since"] for p in fragment.data["partners"]] == [
        dt.date(2026, 1, 5), dt.date(2025, 12, 31), dt.date(2026, 1, 5), dt.date(2026, 1, 5), dt.date(2026, 1, 5)]


@pytest.mark.parametrize("text", ["sometime last year", "13/45/2026", "2026-02-30", "5 Jan"])
def test_text_that_is_not_a_date_is_still_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        timestamp(text)


def test_time_of_day_is_kept_and_taken_as_utc() -> None:
    assert timestamp("01/05/2026, 02:15:00 PM UTC") == dt.datetime(2026, 1, 5, 14, 15, tzinfo=dt.UTC)
    assert timestamp("1/5/2026 14:02") == dt.datetime(2026, 1, 5, 14, 2, tzinfo=dt.UTC)


def test_everyday_words_for_direction_status_and_ticks(tmp_path: Path) -> None:
    from configscan.readers.values import boolean, direction, status

    assert [direction(t) for t in ("Outgoing", "Incoming", "Two-Way", "Sharing To")] == [
        "outbound", "inbound", "both", "outbound"]
    assert [status(t) for t in ("Declined", "Cancelled", "Suspended", "Accepted")] == [
        "revoked", "revoked", "revoked", "active"]
    assert boolean("\u2714") is True and boolean("") is None
    with pytest.raises(ValueError):
        boolean("maybe")
