"""SIGTERM (a cron timeout) unwinds a run: exit 143, no report, no staged evidence, no work directory left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest


def _log(path: Path, rows: int) -> Path:
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT uuid()::VARCHAR AS "ID", 'x' AS "Name", 'City' || (g % 900) || ' WA PD' AS "Org Name",
                                 (g % 3000)::VARCHAR AS "Total Networks Searched", '' AS "Time Frame",
                                 '***' AS "License Plate", 'burglary ' || g AS "Reason", '' AS "Case #",
                                 '' AS "Filters", '03/08/2026, 08:15:42 AM UTC' AS "Search Time",
                                 'lookup' AS "Search Type", '' AS "Text Prompt", '' AS "Moderation"
                          FROM range({rows}) t(g)) TO '{path}' (HEADER)""")
    con.close()
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("signum", "code", "said"), [
    (signal.SIGTERM, 143, "configscan: terminated; no report was half-written"),
    (signal.SIGINT, 130, "configscan: interrupted; no report was half-written"),  # Ctrl-C, inside a DuckDB query
])
def test_a_signal_mid_run_cleans_up_and_exits_with_its_code(tmp_path: Path, signum: int, code: int,
                                                             said: str) -> None:
    log = _log(tmp_path / "audit.csv", 400_000)
    work = tmp_path / "tmp"
    work.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-m", "configscan", "audit", str(log), "--agency-state", "CA", "--json",
         str(out / "r.json"), "--evidence-csv", str(out / "rows.csv")],
        env={**os.environ, "TMPDIR": str(work)}, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not any(p.name.startswith("configscan-audit-") for p in work.iterdir()):  # the run has started
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.01)
    child.send_signal(signum)
    _, err = child.communicate(timeout=60)
    assert child.returncode == code, err
    assert err.strip().splitlines()[-1] == said
    assert list(work.iterdir()) == []
    assert list(out.iterdir()) == []
