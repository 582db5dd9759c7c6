"""After the scan, before the exit: waivers, the comparison with the last run, drift, recording, the gate.

``scan`` (with ``--db``, ``--waivers``, ``--fail-on-new`` or ``--baseline``) and ``run`` both go through
:class:`Afterwards`; with none of those options it changes nothing and ends exactly as a plain scan does.
Order matters and is fixed here:

1. the history database is opened (and checked) *before* the scan, so a corrupt one stops the run early;
2. the previous complete run (or the ``--baseline`` report) is loaded; settings that widen access since
   then become drift findings; waivers are applied to every finding, drift included;
3. the "since the last scan" section and the summary (waived findings not counted) are set on the result;
4. the run is stored as pending, the reports are written, alerts are sent, the run is marked complete.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import typer

from configscan import exitcodes
from configscan.clikit import finish
from configscan.errors import InputError
from configscan.findings import Finding, FindingRef, Outcome, ScanResult, Severity, SinceLast, tally
from configscan.history import db, store
from configscan.history.diff import compare_findings, compare_settings, new_fingerprints
from configscan.history.drift import drift_findings
from configscan.runlog import Log
from configscan.scan import NO_RULES_IN_FORCE, verdict_of
from configscan.waivers import Waiver
from configscan.waivers import apply as apply_waivers
from configscan.waivers import load as load_waivers


@dataclass
class Previous:
    """What this run is compared with: a history run, or a ``--baseline`` report."""

    findings: list[Finding]
    run: store.Run | None = None
    baseline: Path | None = None


@dataclass
class Afterwards:
    db_path: Path | None = None
    waivers_path: Path | None = None
    fail_on: Severity | None = Severity.high
    fail_on_new: Severity | None = None
    baseline: Path | None = None
    label: str | None = None
    scan_file: str | None = None
    log: Log = field(default_factory=Log)
    con: sqlite3.Connection | None = None
    waivers: list[Waiver] = field(default_factory=list)
    previous: Previous | None = None
    new: list[Finding] = field(default_factory=list)  # unwaived findings the previous run did not have
    run_id: int | None = None

    @property
    def active(self) -> bool:
        return any(x is not None for x in (self.db_path, self.waivers_path, self.fail_on_new, self.baseline))

    def open(self) -> Afterwards:
        """Before scanning: open the database and read the waivers, so their errors cost no scan."""
        if self.db_path is not None:
            try:
                self.con = db.connect(self.db_path)
            except db.HistoryError as exc:
                raise InputError(str(self.db_path), str(exc).removeprefix(f"{self.db_path}: ")) from exc
        if self.waivers_path is not None:
            self.waivers = load_waivers(self.waivers_path)
        return self

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def prepare(self, result: ScanResult) -> ScanResult:
        """Steps 2 and 3 above, in place on ``result`` (which is also returned)."""
        if not self.active:
            return result
        self.previous = self._previous(result)
        key = store.agency_key(result.agency)
        findings = list(result.findings)
        settings = []
        if self.previous is not None and self.previous.run is not None:
            run = self.previous.run
            settings = compare_settings(run.config, result.config or {})
            drift = drift_findings(settings, run.as_of, result.as_of, run.id)
            findings += [f.with_fingerprint(key) for f in drift]
        if self.waivers_path is not None:
            outcome = apply_waivers(self.waivers, findings, result.as_of)
            findings, result.waivers = outcome.findings, outcome.statuses
            for line in outcome.messages:
                self.log.event("warning", line, scan=self.label)
        result.findings = sorted(findings, key=lambda f: (-f.severity.rank, f.outcome.value, f.check, f.subject))
        if self.previous is not None:
            new, resolved, changed = compare_findings(self.previous.findings, result.findings)
            result.since_last = SinceLast(
                previous_run=self.previous.run.id if self.previous.run else None,
                previous_as_of=self.previous.run.as_of if self.previous.run else None,
                previous_scanned_at=self.previous.run.scanned_at if self.previous.run else None,
                baseline=str(self.previous.baseline) if self.previous.baseline else None,
                new=[r for r in new if _unwaived(result, r)], resolved=resolved, changed=changed,
                settings=settings)
        known = new_fingerprints(self.previous.findings) if self.previous is not None else set()
        self.new = [f for f in result.findings if f.waiver is None and f.fingerprint not in known
                    and f.outcome in (Outcome.fail, Outcome.unverified)]
        _resummarise(result)
        return result

    def _previous(self, result: ScanResult) -> Previous | None:
        if self.baseline is not None:
            return Previous(findings=_baseline_findings(self.baseline), baseline=self.baseline)
        if self.con is None:
            return None
        run = store.last_complete(self.con, store.agency_key(result.agency))
        return Previous(findings=run.findings, run=run) if run is not None else None

    def begin(self, result: ScanResult, reports: Sequence[str] = ()) -> None:
        """Step 4's first half: the run stored as pending (its id goes into the reports)."""
        if self.con is None:
            return
        self.run_id = store.begin(self.con, result, label=self.label, scan_file=self.scan_file, reports=reports)
        result.run_id = self.run_id

    def exit_code(self, result: ScanResult) -> int:
        """Waived findings never gate; with --fail-on-new only findings the previous run lacked do."""
        if result.errors:
            return exitcodes.INCOMPLETE
        if self.fail_on_new is not None:
            gated = [f for f in self.new if f.severity.rank >= self.fail_on_new.rank]
            return exitcodes.FINDINGS if gated else exitcodes.OK
        unwaived = result.model_copy(update={"findings": [f for f in result.findings if f.waiver is None]})
        return exitcodes.exit_code(unwaived, self.fail_on)

    def complete(self, code: int) -> None:
        if self.con is not None and self.run_id is not None:
            store.complete(self.con, self.run_id, code)

    def report(self, result: ScanResult) -> None:
        """The lines a nightly job prints: the summary, what changed since the last scan, each new finding."""
        line = exitcodes.summary_line(result).removeprefix("configscan: ")
        if result.summary.waived:
            line += f" ({result.summary.waived} waived)"
        self.log.event("summary", line, scan=self.label, verdict=result.summary.verdict, run_id=self.run_id)
        for error in result.errors:
            self.log.event("error", f"incomplete: {error}", scan=self.label)
        since = result.since_last
        if since is not None:
            widening = sum(c.widens for c in since.settings)
            what = (f"run {since.previous_run} of {since.previous_as_of}" if since.previous_run is not None
                    else f"baseline {since.baseline}")
            self.log.event("info", f"since the last scan ({what}): {len(since.new)} new, {len(since.resolved)} "
                           f"resolved, {len(since.changed)} changed; {len(since.settings)} setting(s) changed"
                           f"{f' ({widening} widen access)' if widening else ''}", scan=self.label)
        elif self.active and self.previous is None and self.con is not None:
            self.log.event("info", "first recorded scan of this agency: every finding counts as new",
                           scan=self.label)
        for finding in self.new:
            where = "; ".join(x for x in (finding.subject, finding.layer, finding.rule) if x)
            self.log.event("new", f"{finding.severity.value} {finding.outcome.value}: {finding.title} ({where})",
                           scan=self.label, fingerprint=finding.fingerprint,
                           severity=finding.severity.value, check=finding.check)
        if self.run_id is not None and self.db_path is not None:
            self.log.event("info", f"recorded as run {self.run_id} in {self.db_path}", scan=self.label,
                           run_id=self.run_id)


def _unwaived(result: ScanResult, ref: FindingRef) -> bool:
    return any(f.fingerprint == ref.fingerprint and f.waiver is None for f in result.findings)


def _resummarise(result: ScanResult) -> None:
    """Counts and verdict over unwaived findings; the waived ones are counted apart."""
    unwaived = [f for f in result.findings if f.waiver is None]
    counted = tally(unwaived)
    summary = result.summary
    in_force = summary.verdict != NO_RULES_IN_FORCE
    result.summary = summary.model_copy(update={
        "counts": counted.counts, "verdict": verdict_of(unwaived, result.errors, in_force),
        "unverified": counted.unverified, "upcoming": counted.upcoming, "rule_hits": counted.rule_hits,
        "waived": len(result.findings) - len(unwaived)})


def _baseline_findings(path: Path) -> list[Finding]:
    """The findings of an earlier JSON report (``--baseline``); anything else is an input error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read the baseline report ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise InputError(str(path), "not a configscan JSON report (no 'findings' list)")
    found = []
    for index, item in enumerate(data["findings"]):
        try:
            found.append(Finding.model_validate(item))
        except ValueError as exc:
            raise InputError(str(path), f"findings[{index}] is not a finding ({exc.__class__.__name__})") from exc
    return found


def finish_scan(after: Afterwards, result: ScanResult, threshold: Severity | None, quiet: bool) -> NoReturn:
    """``scan``'s ending: unchanged without history, waivers or a baseline; otherwise record, report, gate."""
    if not after.active:
        finish(result, threshold, quiet)
    try:
        code = after.exit_code(result)
        after.complete(code)
        after.report(result)
    finally:
        after.close()
    raise typer.Exit(code)
