"""Other commands, the JSON Schema, plugin failures and crashed checks (fail closed: exit 3)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import jsonschema
import pytest
import yaml

from configscan import plugins
from configscan.checkapi import Check, CheckContext, CheckMeta
from configscan.findings import Finding, Severity

from conftest import EXAMPLES, run_cli


def test_schema_validates_every_example_and_rejects_bad_ones() -> None:
    run = run_cli("schema")
    schema = json.loads(run.stdout)
    assert set(schema["required"]) == {"format", "agency"}
    for path in EXAMPLES.glob("*-*.*"):
        if path.suffix not in (".json", ".yaml"):
            continue
        doc = json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())
        if doc.get("format") != "configscan/agency-config@1":
            continue
        jsonschema.validate(json.loads(json.dumps(doc, default=str)), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": "configscan/agency-config@1", "agency": {"name": "X"}}, schema)


def test_checks_lists_every_builtin() -> None:
    run = run_cli("checks", "--json")
    metas = json.loads(run.stdout)
    ids = {m["id"] for m in metas}
    assert {"sharing.national_lookup", "partners.federal_link", "partners.out_of_state_link", "retention.max",
            "search.reason_required", "hotlists.immigration", "users.federal_accounts",
            "partners.unclassified"} <= ids
    assert all(m["remediation"] and m["description"] and m["severity"] for m in metas)


def test_python_dash_m_runs() -> None:
    proc = subprocess.run([sys.executable, "-m", "configscan", "checks"], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0 and "sharing.national_lookup" in proc.stdout


def _boom(ctx: CheckContext) -> Iterator[Finding]:
    raise KeyError("sharing")
    yield  # pragma: no cover


def test_a_check_that_raises_makes_the_scan_incomplete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = plugins.load

    def with_broken(group: str, kind: type) -> tuple[list, list]:  # type: ignore[type-arg]
        loaded, failures = original(group, kind)
        if group == plugins.CHECKS:
            meta = CheckMeta(id="test.boom", title="A check that crashes", severity=Severity.low,
                             description="Raises on purpose.", remediation="Nothing to change here.")
            loaded.append(plugins.Loaded("boom", Check(meta=meta, func=_boom), None))
        return loaded, failures

    monkeypatch.setattr(plugins, "load", with_broken)
    out = tmp_path / "r.json"
    run = run_cli("scan", EXAMPLES / "harbor-view-ca.json", "--json", out)
    assert run.code == 3
    report = json.loads(out.read_text())
    assert report["summary"]["verdict"] == "incomplete"
    crashed = [f for f in report["findings"] if f["check"] == "test.boom"]
    assert crashed and crashed[0]["outcome"] == "unverified" and "KeyError" in crashed[0]["evidence"]["error"]
    assert "test.boom" in run.stderr


def test_a_plugin_that_fails_to_load_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = plugins.find

    def with_missing(group: str) -> list[EntryPoint]:
        eps = original(group)
        if group == plugins.CHECKS:
            eps.append(EntryPoint(name="ghost", value="configscan_no_such_module:check", group=group))
        return eps

    monkeypatch.setattr(plugins, "find", with_missing)
    run = run_cli("scan", EXAMPLES / "harbor-view-ca.json")
    assert run.code == 3 and "ghost" in run.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (["scan", "--bogus"], "--bogus"),
    (["nosuch"], "nosuch"),
    (["scan"], "inputs"),
])
def test_usage_errors_are_one_line_exit_2(args: list[str], needle: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "configscan", *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in proc.stderr


def test_bare_command_shows_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "configscan"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "scan" in proc.stdout


def test_console_exit_codes_follow_the_scan() -> None:
    def code(name: str) -> int:
        return subprocess.run([sys.executable, "-m", "configscan", "scan", str(EXAMPLES / name), "-q"],
                              capture_output=True, text=True, check=False).returncode

    assert (code("harbor-view-ca.json"), code("pinecrest-ca.json")) == (0, 1)
