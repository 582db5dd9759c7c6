"""Waivers (YAML and TOML, fail closed on dates, stale ones reported) and the history database (schema
migrations, a newer or corrupt database left untouched, one writer at a time)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest

from configscan.errors import InputError
from configscan.findings import Finding, Severity
from configscan.history import db
from configscan.waivers import apply, load

from conftest import EXAMPLES, run_cli

DAY = dt.date(2026, 12, 2)


def _findings() -> list[Finding]:
    return [Finding(check="partners.unclassified", severity=Severity.high, subject="Tri-Valley  Regional Data Exchange",
                    title="t", fingerprint="f1"),
            Finding(check="retention.max", severity=Severity.medium, subject="retention_days", title="t",
                    fingerprint="f2")]


def test_toml_waivers_match_by_subject_or_fingerprint_and_dates_fail_closed(tmp_path: Path) -> None:
    path = tmp_path / "waivers.toml"
    path.write_text("""[[waiver]]
check = "partners.unclassified"
subject = "tri-valley regional data exchange"
reason = "members listed"
approved_by = "Chief"
expires = 2026-12-02

[[waiver]]
fingerprint = "f2"
reason = "council vote pending"
approver = "City Manager"
document = "Resolution 2026-114"
expires = "next month"

[[waiver]]
check = "sharing.national_lookup"
subject = "sharing.national_lookup"
reason = "r"
approved_by = "a"
expires = "2027-01-31"
""")
    outcome = apply(load(path), _findings(), DAY)
    assert outcome.findings[0].waiver is not None and outcome.findings[0].waiver.approved_by == "Chief"
    assert outcome.findings[1].waiver is None  # malformed expiry: expired
    assert [s.status for s in outcome.statuses] == ["active", "expired", "stale"]
    assert outcome.messages == [
        "waiver has no valid expiry date ('next month'), so counts as expired: waivers.toml, entry 2: "
        "fingerprint f2 (approved by City Manager); its finding is reported again",
        "stale waiver: waivers.toml, entry 3: sharing.national_lookup / sharing.national_lookup matches no "
        "finding; remove it"]
    later = apply(load(path), _findings(), DAY + dt.timedelta(days=1))
    assert later.findings[0].waiver is None and later.statuses[0].status == "expired"


@pytest.mark.parametrize(("body", "message"), [
    ("waivers:\n  - check: a\n    subject: b\n    approved_by: c\n    expires: 2027-01-01\n",
     "entry 1 (line 2): missing 'reason'"),
    ("waivers:\n  - reason: r\n    approved_by: c\n    expires: 2027-01-01\n",
     "entry 1 (line 2): give 'fingerprint', or 'check' and 'subject'"),
    ("waivers:\n  - fingerprint: x\n    reason: r\n    approved_by: c\n    until: 2027-01-01\n",
     "entry 1 (line 2): unknown key 'until'"),
])
def test_malformed_waiver_files_are_input_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(body)
    with pytest.raises(InputError, match=re.escape(message)):
        load(path)


def test_scan_with_waivers_lists_waived_findings_and_gates_without_them(tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    report = json.loads(run_cli("scan", EXAMPLES / "lakeshore-il.json", "--json", "-").stdout)
    gating = [f for f in report["findings"] if f["severity"] in ("high", "critical")]
    waivers.write_text("waivers:\n" + "".join(
        f"  - fingerprint: {f['fingerprint']}\n    reason: r\n    approved_by: a\n    expires: 2099-01-01\n"
        for f in gating))
    result = run_cli("scan", EXAMPLES / "lakeshore-il.json", "--waivers", waivers, "--json", tmp_path / "r.json")
    assert result.code == 0, result.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    assert len(data["findings"]) == len(report["findings"])  # listed, never hidden
    assert data["summary"]["waived"] == len(gating) and data["summary"]["counts"]["high"] == 0


def test_migrations_upgrade_an_old_database_and_refuse_a_newer_one(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    old = sqlite3.connect(path)
    for statement in db.MIGRATIONS[0].split(";"):
        if statement.strip():
            old.execute(statement)
    old.execute("INSERT INTO runs (agency_key, agency_name, scanned_at, as_of, tool_version, packs, verdict, "
                "counts, config, state) VALUES ('k', 'n', '2026-11-30T02:00:00', '2026-11-30', '0.0.9', '[]', "
                "'clean', '{}', '{}', 'complete')")
    old.execute("PRAGMA user_version=1")
    old.commit()
    old.close()
    con = db.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert con.execute("SELECT id, reports FROM runs").fetchall() == [(1, "[]")]  # the old run kept
    con.execute(f"PRAGMA user_version={db.SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(db.HistoryError, match="written by a newer configscan"):
        db.connect(path)


def test_corrupt_database_is_reported_and_left_untouched(tmp_path: Path) -> None:
    good = tmp_path / "h.db"
    assert run_cli("scan", EXAMPLES / "harbor-view-ca.json", "--db", good).code == 0
    damaged = bytearray(good.read_bytes())
    damaged[100:4096] = b"\xff" * (4096 - 100)  # the schema page
    good.write_bytes(bytes(damaged))
    for name in ("h.db-wal", "h.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    before = good.read_bytes()
    result = run_cli("scan", EXAMPLES / "harbor-view-ca.json", "--db", good, "--json", tmp_path / "r.json")
    assert result.code == 2
    assert result.stderr.startswith(f"configscan: error: {good}: the history database is corrupt (")
    assert "left untouched -- move it aside" in result.stderr
    assert good.read_bytes() == before and not (tmp_path / "r.json").exists()
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("these are my notes\n" * 300)
    assert run_cli("history", "--db", not_sqlite).code == 2
    assert not_sqlite.read_text() == "these are my notes\n" * 300


_RUN = ("INSERT INTO runs (agency_key, agency_name, scanned_at, as_of, tool_version, packs, verdict, counts, "
        "config) VALUES (?, 'n', '2026-12-02T02:00:00', '2026-12-02', '0', '[]', 'clean', '{}', '{}')")


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    """A write transaction takes the write lock at its start: a second writer cannot begin until it ends
    (here it is told not to wait; a real one waits up to db.BUSY_TIMEOUT_MS)."""
    path = tmp_path / "h.db"
    first, second = db.connect(path), db.connect(path)
    second.execute("PRAGMA busy_timeout=0")
    with db.write(first):
        first.execute(_RUN, ("first",))
        with pytest.raises(sqlite3.OperationalError, match="database is locked"), db.write(second):
            pass
        assert second.execute("SELECT count(*) FROM runs").fetchone() == (0,)  # readers still read (WAL)
    with db.write(second):
        second.execute(_RUN, ("second",))
    assert [r[0] for r in first.execute("SELECT agency_key FROM runs ORDER BY id")] == ["first", "second"]
    first.close()
    second.close()
