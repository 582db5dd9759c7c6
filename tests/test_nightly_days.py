"""End to end, in process: three nights of ``configscan run`` with a webhook (responses) and the history.

What each night prints, exits with, records and alerts is asserted line by line against the story in
nightly_fixtures: day 1 clean (one waived), day 2 national lookup re-enabled, day 3 a partner added and the
waiver expired.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import responses
from nightly_fixtures import DAYS, GROUP, PHOENIX, report, scan_file

from conftest import run_cli

HOOK = "https://hooks.example.org/services/T000/B000/secret-token"
ALERTS = """
[alerts]
min_severity = "high"
webhook = { url_env = "CS_TEST_HOOK", slack = false, retries = 0 }
"""


Nights = tuple[Path, list[tuple[int, str]], list[list[dict[str, Any]]]]


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Nights:
    """The three nights, run once for the module: (folder, [(exit, stderr)], [webhook bodies per night])."""
    root = tmp_path_factory.mktemp("nightly")
    path = scan_file(root, top=ALERTS)
    runs, posts = [], []
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CS_TEST_HOOK", HOOK)
        for day in DAYS:
            with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
                mock.add(responses.POST, HOOK, json={"ok": True})
                result = run_cli("run", path, "--as-of", day)
                posts.append([json.loads(c.request.body or b"{}") for c in mock.calls])
            runs.append((result.code, result.stderr))
    return root, runs, posts


def test_day1_clean_with_one_waived_finding_no_alert(nights: Nights) -> None:
    root, runs, posts = nights
    code, err = runs[0]
    assert code == 0, err
    assert "CLEAN -- 0 critical, 0 high, 0 medium" in err and "(1 waived)" in err
    assert "first recorded scan of this agency" in err
    assert "NEW" not in err and posts[0] == []
    data = report(root, DAYS[0])
    waived = [f for f in data["findings"] if f["waiver"]]
    assert [f["subject"] for f in waived] == [GROUP]
    assert waived[0]["waiver"]["approved_by"] == "Lt. R. Chen"
    assert data["summary"]["verdict"] == "clean" and data["summary"]["waived"] == 1
    assert data["since_last"] is None and data["run_id"] == 1


def test_day2_national_lookup_reenabled_is_news_and_a_finding(nights: Nights) -> None:
    root, runs, posts = nights
    code, err = runs[1]
    assert code == 1, err
    assert "since the last scan (run 1 of 2026-12-01): 3 new, 0 resolved, 0 changed; 1 setting(s) changed " \
           "(1 widen access)" in err
    assert "NEW high fail: National lookup was re-enabled between 2026-12-01 and 2026-12-02" in err
    assert err.count("NEW critical fail: National lookup lets out-of-state") == 2  # two CA rules broken
    data = report(root, DAYS[1])
    assert data["since_last"]["settings"] == [{"path": "sharing.national_lookup", "before": False, "after": True,
                                               "kind": "changed", "widens": True}]
    drift = [f for f in data["findings"] if f["check"] == "history.drift"]
    assert [f["title"] for f in drift] == ["National lookup was re-enabled between 2026-12-01 and 2026-12-02"]
    assert len(posts[1]) == 1
    body = posts[1][0]
    assert body["event"] == "configscan.new_findings" and body["run_id"] == 2
    assert {n["check"] for n in body["new"]} == {"sharing.national_lookup", "history.drift"}
    assert "alert sent: 3 new finding(s) to webhook https://hooks.example.org" in err
    assert "secret-token" not in err


def test_day3_partner_added_and_waiver_expired(nights: Nights) -> None:
    root, runs, posts = nights
    code, err = runs[2]
    assert code == 1, err
    assert ("warning: waiver expired on 2026-12-02: waivers.yaml, entry 1 (line 2): partners.unclassified / "
            f"{GROUP} (approved by Lt. R. Chen); its finding is reported again") in err
    assert f"NEW high fail: An out-of-state organisation can search this agency's ALPR data ({PHOENIX}" in err
    assert f"NEW high unverified: Unverified: partner could not be classified ({GROUP}" in err
    assert f"NEW medium fail: Sharing partner '{PHOENIX}' was added between 2026-12-02 and 2026-12-03" in err
    assert "National lookup" not in err.split("since the last scan")[1]  # standing now, not news
    data = report(root, DAYS[2])
    assert data["summary"]["waived"] == 0
    assert data["waivers"][0]["status"] == "expired"
    since = data["since_last"]
    assert [r["before"] for r in since["new"] if r["subject"] == GROUP] == ["was waived"]
    assert since["resolved"] == []  # the day-2 drift was an event, it does not "resolve"
    assert [c["path"] for c in since["settings"]] == [f"partners[{PHOENIX}]"]
    assert {n["subject"] for n in posts[2][0]["new"]} == {PHOENIX, GROUP}  # medium drift is under the threshold


def test_history_and_diff_after_three_nights(nights: Nights) -> None:
    root, _, _ = nights
    db = root / "state" / "history.db"
    listed = run_cli("history", "harbor-view", "--db", db, "--json")
    runs = json.loads(listed.stdout)
    assert [(r["id"], r["as_of"], r["state"], r["exit_code"]) for r in runs] == [
        (1, "2026-12-01", "complete", 0), (2, "2026-12-02", "complete", 1), (3, "2026-12-03", "complete", 1)]
    assert runs[0]["packs"][0].startswith("US-CA@") and runs[0]["tool_version"]
    diff = json.loads(run_cli("diff", "1", "3", "--db", db, "--json").stdout)
    assert [c["path"] for c in diff["settings"]] == [f"partners[{PHOENIX}]", "sharing.national_lookup"]
    assert diff["widens_access"] == [f"Sharing partner '{PHOENIX}' was added between 2026-12-01 and 2026-12-03",
                                     "National lookup was re-enabled between 2026-12-01 and 2026-12-03"]
    text = run_cli("diff", "--db", db).stdout  # default: the last two runs of the only agency
    assert "run 2 (2026-12-02) -> run 3 (2026-12-03)" in text
    assert f"+ partners[{PHOENIX}]" in text and "[widens access]" in text
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    stored = json.loads(con.execute("SELECT config FROM runs WHERE id = 3").fetchone()[0])
    assert stored["sharing"]["national_lookup"] is True
    assert con.execute("SELECT count(*) FROM inputs WHERE run_id = 3").fetchone()[0] == 1
    blob = b"".join(bytes(str(row), "utf-8") for row in con.execute("SELECT * FROM runs"))
    assert b"secret-token" not in blob
    con.close()
