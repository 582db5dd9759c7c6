"""Shared helpers: run the CLI in-process exactly as the console script does (sub-commands mounted)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from configscan.cli import app
from configscan.commands import mount

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

mount(app)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Run:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def write_config(tmp_path: Path, data: dict[str, Any], name: str = "agency.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def minimal() -> dict[str, Any]:
    return {"format": "configscan/agency-config@1", "agency": {"name": "Test PD", "state": "CA"}}
