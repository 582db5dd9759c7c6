"""Reading and writing runs: one row per scan, its findings and its input files.

A run is written in two steps. ``begin`` commits it as ``pending`` (the findings, the normalised
configuration, input hashes, tool and rule-pack versions, the law date); ``complete`` marks it done once its
reports are written and its alerts sent. A run killed between the two stays ``pending``: ``history`` shows it
as interrupted and the next run compares itself with the last *complete* run, so news that a killed run never
reported (or alerted) is reported by the next one instead of being lost.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from configscan.findings import Finding, ScanResult
from configscan.history.db import write

COMPLETE = "complete"
PENDING = "pending"


def agency_key(agency: dict[str, Any]) -> str:
    """The same key the fingerprints use: the ORI when exported, else ``STATE:name``."""
    return str(agency.get("ori") or f"{agency.get('state')}:{agency.get('name')}")


@dataclass
class Run:
    id: int
    agency_key: str
    agency_name: str
    label: str | None
    scanned_at: dt.datetime
    as_of: dt.date
    tool_version: str
    packs: list[dict[str, Any]]
    verdict: str
    counts: dict[str, int]
    state: str
    scan_file: str | None
    exit_code: int | None
    reports: list[str]
    config: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The run as ``history --json`` lists it (no configuration, no findings)."""
        return {"id": self.id, "agency": self.agency_name, "agency_key": self.agency_key, "label": self.label,
                "scanned_at": self.scanned_at.isoformat(), "as_of": self.as_of.isoformat(),
                "state": "complete" if self.state == COMPLETE else "interrupted", "verdict": self.verdict,
                "counts": self.counts, "exit_code": self.exit_code, "tool_version": self.tool_version,
                "packs": [f"{p['id']}@{p['version']}" for p in self.packs], "scan_file": self.scan_file,
                "reports": self.reports}


_RUN_COLUMNS = ("id, agency_key, agency_name, label, scanned_at, as_of, tool_version, packs, verdict, counts, "
                "state, scan_file, exit_code, reports")


def begin(con: sqlite3.Connection, result: ScanResult, *, label: str | None = None,
          scan_file: str | None = None, reports: Sequence[str] = ()) -> int:
    """Store the run as pending in one transaction; returns its id."""
    packs = [{"id": j.id, "version": j.version, "last_reviewed": j.last_reviewed.isoformat(), "role": j.role}
             for j in result.jurisdictions]
    counts = {**result.summary.counts, "unverified": result.summary.unverified,
              "upcoming": result.summary.upcoming, "waived": result.summary.waived}
    with write(con):
        cursor = con.execute(
            "INSERT INTO runs (agency_key, agency_name, label, scanned_at, as_of, tool_version, packs, verdict, "
            "counts, config, state, scan_file, reports) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (agency_key(result.agency), str(result.agency.get("name")), label, result.scanned_at.isoformat(),
             result.as_of.isoformat(), result.tool.get("version", ""), json.dumps(packs),
             result.summary.verdict, json.dumps(counts), json.dumps(result.config or {}, sort_keys=True),
             PENDING, scan_file, json.dumps(list(reports))))
        run_id = int(cursor.lastrowid or 0)
        con.executemany(
            "INSERT OR REPLACE INTO findings (run_id, fingerprint, check_id, subject, severity, outcome, waived, "
            "body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, f.fingerprint, f.check, f.subject, f.severity.value, f.outcome.value,
              int(f.waiver is not None), f.model_dump_json()) for f in result.findings])
        con.executemany("INSERT INTO inputs (run_id, path, sha256, reader) VALUES (?, ?, ?, ?)",
                        [(run_id, i.path, i.sha256, i.reader) for i in result.inputs])
    return run_id


def complete(con: sqlite3.Connection, run_id: int, exit_code: int) -> None:
    with write(con):
        con.execute("UPDATE runs SET state = ?, exit_code = ? WHERE id = ?", (COMPLETE, exit_code, run_id))


def _run(row: sqlite3.Row | tuple[Any, ...]) -> Run:
    (run_id, key, name, label, scanned_at, as_of, version, packs, verdict, counts, state, scan_file, code,
     reports) = row
    return Run(id=run_id, agency_key=key, agency_name=name, label=label,
               scanned_at=dt.datetime.fromisoformat(scanned_at), as_of=dt.date.fromisoformat(as_of),
               tool_version=version, packs=json.loads(packs), verdict=verdict, counts=json.loads(counts),
               state=state, scan_file=scan_file, exit_code=code, reports=json.loads(reports))


def runs(con: sqlite3.Connection, agency: str | None = None) -> list[Run]:
    """Every run, oldest first; ``agency`` matches a key, a label or a name (case-insensitive)."""
    rows = con.execute(f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY id").fetchall()
    found = [_run(r) for r in rows]
    if agency is None:
        return found
    wanted = agency.strip().lower()
    return [r for r in found if wanted in (r.agency_key.lower(), (r.label or "").lower(), r.agency_name.lower())]


def load(con: sqlite3.Connection, run_id: int) -> Run | None:
    """One run with its configuration, findings and inputs."""
    row = con.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        return None
    run = _run(row)
    run.config = json.loads(con.execute("SELECT config FROM runs WHERE id = ?", (run_id,)).fetchone()[0])
    run.findings = [Finding.model_validate_json(body) for (body,) in con.execute(
        "SELECT body FROM findings WHERE run_id = ? ORDER BY rowid", (run_id,))]
    run.inputs = [{"path": p, "sha256": h, "reader": r} for p, h, r in con.execute(
        "SELECT path, sha256, reader FROM inputs WHERE run_id = ? ORDER BY rowid", (run_id,))]
    return run


def last_complete(con: sqlite3.Connection, key: str, before: int | None = None) -> Run | None:
    """The latest complete run of the agency (before run ``before``, when given), loaded whole."""
    row = con.execute("SELECT id FROM runs WHERE agency_key = ? AND state = ? AND id < ? ORDER BY id DESC LIMIT 1",
                      (key, COMPLETE, before if before is not None else 2**62)).fetchone()
    return load(con, int(row[0])) if row else None
