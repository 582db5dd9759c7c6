"""Audit progress: drawn on a terminal (a real pseudo-terminal as stderr), nothing at all anywhere else."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import duckdb
import pytest
from audit_fixtures import L13, l13_row, network_audit, write_csv

from configscan.progress import AuditProgress, audit_progress, on_terminal

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SUMMARY = re.compile(r"^configscan: .*: VIOLATIONS FOUND -- \d+ critical, \d+ high, .*\[US-CA\+baseline, law as of "
                     r"2026-12-01\]$")


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two months of a CA agency's network audit: two sources to read."""
    folder = tmp_path_factory.mktemp("progress") / "logs"
    folder.mkdir()
    network_audit(folder / "2026-03.csv")
    write_csv(folder / "2026-04.csv", L13, [l13_row(100 + i, "Fresno CA PD", "stolen vehicle") for i in range(500)])
    return folder


def _on_pty(*args: str | Path) -> tuple[int, str]:
    """Run configscan with stderr on a pseudo-terminal (120 columns); return its exit code and what it drew."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM", "COLUMNS")}
    proc = subprocess.Popen([sys.executable, "-m", "configscan", *map(str, args)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave, env={**env, "TERM": "xterm"})
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def audited(logs: Path) -> tuple[int, str]:
    """``configscan audit`` run once on a terminal for the module (each run is a new interpreter)."""
    return _on_pty("audit", logs, "--agency-state", "CA", "--as-of", "2026-12-01")


def _piped(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "configscan", *map(str, args)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, check=False)


def _last_line(drawn: str) -> str:
    return ANSI.sub("", drawn).replace("\r", "\n").strip().splitlines()[-1]


def test_audit_on_a_terminal_shows_sources_read_and_the_engine_phase(logs: Path, audited: tuple[int, str]) -> None:
    code, drawn = audited
    plain = ANSI.sub("", drawn)
    assert code == 1, plain
    assert "audit: reading 2026-03.csv and 1 more like it" in plain  # two months of one export: read together
    assert "0/2" in plain and "1/2" in plain and "2/2" in plain
    assert "audit: removing duplicates across sources" in plain
    assert "audit: grouping searchers and reasons" in plain
    assert re.search(r"\d:\d\d:\d\d", plain)  # elapsed time
    assert SUMMARY.match(_last_line(drawn)), plain  # the bar is erased; the summary line is the last thing left


def test_off_a_terminal_exactly_the_summary_line_as_before(logs: Path, audited: tuple[int, str]) -> None:
    piped = _piped("audit", logs, "--agency-state", "CA", "--as-of", "2026-12-01")
    assert piped.returncode == 1
    assert len(piped.stderr.splitlines()) == 1 and SUMMARY.match(piped.stderr.rstrip("\n")), piped.stderr
    assert "\x1b" not in piped.stderr and piped.stdout == ""
    assert _last_line(audited[1]) == piped.stderr.strip()  # the same summary, terminal or not



def test_scan_with_audit_on_a_terminal_shows_progress(logs: Path) -> None:
    config = Path(__file__).parent.parent / "examples" / "pinecrest-ca.json"
    code, drawn = _on_pty("scan", config, "--audit", logs, "--as-of", "2026-12-01")
    plain = ANSI.sub("", drawn)
    assert code == 1 and "2/2" in plain and "audit: grouping searchers and reasons" in plain
    assert _last_line(drawn).startswith("configscan: Pinecrest Police Department: VIOLATIONS FOUND")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_only_a_terminal_progress_turns_on_the_engines_progress_tracking() -> None:
    """DuckDB tracks a query's progress only with its bar enabled (printing off); off a terminal the
    connection is left as engine.connect set it."""
    assert on_terminal(False, "text", _Tty()) and not on_terminal(False, "text", io.StringIO())
    assert not on_terminal(True, "text", _Tty()) and not on_terminal(False, "json", _Tty())

    def settings(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
        row = con.execute("SELECT current_setting('enable_progress_bar'), "
                          "current_setting('enable_progress_bar_print')").fetchone()
        assert row is not None
        return tuple(row)

    for enabled, expected in ((False, (False, True)), (True, (True, False))):
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        stream = _Tty()
        with audit_progress(enabled, stream) as progress:
            assert isinstance(progress, AuditProgress)
            progress.watch(con)
            progress.sources(1)
            progress.reading("march.csv")
            assert con.execute("SELECT count(*) FROM range(1000)").fetchone() == (1000,)
            progress.read()
            progress.unwatch()
        assert settings(con) == expected
        assert ("march.csv" in stream.getvalue()) is enabled
        con.close()
