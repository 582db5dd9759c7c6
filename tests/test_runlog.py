"""Behaving under cron: JSON events with --log-format json, --quiet, no escape codes off a terminal, and a
rich progress bar only on a real terminal (a pseudo-terminal here)."""

from __future__ import annotations

import json
import os
import select
from pathlib import Path

from nightly_fixtures import DAYS, scan_file

from configscan.runlog import Log

from conftest import run_cli


def test_json_events_and_quiet(tmp_path: Path) -> None:
    path = scan_file(tmp_path)
    first = run_cli("run", path, "--as-of", DAYS[0], "--log-format", "json")
    events = [json.loads(line) for line in first.stderr.splitlines()]
    assert [e["event"] for e in events] == ["summary", "info", "info", "info"]
    assert events[0]["verdict"] == "clean" and events[0]["scan"] == "harbor-view" and events[0]["run_id"] == 1
    assert all(set(e) >= {"time", "event", "message"} for e in events)
    second = run_cli("run", path, "--as-of", DAYS[1], "--log-format", "json", "--quiet")
    events = [json.loads(line) for line in second.stderr.splitlines()]
    assert second.code == 1 and {e["event"] for e in events} == {"new"}
    assert {e["check"] for e in events} == {"sharing.national_lookup", "history.drift"}
    assert "\x1b" not in first.stderr + second.stderr


def test_quiet_clean_night_prints_nothing_and_text_has_no_escapes(tmp_path: Path) -> None:
    path = scan_file(tmp_path)
    quiet = run_cli("run", path, "--as-of", DAYS[0], "--quiet")
    assert (quiet.code, quiet.stdout, quiet.stderr) == (0, "", "")
    loud = run_cli("run", path, "--as-of", DAYS[1])
    assert loud.stderr and "\x1b" not in loud.stderr and "━" not in loud.stderr  # no bar, no colour


def test_progress_is_drawn_only_on_a_terminal() -> None:
    master, slave = os.openpty()
    with os.fdopen(slave, "w", encoding="utf-8", closefd=True) as terminal:
        log = Log(stream=terminal)
        assert log.on_terminal()
        assert not Log(stream=terminal, fmt="json").on_terminal() and not Log(stream=terminal, quiet=True).on_terminal()
        with log.progress(["harbor-view", "pinecrest"]) as bar:
            bar.step("harbor-view")
            log.event("info", "a line above the bar", scan="harbor-view")
            bar.advance()
        terminal.flush()
        drawn = b""
        while select.select([master], [], [], 0)[0]:
            drawn += os.read(master, 65536)
    os.close(master)
    text = drawn.decode("utf-8", "replace")
    assert "configscan: harbor-view: a line above the bar" in text
    assert "\x1b[" in text  # the bar is drawn with cursor control, and cleared at the end (transient)

    assert not Log(stream=open(os.devnull, "w", encoding="utf-8")).on_terminal()  # noqa: SIM115
