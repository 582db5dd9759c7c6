"""The global ``--config`` (an options file) and a command's own ``--config`` (``audit --config agency.json``,
the agency's configuration export) do not collide."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer
from audit_fixtures import network_audit

from configscan import settings
from configscan.cli import _mount_subcommands, app

from conftest import EXAMPLES


def test_hoist_moves_a_global_config_typed_after_the_command() -> None:
    assert settings.hoist(["scan", "a.json", "--config", "c.toml"]) == ["--config", "c.toml", "scan", "a.json"]
    assert settings.hoist(["scan", "--config=c.toml", "a.json"]) == ["--config=c.toml", "scan", "a.json"]


def test_hoist_leaves_a_command_s_own_config_alone() -> None:
    argv = ["audit", "log.csv", "--config", "agency.json"]
    assert settings.hoist(argv, {"audit"}) == argv
    already = ["--config", "c.toml", "audit", "log.csv", "--config", "agency.json"]
    assert settings.hoist(already, {"audit"}) == already


def test_audit_is_the_command_with_its_own_config() -> None:
    _mount_subcommands()
    assert "audit" in settings.commands_with_config(typer.main.get_command(app))
    assert "scan" not in settings.commands_with_config(typer.main.get_command(app))


def test_audit_config_from_the_command_line(tmp_path: Path) -> None:
    log = network_audit(tmp_path / "log.csv")
    out = tmp_path / "r.json"
    run = subprocess.run([sys.executable, "-m", "configscan", "audit", str(log), "--config",
                          str(EXAMPLES / "pinecrest-ca.json"), "--json", str(out)], capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    assert json.loads(out.read_text())["agency"]["name"] == "Pinecrest Police Department"
