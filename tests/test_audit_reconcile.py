"""Every record of an audit log is accounted for: a log the engine read short, or read as no searches, or a
compressed file damaged past its head, makes the run incomplete (exit 3), never clean."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from audit_fixtures import L13, l13_row, network_audit, write_csv
from hypothesis import given, settings
from hypothesis import strategies as st

from configscan.audit.inputs import records
from configscan.audit.passes import engine

from conftest import run_cli


def _audit(tmp_path: Path, log: Path, *extra: str) -> tuple[int, dict, str]:
    out = tmp_path / f"{log.name}.json"
    run = run_cli("audit", log, "--agency-state", "CA", "--json", out, *extra)
    return run.code, json.loads(out.read_text()) if out.exists() else {}, run.stderr


def _body(tmp_path: Path) -> str:
    return network_audit(tmp_path / "base.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("title", [
    "Network Audit - Pinecrest CA PD\n",
    '"Network Audit\nPinecrest CA PD, March 2026"\n',  # a title cell holding a line break: two lines, one record
    "Report generated 2026-04-01\n\n",
    "Network Audit,,,,,,,,,,,,\n,,,,,,,,,,,,\n",
])
def test_titles_above_the_header_lose_no_search(tmp_path: Path, title: str) -> None:
    log = tmp_path / "log.csv"
    log.write_text(title + _body(tmp_path), encoding="utf-8")
    code, report, err = _audit(tmp_path, log)
    assert report["audit"]["rows_read"] == 10, err
    assert code == 1 and "incomplete" not in err


def test_header_only_log_is_incomplete_not_clean(tmp_path: Path) -> None:
    log = write_csv(tmp_path / "log.csv", L13, [])
    code, report, err = _audit(tmp_path, log)
    assert code == 3
    assert report["summary"]["verdict"] == "incomplete"
    assert "no searches were read" in err and "log.csv" in err


def test_engine_reading_short_is_caught_by_the_independent_count(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine that skips one record too many (takes the first search for the header) raises nothing: the
    independent count of records does not add up, and the run says so."""
    log = tmp_path / "log.csv"
    log.write_text("Network Audit - Pinecrest\n" + _body(tmp_path), encoding="utf-8")
    real = engine._read_csv
    monkeypatch.setattr(engine, "_read_csv", lambda scan: real(scan).replace("skip=1,", "skip=2,"))
    code, report, err = _audit(tmp_path, log)
    assert code == 3
    assert report["audit"]["rows_read"] == 9
    assert "1 record(s) were not read" in err


def test_a_search_holding_only_an_officer_and_a_plate_is_not_a_blank_row(tmp_path: Path) -> None:
    log = tmp_path / "queries.csv"
    log.write_text("User,User Agency,Query Date,License Plate,Query Reason,Case Number\n"
                   "agent7,,,8ABC999,,\n,,,,,\n", encoding="utf-8")
    code, report, err = _audit(tmp_path, log)
    assert report["audit"]["rows_read"] == 1 and report["audit"]["files"][0]["blank_rows"] == 1
    assert report["summary"]["verdict"] != "clean", err
    assert [f["outcome"] for f in report["findings"] if f["check"] == "audit.unverified_searcher"] == ["unverified"]


def test_inch_marks_and_blank_lines_are_not_false_alarms(tmp_path: Path) -> None:
    """A quote inside an unquoted cell is text to the engine and to a CSV reader, but not to a quote-parity
    count: the exact recount settles it, so no false alarm."""
    log = tmp_path / "log.csv"
    rows = [",".join(L13), "1,***,Fresno CA PD,40,,***,suspect 5'10\" male,,,03/08/2026 08:15:42,lookup,,",
            "", "2,***,Fresno CA PD,40,,***,Robbery,,,03/08/2026 09:15:42,lookup,,", "",
            "3,***,Fresno CA PD,40,,***,TV 55\" stolen,,,03/08/2026 10:15:42,lookup,,", "", ""]
    log.write_text("\n".join(rows), encoding="utf-8")
    code, report, err = _audit(tmp_path, log)
    assert "incomplete" not in err
    assert report["audit"]["rows_read"] == 3


def test_a_quote_that_never_closes_is_reported(tmp_path: Path) -> None:
    log = write_csv(tmp_path / "log.csv", L13, [l13_row(1, "Fresno CA PD", "Robbery")])
    tail = [f"{n},***,Fresno CA PD,40,,***,Robbery,,,03/08/2026 08:15:42,lookup,," for n in range(2, 40)]
    log.write_text(log.read_text() + '99,***,Fresno CA PD,40,,***,"stolen car\n' + "\n".join(tail) + "\n")
    code, _, err = _audit(tmp_path, log)
    assert code == 3
    assert "never closes" in err


def _big_gzip(tmp_path: Path, rows: int = 60_000) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(L13)
    for n in range(rows):
        writer.writerow(l13_row(n, f"City{n % 400} CA PD", f"burglary {n * 7919 % 100_003}"))
    return gzip.compress(buffer.getvalue().encode(), compresslevel=6)


@pytest.mark.parametrize("damage", ["crc", "length", "deflate"])
def test_damaged_gzip_is_never_read_as_complete(tmp_path: Path, damage: str) -> None:
    data = bytearray(_big_gzip(tmp_path))
    assert len(data) > 400_000  # damage well past the head any reader looks at
    if damage == "crc":
        data[-5] ^= 0xFF  # CRC32 of the member
    elif damage == "length":
        data[-1] ^= 0x01  # ISIZE, the uncompressed length
    else:
        data[len(data) * 3 // 4] ^= 0x10  # one flipped bit deep in the deflate stream
    log = tmp_path / "log.csv.gz"
    log.write_bytes(bytes(data))
    code, _, err = _audit(tmp_path, log)
    assert code == 3, err
    assert "log.csv.gz" in err and ("damaged" in err or "not read" in err)


def test_intact_gzip_is_read_whole(tmp_path: Path) -> None:
    log = tmp_path / "log.csv.gz"
    log.write_bytes(_big_gzip(tmp_path, rows=20_000))
    code, report, err = _audit(tmp_path, log)
    assert "incomplete" not in err
    assert report["audit"]["rows_read"] == 20_000


_cells = st.lists(st.sampled_from(['a', 'Z', ',', '"', '\n', '\r\n', ' ', 'é']), max_size=6).map(''.join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(rows=st.lists(st.one_of(st.just([]), st.lists(_cells, min_size=1, max_size=4)), max_size=8),
       terminator=st.sampled_from(["\n", "\r\n"]), trailing=st.booleans(), chunk=st.sampled_from([1, 2, 3, 7, 1 << 20]))
def test_parity_count_equals_the_csv_module(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]],
                                            terminator: str, trailing: bool, chunk: int) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=terminator)
    for row in rows:
        buffer.write(terminator) if not row else writer.writerow(row)
    text = buffer.getvalue() if trailing else buffer.getvalue().rstrip("\r\n")
    path = tmp_path_factory.mktemp("count") / "t.csv"
    path.write_bytes(text.encode())
    expected = sum(1 for record in csv.reader(io.StringIO(text, newline="")) if record)
    original = records._CHUNK
    records._CHUNK = chunk
    try:
        assert records.count(path) == records.Count(expected, False)
    finally:
        records._CHUNK = original
    assert records.exact(path) == records.Count(expected, False)
