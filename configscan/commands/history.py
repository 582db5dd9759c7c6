"""``configscan history`` and ``configscan diff``: read the history database (never write it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from configscan.clikit import fail
from configscan.findings import FindingRef, SettingChange
from configscan.history import db as history_db
from configscan.history import store
from configscan.history.diff import compare_findings, compare_settings
from configscan.history.drift import drift_findings
from configscan.textsafe import visible

Db = Annotated[Path | None, typer.Option("--db", help="History database (default: the user data directory).")]
AsJson = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]


def register(app: typer.Typer) -> None:
    app.command("history")(history_command)
    app.command("diff")(diff_command)


def _open(db: Path | None) -> Any:
    path = history_db.resolve(db)
    try:
        return history_db.connect(path, create=False)
    except history_db.HistoryError as exc:
        fail(str(exc))


def history_command(
    agency: Annotated[str | None, typer.Argument(help="Scan name, agency name or ORI (default: every agency).")
                      ] = None,
    db: Db = None,
    as_json: AsJson = False,
) -> None:
    """List recorded runs with their ids, dates, verdicts and counts (interrupted runs too)."""
    con = _open(db)
    try:
        runs = store.runs(con, agency)
    finally:
        con.close()
    if agency is not None and not runs:
        fail(f"no runs recorded for {agency!r}")
    if as_json:
        typer.echo(json.dumps([r.summary() for r in runs], indent=2))
        return
    typer.echo(f"{'RUN':>4}  {'DATE':<10}  {'SCANNED (UTC)':<19}  {'STATE':<11}  {'EXIT':>4}  {'C':>2} {'H':>2} "
               f"{'M':>2} {'L':>2} {'UNV':>3} {'WVD':>3}  VERDICT            AGENCY")
    for r in runs:
        c = r.counts
        state = "complete" if r.state == store.COMPLETE else "interrupted"
        code = "" if r.exit_code is None else str(r.exit_code)
        typer.echo(visible(
            f"{r.id:>4}  {r.as_of.isoformat():<10}  {r.scanned_at.strftime('%Y-%m-%d %H:%M:%S'):<19}  {state:<11}  "
            f"{code:>4}  {c.get('critical', 0):>2} {c.get('high', 0):>2} {c.get('medium', 0):>2} {c.get('low', 0):>2} "
            f"{c.get('unverified', 0):>3} {c.get('waived', 0):>3}  {r.verdict:<18} {r.label or r.agency_name}"))


def diff_command(
    run_a: Annotated[int | None, typer.Argument(help="Earlier run id (default: the run before RUN_B).")] = None,
    run_b: Annotated[int | None, typer.Argument(help="Later run id (default: the agency's last run).")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="With no run ids: whose last two runs.")] = None,
    db: Db = None,
    as_json: AsJson = False,
) -> None:
    """What changed between two runs: new, resolved and changed findings, and every raw setting that changed."""
    con = _open(db)
    try:
        a, b = _pick(con, run_a, run_b, agency)
    finally:
        con.close()
    changes = compare_settings(a.config, b.config)
    new, resolved, changed = compare_findings(a.findings, b.findings)
    widening = [f.title for f in drift_findings(changes, a.as_of, b.as_of, a.id)]
    if as_json:
        typer.echo(json.dumps({"from": a.summary(), "to": b.summary(),
                               "new": [r.model_dump(mode="json") for r in new],
                               "resolved": [r.model_dump(mode="json") for r in resolved],
                               "changed": [r.model_dump(mode="json") for r in changed],
                               "settings": [c.model_dump(mode="json") for c in changes],
                               "widens_access": widening}, indent=2))
        return
    typer.echo(visible(f"{b.agency_name}: run {a.id} ({a.as_of}) -> run {b.id} ({b.as_of})"))
    for title, refs in (("New findings", new), ("Resolved findings", resolved), ("Changed findings", changed)):
        typer.echo(f"{title} ({len(refs)}):")
        for ref in refs:
            typer.echo(visible(_finding_line(ref)))
    typer.echo(f"Settings changed ({len(changes)}):")
    for change in changes:
        typer.echo(visible(_setting_line(change)))
    if widening:
        typer.echo(f"Changes that widen access ({len(widening)}):")
        for title in widening:
            typer.echo(visible(f"  {title}"))


def _pick(con: Any, run_a: int | None, run_b: int | None, agency: str | None) -> tuple[store.Run, store.Run]:
    if run_b is None and run_a is not None:  # one id: that run against the one before it
        run_b, run_a = run_a, None
    if run_b is None:
        runs = [r for r in store.runs(con, agency) if r.state == store.COMPLETE]
        keys = sorted({r.agency_key for r in runs})
        if len(keys) > 1:
            names = ", ".join(sorted({r.label or r.agency_name for r in runs}))
            fail(f"the history holds several agencies ({names}); name one with --agency or give two run ids")
        if len(runs) < 2:
            fail(f"fewer than two complete runs recorded{f' for {agency!r}' if agency else ''}; nothing to compare")
        run_b = runs[-1].id
    b = store.load(con, run_b)
    if b is None:
        fail(f"no run {run_b} in the history")
    if run_a is None:
        previous = store.last_complete(con, b.agency_key, before=b.id)
        if previous is None:
            fail(f"run {b.id} is the first complete run of {b.agency_name}; nothing to compare")
        return previous, b
    a = store.load(con, run_a)
    if a is None:
        fail(f"no run {run_a} in the history")
    return a, b


def _finding_line(ref: FindingRef) -> str:
    extra = f"  [{ref.before}]" if ref.before else ""
    return f"  {ref.severity.value:<8} {ref.outcome.value:<10} {ref.title} ({ref.subject}){extra}"


def _setting_line(change: SettingChange) -> str:
    mark = "  [widens access]" if change.widens else ""
    if change.kind == "added":
        return f"  + {change.path}: {json.dumps(change.after)}{mark}"
    if change.kind == "removed":
        return f"  - {change.path}: {json.dumps(change.before)}"
    return f"  ~ {change.path}: {json.dumps(change.before)} -> {json.dumps(change.after)}{mark}"
