"""The crashes of issue 15 (items 6 and 9), each pinned: bad data is exit 2 with one line naming the file and
the place, a hostile file is refused at a resource limit naming the variable that raises it, a bug is exit 3
with one line (the traceback only with --debug), and Ctrl-C during a DuckDB query is exit 130."""

from __future__ import annotations

import gzip
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from audit_fixtures import L13, l13_row, network_audit, write_csv
from propkit import run

from configscan.readers import interchange

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = json.loads((ROOT / "examples" / "pinecrest-ca.json").read_text(encoding="utf-8"))


def _json(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(doc), encoding="utf-8")  # json.dumps writes NaN and Infinity, as JS exports do
    return path


def _one_error(argv: list[Any]) -> str:
    result = run(argv)
    lines = result.stderr.strip().splitlines()
    assert result.code == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith("configscan: error: ")
    return lines[0].removeprefix("configscan: error: ")


@pytest.mark.parametrize(("where", "value", "message"), [
    (("partners", 3, "name"), float("nan"), "partners[3].name: NaN is not a value"),
    (("partners",), float("nan"), "partners: NaN is not a value"),
    (("retention_days",), float("inf"), "retention_days: Infinity is not a value"),
    (("sharing", "networks", 1, "cameras"), float("-inf"), "sharing.networks[1].cameras: -Infinity is not a value"),
    (("partners",), {"a": {"name": "x"}}, "partners: expected a list of records, got a mapping"),
    (("partners",), "Oakmont CA PD", "partners: expected a list of records, got text"),
    (("partners", 2), "Oakmont CA PD", "partners[2]: expected a mapping (name: ...), got text"),
    (("users",), 7, "users: expected a list of records, got a number"),
])
def test_json_values_that_are_not_values_name_the_key_path(tmp_path: Path, where: tuple[Any, ...], value: Any,
                                                           message: str) -> None:
    doc = json.loads(json.dumps(EXAMPLE))
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = value
    path = _json(tmp_path, doc)
    assert _one_error(["scan", path]) == f"{path}: {message}"


def _yaml(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "agency.yaml"
    path.write_text("format: configscan/agency-config@1\nagency: {name: Salem PD, state: OR}\n" + body,
                    encoding="utf-8")
    return path


def test_yaml_timestamps_are_read_as_the_text_written(tmp_path: Path) -> None:
    path = _yaml(tmp_path, "exported_at: !!timestamp 2026-01-05 10:00:00\npartners:\n"
                           "  - {name: !!timestamp 2020-01-01, since: 2024-03-01, direction: outbound}\n")
    out = tmp_path / "r.json"
    result = run(["scan", path, "--fail-on", "never", "--json", out], out)
    assert result.code == 0, result.stderr
    assert result.report is not None and [p["name"] for p in result.report["partners"]] == ["2020-01-01"]


@pytest.mark.parametrize(("body", "message"), [
    ("partners:\n  - name: !!binary aGVsbG8=\n", "partners[0].name: binary data is not a value"),
    ("hotlists: !!set {a, b}\n", "hotlists: a YAML set is not a value"),
    ("retention_days: .nan\n", "retention_days: NaN is not a value"),
    ("partners: {name: Oakmont}\n", "partners: expected a list of records, got a mapping"),
    ("x: &a [*a]\n", "a YAML alias refers to a node that contains it (a cycle); not a configuration"),
])
def test_yaml_values_that_are_not_values_name_the_key_path(tmp_path: Path, body: str, message: str) -> None:
    path = _yaml(tmp_path, body)
    assert _one_error(["scan", path]) == f"{path}: {message}"


BILLION_LAUGHS = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                  + "".join(f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi",
                                                                                          strict=True)))


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    path = _yaml(tmp_path, BILLION_LAUGHS)
    assert len(BILLION_LAUGHS) < 500
    started = time.process_time()
    message = _one_error(["scan", path])
    assert time.process_time() - started < 5  # generous; before the limit it never finished
    levels = [10]  # a: a list of nine scalars; each next level nine aliases of the one before
    for _ in range(8):
        levels.append(1 + 9 * levels[-1])
    nodes = 1 + 2 + 6 + sum(1 + n for n in levels)  # the root, format, agency {name, state}, each key and level
    assert message == (f"{path}: {nodes:,} YAML nodes once its aliases are expanded, over the limit of 1,000,000 "
                       "YAML nodes; if the file is genuine, raise it with CONFIGSCAN_MAX_YAML_NODES=N")


def test_yaml_aliases_within_the_limits_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _yaml(tmp_path, "defaults: &d {direction: outbound, link: '1:1'}\n"
                           "partners:\n  - {<<: *d, name: Oakmont CA PD}\n  - {<<: *d, name: Phoenix AZ PD}\n")
    assert [p["direction"] for p in interchange.load_document(path)["partners"]] == ["outbound", "outbound"]
    monkeypatch.setenv("CONFIGSCAN_MAX_YAML_ALIASES", "1")
    assert _one_error(["scan", path]).endswith("raise it with CONFIGSCAN_MAX_YAML_ALIASES=N")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _audit(path: Path, *extra: str) -> str:
    return _one_error(["audit", path, "--agency-state", "CA", *extra])


def test_a_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    log = network_audit(tmp_path / "log.csv").read_bytes()
    bomb = _zip(tmp_path / "release.zip", {"log.csv": log + b"\n" * 20_000_000})  # 20 MB from ~20 KB
    assert bomb.stat().st_size < 50_000
    message = _audit(bomb)
    assert message.startswith(f"{bomb}: member log.csv inflates ") and "CONFIGSCAN_MAX_ZIP_RATIO=N" in message


def test_the_total_unzipped_size_is_capped_and_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = _zip(tmp_path / "release.zip", {"a.csv": network_audit(tmp_path / "a.csv").read_bytes()})
    monkeypatch.setenv("CONFIGSCAN_MAX_UNZIPPED_BYTES", "500")
    message = _audit(release)
    assert "over the limit of 500 bytes uncompressed" in message and "CONFIGSCAN_MAX_UNZIPPED_BYTES=N" in message
    monkeypatch.setenv("CONFIGSCAN_MAX_UNZIPPED_BYTES", "1_000_000")
    assert run(["audit", release, "--agency-state", "CA"]).code == 1


def test_a_zip_whose_header_lies_about_the_size_is_refused(tmp_path: Path) -> None:
    data = network_audit(tmp_path / "a.csv").read_bytes()
    raw = bytearray(_zip(tmp_path / "r.zip", {"a.csv": data}).read_bytes())
    directory = raw.rindex(b"PK\x01\x02")
    raw[directory + 24:directory + 28] = (100).to_bytes(4, "little")  # declared uncompressed size: 100 bytes
    liar = tmp_path / "liar.zip"
    liar.write_bytes(bytes(raw))
    assert _audit(liar).startswith(f"{liar}!a.csv: cannot be extracted (")


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_sheet_xml_held_in_memory_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [L13] + [l13_row(n, "Fresno CA PD", "Robbery") for n in range(1, 200)]
    book = _workbook(tmp_path / "log.xlsx", rows)
    monkeypatch.setenv("CONFIGSCAN_MAX_SHEET_XML_BYTES", "20000")
    # configuration readers hold a workbook whole: refused, naming the variable
    listing = _workbook(tmp_path / "list.xlsx", [["Name", "State", "Type"]] + [[f"PD {n}", "OR", "Police"]
                                                                                for n in range(2000)])
    message = _one_error(["scan", listing, "--agency-name", "X", "--agency-state", "OR"])
    assert message.startswith(f"{listing}: its sheets and shared strings are ") and "MAX_SHEET_XML_BYTES=N" in message
    # the audit reader streams a sheet over the cap through openpyxl instead: every row still read
    out = tmp_path / "r.json"
    result = run(["audit", book, "--agency-state", "CA", "--json", out], out)
    assert result.code == 0 and result.report is not None and result.report["audit"]["rows_read"] == 199


def _corrupt_member(path: Path, member: str) -> Path:
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + 10:start + 60] = b"\x00" * 50
    bad = path.with_name("bad-" + path.name)
    bad.write_bytes(bytes(raw))
    return bad


def test_corrupt_deflate_data_in_a_workbook_is_an_input_error(tmp_path: Path) -> None:
    rows = [L13] + [l13_row(n, "Fresno CA PD", f"Robbery {n}") for n in range(1, 300)]
    bad = _corrupt_member(_workbook(tmp_path / "log.xlsx", rows), "xl/worksheets/sheet1.xml")
    assert _audit(bad).startswith(f"{bad}: not a readable XLSX workbook (")
    listing = _workbook(tmp_path / "list.xlsx", [["Name", "State", "Type"]] + [[f"PD {n}", "OR", "PD"]
                                                                               for n in range(300)])
    bad_listing = _corrupt_member(listing, "xl/worksheets/sheet1.xml")
    message = _one_error(["scan", bad_listing, "--agency-name", "X", "--agency-state", "OR"])
    assert message.startswith(f"{bad_listing}: ")


def test_corrupt_deflate_data_in_a_zipped_log_is_an_input_error(tmp_path: Path) -> None:
    rows = [l13_row(n, "Fresno CA PD", f"Robbery {n}") for n in range(1, 300)]
    log = write_csv(tmp_path / "a.csv", L13, rows).read_bytes()
    bad = _corrupt_member(_zip(tmp_path / "r.zip", {"a.csv": log}), "a.csv")
    assert _audit(bad).startswith(f"{bad}!a.csv: cannot be extracted (")


def test_a_gzip_of_a_log_still_reads(tmp_path: Path) -> None:
    log = tmp_path / "a.csv.gz"
    log.write_bytes(gzip.compress(network_audit(tmp_path / "a.csv").read_bytes()))
    assert run(["audit", log, "--agency-state", "CA"]).code == 1


def test_corrupt_deflate_data_in_a_gzip_is_an_input_error(tmp_path: Path) -> None:
    raw = bytearray(gzip.compress(network_audit(tmp_path / "a.csv").read_bytes(), mtime=0))
    raw[40] ^= 0xFF  # inside the deflate stream
    log = tmp_path / "a.csv.gz"
    log.write_bytes(bytes(raw))
    assert _audit(log).startswith(f"{log}: ")


# --- the catch-all and --debug --------------------------------------------------------------------------

def _boom(path: Path) -> dict[str, Any]:
    raise ZeroDivisionError("division by zero")


@pytest.mark.parametrize("debug", [[], ["--debug"], ["--debug-at-end"], ["env"]])
def test_an_unexpected_error_is_exit_3_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     debug: list[str]) -> None:
    monkeypatch.setattr(interchange, "load_document", _boom)
    path = _json(tmp_path, EXAMPLE)
    argv: list[Any] = ["scan", path, "--json", tmp_path / "r.json"]
    if debug == ["--debug"]:
        argv = ["--debug", *argv]
    elif debug == ["--debug-at-end"]:
        argv = [*argv, "--debug"]
    elif debug == ["env"]:
        monkeypatch.setenv("CONFIGSCAN_DEBUG", "1")
    result = run(argv)
    lines = result.stderr.strip().splitlines()
    assert result.code == 3 and not (tmp_path / "r.json").exists()
    if not debug:
        assert lines == ["configscan: internal error: ZeroDivisionError: division by zero "
                         "(run with --debug for the traceback)"]
    else:
        assert lines[0] == "Traceback (most recent call last):" and "in _boom" in result.stderr
        assert lines[-1] == "configscan: internal error: ZeroDivisionError: division by zero"


def test_ctrl_c_inside_a_duckdb_query_is_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB turns the KeyboardInterrupt raised inside a query into its own InterruptException."""
    def interrupted(*args: object, **kwargs: object) -> None:
        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")

    monkeypatch.setattr("configscan.scan.run_audit", interrupted)
    evidence = tmp_path / "rows.csv"
    result = run(["audit", network_audit(tmp_path / "a.csv"), "--agency-state", "CA", "--json", tmp_path / "r.json",
                  "--evidence-csv", evidence])
    assert result.code == 130
    assert result.stderr.strip().splitlines() == ["configscan: interrupted; no report was half-written"]
    assert not evidence.exists() and not (tmp_path / "r.json").exists()


def test_a_limit_set_to_nonsense_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIGSCAN_MAX_ZIP_RATIO", "lots")
    release = _zip(tmp_path / "release.zip", {"a.csv": network_audit(tmp_path / "a.csv").read_bytes()})
    assert _audit(release) == "CONFIGSCAN_MAX_ZIP_RATIO: must be a whole number, got 'lots'"
