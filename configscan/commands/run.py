"""``configscan run scans.toml``: the nightly command. Thin: read the scan file, take the lock, run each scan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from configscan import exitcodes
from configscan.clikit import fail, parse_as_of, parse_fail_on
from configscan.errors import InputError
from configscan.history import db as history_db
from configscan.registry import load_registry
from configscan.runbatch import run_batch
from configscan.runfile import RunFile, RunFileError, ScanEntry, load
from configscan.runlock import LOCKED, Busy, holding
from configscan.runlog import FORMATS, Log
from configscan.runner import RunSettings, run_scan
from configscan.textsafe import visible


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)


def run_command(
    scan_file: Annotated[Path, typer.Argument(help="The scan file (TOML): agencies, inputs, outputs, gates.")],
    check: Annotated[bool, typer.Option("--check", help="Only validate the scan file (errors with line numbers); "
                                        "scan nothing.")] = False,
    db: Annotated[Path | None, typer.Option("--db", help="History database (default: the scan file's 'db', else "
                                            "the user data directory).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The run's date: law in force, {date} in paths, "
                                              "waiver expiry (default today).")] = None,
    waivers: Annotated[Path | None, typer.Option("--waivers", help="Waiver file for every scan (overrides the "
                                                 "scan file's).")] = None,
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="Lowest severity that exits 1, or never "
                                                "(default: the scan file's, else high).")] = None,
    fail_on_new: Annotated[str | None, typer.Option("--fail-on-new", help="Exit 1 only for new findings at or "
                                                    "above this severity (vs the last complete run).")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only the scan with this name "
                                                   "(repeatable).")] = None,
    log_format: Annotated[str, typer.Option("--log-format", help="text, or json: one JSON object per event on "
                                            "stderr.")] = "text",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors, warnings and new findings.")
                     ] = False,
) -> None:
    """Run every scan a scan file lists, record each in the history, and alert on what is new."""
    if log_format not in FORMATS:
        fail(f"--log-format {log_format!r}: choose {' or '.join(FORMATS)}")
    for gate in (fail_on, fail_on_new):
        if gate is not None:
            parse_fail_on(gate)
    log = Log(fmt=log_format, quiet=quiet)
    try:
        plan = load(scan_file, files=check)
    except RunFileError as exc:
        for line in exc.lines:
            log.event("error", line)
        raise typer.Exit(exitcodes.INPUT_ERROR) from None
    scans = [s for s in plan.scans if not only or s.name in only]
    missing = sorted(set(only or []) - {s.name for s in plan.scans})
    if missing:
        fail(f"--only {missing[0]!r}: no scan of that name in {scan_file} ({', '.join(s.name for s in plan.scans)})")
    if check:
        typer.echo(visible(f"{scan_file}: OK: {len(plan.scans)} scan(s): {', '.join(s.name for s in plan.scans)}"))
        raise typer.Exit(exitcodes.OK)
    db_path = history_db.resolve(db or plan.resolve(plan.db))
    settings = RunSettings(db=db_path, as_of=parse_as_of(as_of), waivers=waivers, fail_on=fail_on,
                           fail_on_new=fail_on_new)
    try:
        with holding(scan_file, db_path.parent):
            codes, index = _each(plan, scans, settings, log)
    except Busy as exc:
        log.event("error", str(exc), exit_code=LOCKED)
        raise typer.Exit(LOCKED) from None
    except OSError as exc:
        raise InputError(str(db_path.parent), f"cannot take the run lock ({exc.strerror or exc})") from exc
    code = max([*codes, index], default=exitcodes.OK)
    log.event("info", f"{scan_file}: {len(scans)} scan(s), exit {code}", exit_code=code,
              scans=dict(zip((s.name for s in scans), codes, strict=True)))
    raise typer.Exit(code)


def _each(plan: RunFile, scans: list[ScanEntry], settings: RunSettings, log: Log) -> tuple[list[int], int]:
    """Each scan's exit code, and the portfolio index's; several scans are evaluated as one batch."""
    registry = load_registry()
    for failure in registry.failures:
        log.event("error", f"incomplete: {failure}")
    codes = []
    with log.progress([s.name for s in scans]) as bar:
        if len(scans) > 1:
            return run_batch(plan, scans, settings, registry, log, bar)
        for entry in scans:
            bar.step(entry.name)
            codes.append(run_scan(plan, entry, settings, registry, log))
            bar.advance()
    return codes, exitcodes.OK
