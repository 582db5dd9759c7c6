"""Where reports go: stdout for ``-``, and special files (pipes, devices) written in place, never replaced."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from configscan.atomic import write_atomic

from conftest import EXAMPLES, run_cli


def test_json_dash_prints_the_report_to_stdout_and_the_summary_to_stderr() -> None:
    run = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--json", "-")
    assert run.code == 1
    report = json.loads(run.stdout)
    assert report["agency"]["name"] == "Pinecrest Police Department"
    assert "VIOLATIONS FOUND" in run.stderr
    assert not Path("-").exists()


def test_two_reports_cannot_both_go_to_stdout(tmp_path: Path) -> None:
    run = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--json", "-", "--html", "-")
    assert run.code == 2
    assert "stdout" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert run.stdout == ""


def test_a_named_pipe_receives_the_report_and_stays_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_atomic(fifo, '{"ok": true}')
    reader.join(timeout=5)
    assert received == [b'{"ok": true}']
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pipe"]


def test_writing_into_a_directory_path_is_a_one_line_error(tmp_path: Path) -> None:
    run = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--json", tmp_path)
    assert run.code == 2
    assert str(tmp_path) in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_two_reports_to_one_file_is_a_usage_error_before_scanning(tmp_path: Path) -> None:
    target = tmp_path / "report.out"
    run = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--json", target, "--html", tmp_path / "." / "report.out")
    assert run.code == 2 and "same file" in run.stderr and not target.exists()


def _with_reader_gone(*args: str) -> subprocess.CompletedProcess[str]:
    """Run configscan with stdout a pipe whose reader has already gone (``| head`` that has read its lines):
    every write to stdout fails."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([sys.executable, "-m", "configscan", *args], stdout=write, stderr=subprocess.PIPE,
                              text=True, timeout=300, check=False)
    finally:
        os.close(write)


def test_a_listing_cut_short_by_its_reader_exits_quietly_but_a_report_is_incomplete() -> None:
    listing = _with_reader_gone("rules", "show", "US-CA")
    assert (listing.returncode, listing.stderr) == (0, "")
    report = _with_reader_gone("scan", str(EXAMPLES / "pinecrest-ca.json"), "--json", "-")
    assert report.returncode == 2  # never a clean exit: the report could not be written
    assert "cannot write the json report (Broken pipe)" in report.stderr
