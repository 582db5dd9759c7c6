"""Exports that are not UTF-8 (Excel's "CSV" on Windows, its "Unicode Text") are read whole, not rejected."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

from audit_fixtures import L13, l13_row, uid
from typer.testing import CliRunner

from configscan.cli import app

RUNNER = CliRunner()


def _rows(filler: int = 0) -> list[list[str]]:
    rows = [l13_row(n, "Fresno CA PD", "Robbery") for n in range(1, filler + 1)]
    rows += [l13_row(9001, "Cañon City CO PD", "Investigación – officer’s request"),
             l13_row(9002, "Cañon City CO PD", "Investigación ICE"),
             l13_row(9003, "Fresno CA PD", "Robbery")]
    return rows


def _text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(L13)
    writer.writerows(rows)
    return buffer.getvalue()


def _audit(tmp_path: Path, log: Path) -> tuple[int, dict]:
    out = tmp_path / "r.json"
    result = RUNNER.invoke(app, ["audit", str(log), "--agency-state", "CA", "--json", str(out)])
    return result.exit_code, json.loads(out.read_text(encoding="utf-8"))["audit"]


def _check(audit: dict, rows: int, encoding: str) -> None:
    assert audit["rows_read"] == rows
    assert audit["rows_unreadable"] == 0
    assert audit["files"][0]["encoding"] == encoding
    assert "Cañon City CO PD" in {o["name"] for o in audit["orgs"]}
    reasons = {r["reason"]: r["category"] for r in audit["reasons"]}
    assert reasons["Investigación ICE"] == "immigration_agency"
    assert "Investigación – officer’s request" in reasons


def test_windows_1252_export_is_read_whole(tmp_path: Path) -> None:
    log = tmp_path / "audit.csv"
    log.write_bytes(_text(_rows()).encode("cp1252"))
    code, audit = _audit(tmp_path, log)
    assert code == 1  # an immigration reason from out of state: findings, not an incomplete run
    _check(audit, 3, "windows-1252")


def test_windows_1252_bytes_after_the_sniffed_head_are_read_again_not_lost(tmp_path: Path) -> None:
    log = tmp_path / "audit.csv.gz"
    text = _text(_rows(filler=3000))  # ~700 KB of plain ASCII before the first accented byte
    assert text.index("Cañon") > 256 * 1024
    log.write_bytes(gzip.compress(text.encode("cp1252")))
    _, audit = _audit(tmp_path, log)
    _check(audit, 3003, "windows-1252")


def test_utf16_unicode_text_export_is_read(tmp_path: Path) -> None:
    log = tmp_path / "audit.txt"
    log.write_bytes(_text(_rows(), delimiter="\t").encode("utf-16"))  # Excel's "Unicode Text": BOM + tabs
    _, audit = _audit(tmp_path, log)
    _check(audit, 3, "utf-16")


def test_a_byte_windows_1252_leaves_undefined_falls_back_to_latin_1(tmp_path: Path) -> None:
    log = tmp_path / "audit.csv"
    rows = _rows() + [l13_row(9004, "Fresno CA PD", "Robbery")]
    data = _text(rows).encode("cp1252").replace(uid(9004).encode(), uid(9004).encode() + b"\x81", 1)
    log.write_bytes(data)
    _, audit = _audit(tmp_path, log)
    assert audit["files"][0]["encoding"] == "latin-1"
    assert audit["rows_read"] == 4
    assert "Cañon City CO PD" in {o["name"] for o in audit["orgs"]}
