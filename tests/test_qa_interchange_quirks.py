"""Hand-written and tool-written interchange files: YAML surprises, junk, and hostile nesting."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

FORMAT = "format: configscan/agency-config@1\n"


def scan(tmp_path: Path, path: Path) -> tuple[int, dict[str, object], str]:
    out = tmp_path / "report.json"
    run = run_cli("scan", path, "--fail-on", "never", "--json", out)
    return run.code, (json.loads(out.read_text()) if out.exists() else {}), run.stderr


def test_deeply_nested_junk_is_a_one_line_input_error(tmp_path: Path) -> None:
    path = tmp_path / "agency.json"
    junk = "[" * 100_000 + "]" * 100_000
    path.write_text('{"format": "configscan/agency-config@1", "agency": {"name": "Salem PD", "state": "OR"}, '
                    f'"vendor_blob": {junk}}}', encoding="utf-8")
    code, report, stderr = scan(tmp_path, path)
    assert code == 2 and not report
    assert stderr.startswith(f"configscan: error: {path}: ") and "nested" in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_deeply_nested_yaml_is_a_one_line_input_error(tmp_path: Path) -> None:
    path = tmp_path / "agency.yaml"
    path.write_text(FORMAT + "agency: {name: Salem PD, state: OR}\nvendor_blob: " + "[" * 50_000 + "]" * 50_000
                    + "\n", encoding="utf-8")
    code, _, stderr = scan(tmp_path, path)
    assert code == 2 and "nested" in stderr and len(stderr.strip().splitlines()) == 1


def test_numbers_where_text_is_expected_are_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "agency.yaml"
    path.write_text(FORMAT + "agency: {name: Salem PD, state: OR, ori: 2400100}\n"
                    "retention_days: '30'\n"
                    "partners:\n  - {name: 911, state: OR, org_type: 7}\n", encoding="utf-8")
    code, report, stderr = scan(tmp_path, path)
    assert code == 0, stderr
    partners = report["partners"]
    assert isinstance(partners, list) and partners[0]["name"] == "911"
    agency = report["agency"]
    assert isinstance(agency, dict) and agency["ori"] == "2400100"


def test_a_yaml_boolean_where_a_state_belongs_names_the_value(tmp_path: Path) -> None:
    path = tmp_path / "agency.yaml"
    path.write_text(FORMAT + "agency: {name: Norfolk PD, state: no}\n", encoding="utf-8")
    code, _, stderr = scan(tmp_path, path)
    assert code == 2
    assert "agency.state" in stderr and "False" in stderr and "no input gives it" not in stderr


def test_windows_1252_yaml_saved_by_notepad_is_read(tmp_path: Path) -> None:
    path = tmp_path / "agency.yaml"
    path.write_bytes((FORMAT + "agency:\r\n  name: County Marshal\u2019s Office\r\n  state: OR\r\n").encode("cp1252"))
    code, report, stderr = scan(tmp_path, path)
    assert code == 0, stderr
    agency = report["agency"]
    assert isinstance(agency, dict) and agency["name"] == "County Marshal\u2019s Office"


def test_json_with_a_byte_order_mark_reports_json_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "agency.json"
    path.write_bytes(b'\xef\xbb\xbf{"format": "configscan/agency-config@1",\n "agency": {"name": "Salem PD",}}')
    code, _, stderr = scan(tmp_path, path)
    assert code == 2 and "line 2" in stderr and "invalid JSON" in stderr
