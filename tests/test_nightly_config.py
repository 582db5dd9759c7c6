"""The scan file (``run --check``), option precedence (flag > env > configscan.toml > default) and the
command-line conventions: --version, -h, completion, examples and exit codes in every command's help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nightly_fixtures import scan_file

from configscan.cli import app
from configscan.settings import hoist

from conftest import EXAMPLES, run_cli

BROKEN = """db = "state/history.db"
fail_on_new = "severe"

[alerts]
webhook = { slack = true }

[[scan]]
name = "harbor-view"
inputs = ["exports/{day}.json"]
jurisdicton = "US-CA"
json = "reports/{name}-{date}.json"

[[scan]]
name = "harbor-view"
html = "r.html"
"""


def test_check_lists_every_mistake_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "scans.toml"
    path.write_text(BROKEN)
    result = run_cli("run", "--check", path)
    assert result.code == 2
    lines = [line.removeprefix("configscan: error: ") for line in result.stderr.splitlines()]
    assert lines == [
        f"{path}:2: top level: fail_on_new 'severe': choose critical, high, info, low, medium, never",
        f"{path}:5: alerts.webhook: give url_env (an environment variable) or url_file (a file only you can read); "
        "the URL is a secret",
        f"{path}:10: scan 'harbor-view': unknown key 'jurisdicton' (did you mean 'jurisdiction'?)",
        f"{path}:9: scan 'harbor-view': inputs: unknown placeholder {{day}} (known: {{date}}, {{dd}}, {{mm}}, "
        "{name}, {yyyy})",
        f"{path}:13: scan 'harbor-view': no inputs (give inputs = [...] or fetch = {{...}})",
        f"{path}:14: scan 'harbor-view': two scans have this name",
    ]


def test_check_passes_a_good_file_and_scans_nothing(tmp_path: Path) -> None:
    path = scan_file(tmp_path)
    result = run_cli("run", "--check", path)
    assert (result.code, result.stdout.strip()) == (0, f"{path}: OK: 1 scan(s): harbor-view")
    assert not (tmp_path / "state").exists() and not (tmp_path / "reports").exists()
    (tmp_path / "waivers.yaml").write_text("waivers:\n  - check: a\n    subject: b\n    approved_by: c\n")
    text = path.read_text().replace('json = "reports', 'policy = "ours.yaml"\njson = "reports')
    path.write_text(text)
    errors = run_cli("run", "--check", path).stderr.splitlines()
    assert errors == [f"configscan: error: {path}:2: top level: waivers: {tmp_path / 'waivers.yaml'}: "
                      "entry 1 (line 2): missing 'reason' (every waiver says why and who)",
                      f"configscan: error: {path}:8: scan 'harbor-view': policy 'ours.yaml': no such file"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[[scan]\nname = 1\n")
    result = run_cli("run", "--check", bad)
    assert result.code == 2 and "not valid TOML" in result.stderr and "line 1" in result.stderr


def test_precedence_flag_over_env_over_file_over_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = EXAMPLES / "pinecrest-ca.json"  # critical findings: exit 1 unless the gate is "never"
    monkeypatch.chdir(tmp_path)
    assert run_cli("scan", export).code == 1  # default: high
    (tmp_path / "configscan.toml").write_text('fail-on = "never"\n[scan]\njson = "from-file.json"\n')
    assert run_cli("scan", export).code == 0  # the file
    assert json.loads((tmp_path / "from-file.json").read_text())["summary"]["fail_on"] == "never"
    monkeypatch.setenv("CONFIGSCAN_FAIL_ON", "critical")
    assert run_cli("scan", export).code == 1  # the environment beats the file
    assert run_cli("scan", export, "--fail-on", "never").code == 0  # the flag beats both
    other = tmp_path / "other.toml"
    other.write_text('[scan]\nfail_on = "never"\njson = "other.json"\n')
    monkeypatch.delenv("CONFIGSCAN_FAIL_ON")
    assert run_cli("--config", other, "scan", export).code == 0 and (tmp_path / "other.json").is_file()


def test_a_top_level_key_goes_only_where_it_fits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "configscan.toml").write_text('json = "top.json"\n')  # scan --json PATH; checks --json is a flag
    listed = run_cli("checks")
    assert listed.code == 0 and not listed.stdout.lstrip().startswith("[")
    assert run_cli("scan", EXAMPLES / "harbor-view-ca.json").code == 0 and (tmp_path / "top.json").is_file()


def test_unknown_option_in_the_config_file_names_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "configscan.toml").write_text('db = "h.db"\n\n[run]\nlog-formt = "json"\n')
    with pytest.raises(Exception, match=r"configscan.toml:4: unknown option run.'log-formt' "
                                        r"\(did you mean 'log-format'\?\)"):
        run_cli("history")


def test_config_flag_after_the_command_is_hoisted() -> None:
    assert hoist(["run", "s.toml", "--config", "c.toml", "-q"]) == ["--config", "c.toml", "run", "s.toml", "-q"]
    assert hoist(["scan", "--", "--config"]) == ["scan", "--", "--config"]


def test_version_short_help_and_completion() -> None:
    assert run_cli("--version").stdout.strip().startswith("configscan ")
    assert "Usage: configscan run [OPTIONS] {scan_file}" in run_cli("run", "-h").stdout
    completion = run_cli("--show-completion", "bash")
    assert completion.code == 0 and "_configscan_completion" in completion.stdout


COMMANDS = sorted([(c.name or "",) for c in app.registered_commands] + [
    (g.name or "", c.name or "") for g in app.registered_groups if g.typer_instance
    for c in g.typer_instance.registered_commands])


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_help_has_examples_and_exit_codes(command: tuple[str, ...]) -> None:
    text = " ".join(run_cli(*command, "--help").stdout.split())
    assert "Examples:" in text and f"$ configscan {' '.join(command)}" in text
    assert "Exit codes: 0 clean" in text and "75 another run of the same scan file" in text
