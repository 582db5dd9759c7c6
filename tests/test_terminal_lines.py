"""Names printed to a terminal or log never carry control, bidi or invisible characters: one event, one line,
no escape sequence reaches the terminal (issue 15, item 8), whichever command prints them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE = "agency\x1b[2J\rconfigscan: Pinecrest: CLEAN\u202e\n.json"


def _stderr(*args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "configscan", *args], capture_output=True, text=True)
    assert run.returncode in (2, 3), run.stderr
    return run.stderr


@pytest.mark.parametrize("command", [
    ["scan", "{path}"],
    ["audit", "{path}", "--agency-state", "CA"],
    ["rules", "validate", "{path}"],
    ["map", "suggest", "{path}"],
    ["nonsense-command-{path}"],
])
def test_hostile_file_names_print_as_one_visible_line(tmp_path: Path, command: list[str]) -> None:
    path = str(tmp_path / HOSTILE)
    err = _stderr(*[part.replace("{path}", path) for part in command])
    assert err.count("\n") == 1 and err.endswith("\n")
    assert not any(ch in err[:-1] for ch in "\x1b\r\u202e\n")
    assert "\\x1b" in err or "nonsense" in err
