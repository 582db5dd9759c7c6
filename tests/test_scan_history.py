"""``scan --db`` records single scans like ``run`` does; ``--fail-on-new`` gates on news against the last run
or against ``--baseline REPORT.json``, so a standing finding does not keep a job red."""

from __future__ import annotations

import json
from pathlib import Path

from nightly_fixtures import DAYS, GROUP, PHOENIX, exports

from conftest import run_cli


def test_scan_db_and_fail_on_new(tmp_path: Path) -> None:
    days = exports(tmp_path / "exports")
    db = tmp_path / "h.db"
    first = run_cli("scan", days[DAYS[1]], "--db", db, "--as-of", DAYS[1], "--fail-on-new", "high")
    assert first.code == 1 and "first recorded scan of this agency" in first.stderr  # all of it is new
    again = run_cli("scan", days[DAYS[1]], "--db", db, "--as-of", DAYS[1], "--fail-on-new", "high",
                    "--json", tmp_path / "again.json")
    assert again.code == 0, again.stderr  # the same critical findings, standing: not news
    assert "since the last scan (run 1 of 2026-12-02): 0 new, 0 resolved, 0 changed; 0 setting(s) changed" \
           in again.stderr
    assert run_cli("scan", days[DAYS[1]], "--db", db, "--as-of", DAYS[1]).code == 1  # --fail-on still gates all
    assert json.loads((tmp_path / "again.json").read_text())["run_id"] == 2


def test_baseline_report_instead_of_history(tmp_path: Path) -> None:
    days = exports(tmp_path / "exports")
    baseline = tmp_path / "day2.json"
    assert run_cli("scan", days[DAYS[1]], "--as-of", DAYS[1], "--json", baseline).code == 1
    result = run_cli("scan", days[DAYS[2]], "--as-of", DAYS[2], "--baseline", baseline, "--fail-on-new", "critical",
                     "--json", tmp_path / "day3.json")
    assert result.code == 0, result.stderr  # the new findings are high, under the critical gate
    since = json.loads((tmp_path / "day3.json").read_text())["since_last"]
    assert since["baseline"] == str(baseline) and since["previous_run"] is None
    assert {r["subject"] for r in since["new"]} == {PHOENIX}
    assert since["settings"] == []  # a report holds findings, not the configuration: no setting diff
    assert GROUP not in {r["subject"] for r in since["new"]}  # unverified on both days, no waivers here
    assert run_cli("scan", days[DAYS[2]], "--as-of", DAYS[2], "--baseline", baseline, "--fail-on-new",
                   "high").code == 1
    broken = tmp_path / "broken.json"
    broken.write_text('{"findings": 3}')
    bad = run_cli("scan", days[DAYS[2]], "--baseline", broken)
    assert bad.code == 2 and "not a configscan JSON report" in bad.stderr
