"""``configscan run``: each scan of a scan file, one after another, each ending like a nightly ``scan``.

A scan's input error does not stop the others: it is reported, the scan counts as exit 2, and the run goes
on. The run's exit code is the highest of its scans' (3 incomplete > 2 input error > 1 findings > 0).
Several agencies are scanned as one batch by ``runbatch`` (the portfolio's evaluation); each still ends here,
in :func:`finish_entry`, exactly as a lone scan does.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import typer

from configscan import exitcodes
from configscan.alerts.dispatch import AlertConfig, deliver, worth_alerting
from configscan.audit.run import DEFAULT_SWEEP_THRESHOLD
from configscan.clikit import failing_cleanly, parse_fail_on, report_targets, write_reports
from configscan.errors import InputError, UsageError
from configscan.findings import ScanResult, Severity
from configscan.leftovers import work_directory
from configscan.nightly import Afterwards
from configscan.registry import Registry
from configscan.runfile import RunFile, ScanEntry
from configscan.runlog import Log
from configscan.scan import ScanOptions, scan


@dataclass
class RunSettings:
    """What the command line (or env, or configscan.toml) set for the whole run; None: the scan file decides."""

    db: Path
    as_of: dt.date
    waivers: Path | None = None
    fail_on: str | None = None
    fail_on_new: str | None = None


def _gate(value: str | None) -> Severity | None:
    return parse_fail_on(value) if value is not None else None


def afterwards(plan: RunFile, entry: ScanEntry, settings: RunSettings, log: Log) -> Afterwards:
    """The entry's waivers, gates and history (command line over the entry over the file's top level)."""
    waivers = settings.waivers or plan.resolve(entry.waivers or plan.waivers)
    fail_on = settings.fail_on or entry.fail_on or plan.fail_on or "high"
    fail_on_new = settings.fail_on_new or entry.fail_on_new or plan.fail_on_new
    return Afterwards(db_path=settings.db, waivers_path=waivers, fail_on=_gate(fail_on),
                      fail_on_new=_gate(fail_on_new), label=entry.name, scan_file=str(plan.path), log=log)


def run_scan(plan: RunFile, entry: ScanEntry, settings: RunSettings, registry: Registry, log: Log) -> int:
    """One scan of the file: fetch (if asked), scan, compare, record, write reports, alert. Returns its exit."""
    after = afterwards(plan, entry, settings, log)
    evidence = entry.path(entry.evidence_csv, plan.base, settings.as_of)
    code = exitcodes.INPUT_ERROR
    try:
        with work_directory("configscan-") as work, failing_cleanly(evidence):
            try:
                code = _scan(plan, entry, settings, registry, after, Path(work), evidence, log)
            except (InputError, UsageError) as exc:
                log.event("error", str(exc), scan=entry.name)
    except typer.Exit as exc:  # failing_cleanly's own one-line error (a staging problem)
        code = exc.exit_code
    finally:
        after.close()
    return code


def _scan(plan: RunFile, entry: ScanEntry, settings: RunSettings, registry: Registry, after: Afterwards,
          work: Path, evidence: Path | None, log: Log) -> int:
    options, targets = prepare(plan, entry, settings, registry, after, evidence, log)
    result = scan(replace(options, work=work), registry.checks, registry.readers)
    return finish_entry(plan, entry, after, result, registry, targets, evidence, log)


def prepare(plan: RunFile, entry: ScanEntry, settings: RunSettings, registry: Registry, after: Afterwards,
            evidence: Path | None, log: Log) -> tuple[ScanOptions, list[tuple[str, Path]]]:
    """Before the scan: fetch (if asked), open the history and waivers, check the report targets."""
    base, day = plan.base, settings.as_of
    inputs = [Path(p) for p in entry.paths(entry.inputs, base, day)]
    if entry.fetch is not None:
        inputs.append(_fetch(entry, base, day, log))
    after.open()
    targets = report_targets(registry, entry.path(entry.html, base, day), entry.path(entry.json, base, day))
    options = ScanOptions(inputs=inputs, jurisdiction=entry.jurisdiction, local=entry.local,
                          policy=entry.path(entry.policy, base, day), as_of=day, fail_on=after.fail_on,
                          reader=entry.format, directory=entry.path(entry.directory, base, day),
                          mapping=entry.path(entry.mapping, base, day), agency_name=entry.agency_name,
                          agency_state=entry.agency_state, audit=entry.paths(entry.audit, base, day),
                          evidence=evidence, exclude=entry.exclude,
                          sweep_threshold=entry.sweep_threshold or DEFAULT_SWEEP_THRESHOLD)
    return options, targets


def finish_entry(plan: RunFile, entry: ScanEntry, after: Afterwards, result: ScanResult, registry: Registry,
                 targets: Sequence[tuple[str, Path]], evidence: Path | None, log: Log) -> int:
    """After the scan: compare, record (pending), write the reports, gate, report, alert, mark complete."""
    reports = [str(path) for _, path in targets]
    after.begin(after.prepare(result), reports)
    write_reports(result, registry, targets, evidence)
    code = after.exit_code(result)
    after.report(result)
    if plan.alerts is not None and not _alert(plan.alerts, after, result, entry, reports, log):
        code = max(code, exitcodes.INCOMPLETE)
    after.complete(code)
    return code


def _alert(config: AlertConfig, after: Afterwards, result: ScanResult, entry: ScanEntry, reports: Sequence[str],
           log: Log) -> bool:
    """Send the alerts this run's news calls for; False when one could not be delivered."""
    news = worth_alerting(config, after.new)
    if not news:
        return True
    done = deliver(config, result, news, entry.name, reports)
    for where in done.sent:
        log.event("alert", f"alert sent: {len(news)} new finding(s) to {where}", scan=entry.name)
    for failure in done.failed:
        log.event("error", f"alert not delivered: {failure}", scan=entry.name)
    return not done.failed


def _fetch(entry: ScanEntry, base: Path, day: dt.date, log: Log) -> Path:
    """``configscan fetch`` into the entry's snapshot folder (its manifest records any failure, which makes
    the scan incomplete); exit 2 from fetch is this scan's input error."""
    assert entry.fetch is not None
    out = entry.path(entry.fetch.out, base, day)
    assert out is not None
    command = [sys.executable, "-m", "configscan", "fetch", entry.fetch.source, entry.fetch.target, "--out", str(out)]
    if entry.fetch.token_env:
        command += ["--token-env", entry.fetch.token_env]
    log.event("info", f"fetching {entry.fetch.source} {entry.fetch.target} into {out}", scan=entry.name)
    done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    last = (done.stderr.strip().splitlines() or [""])[-1]
    if done.returncode == exitcodes.INPUT_ERROR:
        raise InputError(f"fetch {entry.fetch.source} {entry.fetch.target}", last.removeprefix("configscan: "))
    if done.returncode != exitcodes.OK:
        log.event("warning", f"fetch incomplete ({last.removeprefix('configscan: ')}); the scan says what is "
                  "missing", scan=entry.name)
    return out
