"""Search times as exports and re-saved spreadsheets write them: each read to the right instant, in UTC."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from audit_fixtures import L13, l13_row, write_csv
from typer.testing import CliRunner

from configscan.cli import app

SHAPES = [
    ("03/08/2026, 08:15:42 AM UTC", "2026-03-08T08:15:42"),
    ("2025-03-04 13:22:05 UTC", "2025-03-04T13:22:05"),
    ("3/4/2025 1:22 PM", "2025-03-04T13:22:00"),
    ("3/4/25 13:22", "2025-03-04T13:22:00"),  # a two-digit year is 2025, not year 25
    ("03/04/2025 13:22", "2025-03-04T13:22:00"),
    ("Mar 4, 2025 1:22:05 PM", "2025-03-04T13:22:05"),
    ("March 4, 2025, 1:22:05 PM UTC", "2025-03-04T13:22:05"),
    ("04-Mar-2025 13:22:05", "2025-03-04T13:22:05"),
    ("2025-03-04T13:22:05.123Z", "2025-03-04T13:22:05.123000"),
    ("2025-03-04T13:22:05.123-08:00", "2025-03-04T21:22:05.123000"),  # an offset is converted to UTC
    ("2025-03-04T13:22:05-0800", "2025-03-04T21:22:05"),
]


def _log(path: Path, when: str, rows: int = 3) -> Path:
    return write_csv(path, L13, [l13_row(n, "Fresno CA PD", "Robbery", when=when) for n in range(1, rows + 1)])


@pytest.mark.parametrize(("when", "utc"), SHAPES)
def test_time_shapes_read_to_the_right_instant(tmp_path: Path, when: str, utc: str) -> None:
    out = tmp_path / "r.json"
    CliRunner().invoke(app, ["audit", str(_log(tmp_path / "log.csv", when)), "--agency-state", "CA", "--json",
                             str(out)])
    audit = json.loads(out.read_text())["audit"]
    assert (audit["times_unreadable"], audit["first_seen"]) == (0, utc)


def test_shapes_mixed_in_one_file_and_an_implausible_year(tmp_path: Path) -> None:
    rows = [l13_row(n, "Fresno CA PD", "Robbery", when=when) for n, (when, _) in enumerate(SHAPES, 1)]
    rows.append(l13_row(99, "Fresno CA PD", "Robbery", when="1/2/0025 10:00"))
    out = tmp_path / "r.json"
    CliRunner().invoke(app, ["audit", str(write_csv(tmp_path / "log.csv", L13, rows)), "--agency-state", "CA",
                             "--json", str(out)])
    audit = json.loads(out.read_text())["audit"]
    assert audit["times_unreadable"] == 1
    assert (audit["first_seen"], audit["last_seen"]) == ("2025-03-04T13:22:00", "2026-03-08T08:15:42")


def test_offsets_are_utc_whatever_the_machine_time_zone(tmp_path: Path) -> None:
    log = _log(tmp_path / "log.csv", "2025-03-04T13:22:05-08:00")
    out = tmp_path / "r.json"
    subprocess.run([sys.executable, "-m", "configscan", "audit", str(log), "--agency-state", "CA", "--json",
                    str(out), "-q"], env={**os.environ, "TZ": "America/Los_Angeles"}, check=False)
    assert json.loads(out.read_text())["audit"]["first_seen"] == "2025-03-04T21:22:05"
