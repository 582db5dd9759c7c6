"""The command line: parse, call, choose writers. Decisions live elsewhere.

Exit codes: 0 clean (nothing at or above --fail-on), 1 findings, 2 usage/input error (one line on
stderr, no report written), 3 incomplete scan -- and 3 for an unexpected error (a bug), which must never
look like exit 1 "findings": one line naming it, the traceback only with ``--debug`` or
``CONFIGSCAN_DEBUG=1``. 130 Ctrl-C, 143 SIGTERM. The one-line summary goes to stderr.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

# typer vendors click (pinned in pyproject): its usage errors are caught to print one line, not a box.
from typer._click.exceptions import UsageError as CommandLineError

from configscan import exitcodes, helptext, settings
from configscan.clikit import (
    fail,
    failing_cleanly,
    formats,
    parse_as_of,
    parse_fail_on,
    refuse_redacted_evidence,
    report_targets,
    write_reports,
)
from configscan.errors import InputError, UsageError
from configscan.leftovers import work_directory
from configscan.model import AgencyConfig, Direction
from configscan.nightly import Afterwards, finish_scan
from configscan.progress import audit_progress, on_terminal
from configscan.redact import redacted
from configscan.registry import load_registry
from configscan.runlog import Log
from configscan.scan import ScanOptions, scan
from configscan.textsafe import visible

app = typer.Typer(
    name="configscan",
    help="Can federal immigration authorities reach your ALPR data? Scan vendor exports against the law.",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

DEBUG_ENV = "CONFIGSCAN_DEBUG"


@app.callback()
def _global_options(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="On an internal error, print the traceback "
                                        f"(or set {DEBUG_ENV}=1).")] = False,
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=helptext.show_version,
                                          help="Print the version and exit.")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="Options file (TOML; default ./configscan.toml "
                                                "if present). Precedence: flag > CONFIGSCAN_* env > file.")] = None,
) -> None:
    """Can federal immigration authorities reach your ALPR data? Scan vendor exports against the law."""
    if debug and isinstance(ctx.obj, dict):
        ctx.obj["debug"] = True
    ctx.default_map = settings.default_map(ctx.command, settings.config_file(config, os.environ, Path.cwd()),
                                           os.environ)


@app.command("scan")
def scan_command(
    inputs: Annotated[list[Path], typer.Argument(help="Export files for one agency (merged).")],
    jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", "-j",
                                                     help="Pack id, e.g. US-CA (default: agency.state).")] = None,
    local: Annotated[str | None, typer.Option("--local", help="City overlay, e.g. oakland.")] = None,
    policy: Annotated[Path | None, typer.Option("--policy", help="Agency policy pack (YAML).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluate the law in force on YYYY-MM-DD.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here (- for stdout).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here (- for stdout).")] = None,
    output: Annotated[list[str] | None, typer.Option("--output", "-o",
                                                     help="Other writers as NAME=PATH.")] = None,
    md: Annotated[Path | None, typer.Option("--md", help="Write a Markdown summary here.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write one CSV row per finding here.")] = None,
    sarif: Annotated[Path | None, typer.Option("--sarif", help="Write SARIF 2.1.0 here (code scanning).")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the report as PDF here (needs Chromium).")] = None,
    redact: Annotated[bool, typer.Option("--redact", help="Remove officer names, e-mail addresses, plates and "
                                         "case numbers from every report (counts kept).")] = False,
    fail_on: Annotated[str, typer.Option("--fail-on", help="Lowest severity that exits 1, or never.")] = "high",
    fmt: Annotated[str | None, typer.Option("--format", help="Force a reader (see 'configscan formats').")] = None,
    directory: Annotated[Path | None, typer.Option(
        "--directory", help="Partner directory CSV that overrides the bundled one.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="TOML column mapping for other CSV/XLSX.")] = None,
    agency_name: Annotated[str | None, typer.Option("--agency-name", help="Agency name if no input has it.")] = None,
    agency_state: Annotated[str | None, typer.Option("--agency-state", help="Agency state if no input has it.")] = None,
    audit: Annotated[list[str] | None, typer.Option("--audit", help="Audit-log files, globs or folders "
                                                    "(repeatable); see 'configscan audit'.")] = None,
    evidence_csv: Annotated[Path | None, typer.Option("--evidence-csv", help="With --audit: rows behind "
                                                      "findings.")] = None,
    sweep_threshold: Annotated[int, typer.Option("--sweep-threshold", min=1, help="With --audit: networks "
                                                 "per search that make a mass sweep.")] = 2000,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Leave out files in input folders that "
                                                      "match this glob (repeatable).")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="Record this scan in the history database and compare "
                                            "it with the agency's last run (see 'configscan history').")] = None,
    waivers: Annotated[Path | None, typer.Option("--waivers", help="Waiver file (YAML or TOML): accepted "
                                                 "findings, listed as waived.")] = None,
    fail_on_new: Annotated[str | None, typer.Option("--fail-on-new", help="Exit 1 only for findings at or above "
                                                    "this severity that the last run (or --baseline) lacked.")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="Compare with this earlier JSON report "
                                                  "instead of the history.")] = None,
    direction: Annotated[Direction | None, typer.Option("--direction", help="What a one-direction partner list is: "
                                                        "inbound (they share with us), outbound (they can search "
                                                        "ours) or both.")] = None,
    g287: Annotated[Path | None, typer.Option("--287g", help="A newer ICE 287(g) list (ICE's xlsx or a CSV) than "
                                              "the bundled one; the report states its date.")] = None,
) -> None:
    """Scan one agency's exported configuration and write reports."""
    registry = load_registry()
    threshold = parse_fail_on(fail_on)
    after = Afterwards(db_path=db, waivers_path=waivers, fail_on=threshold, baseline=baseline,
                       fail_on_new=parse_fail_on(fail_on_new) if fail_on_new else None, log=Log(quiet=quiet))
    if evidence_csv is not None and not audit:
        fail("--evidence-csv needs --audit (the evidence rows come from audit logs)")
    refuse_redacted_evidence(redact, evidence_csv)
    with work_directory("configscan-") as work, failing_cleanly(evidence_csv):
        targets = report_targets(registry, html, json_out, formats(md, csv_out, sarif, pdf, output or []))
        after.open()
        options = ScanOptions(inputs=inputs, jurisdiction=jurisdiction, local=local, policy=policy,
                              as_of=parse_as_of(as_of), fail_on=threshold,
                              reader=fmt, directory=directory, mapping=mapping,
                              agency_name=agency_name, agency_state=agency_state,
                              audit=audit or [], work=Path(work), sweep_threshold=sweep_threshold,
                              evidence=evidence_csv, exclude=exclude or [],
                              direction=direction.value if direction else None, g287=g287)
        with audit_progress(bool(audit) and on_terminal(quiet)) as progress:  # long audits: a sign of life
            result = scan(replace(options, progress=progress), registry.checks, registry.readers)
        after.begin(after.prepare(result), [str(p) for _, p in targets])
        write_reports(redacted(result) if redact else result, registry, targets, evidence_csv)
    finish_scan(after, result, threshold, quiet)


@app.command("checks")
def checks_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False,
) -> None:
    """List the installed checks."""
    registry = load_registry()
    metas = [c.meta for c in registry.checks]
    if as_json:
        typer.echo(json.dumps([m.model_dump(mode="json") for m in metas], indent=2))
    else:
        for meta in metas:
            typer.echo(f"{meta.id:<36} {meta.severity.value:<9} {meta.title}")
    for failure in registry.failures:
        typer.echo(f"configscan: {visible(str(failure))}", err=True)
    if registry.failures:
        raise typer.Exit(exitcodes.INCOMPLETE)


@app.command("formats")
def formats_command() -> None:
    """List the installed readers (input formats)."""
    for reader in sorted(load_registry().readers, key=lambda r: r.name):
        typer.echo(f"{reader.name:<24} {reader.description}")


@app.command("schema")
def schema_command(
    report: Annotated[bool, typer.Option("--report", help="The JSON report's schema instead (versioned).")] = False,
) -> None:
    """Print the JSON Schema of the interchange format (configscan/agency-config@1), or of the JSON report."""
    if report:
        from configscan.reportschema import report_schema

        typer.echo(json.dumps(report_schema(), indent=2))
        return
    typer.echo(json.dumps(AgencyConfig.model_json_schema(), indent=2))


def _mount_subcommands() -> None:
    from configscan.commands import mount

    if not any(info.name == "audit" for info in app.registered_commands):  # once, however often _main runs
        mount(app)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a cron timeout, a container stop): unwind like Ctrl-C so every ``with`` block cleans up --
    the run's work directory (spilled data can be gigabytes) and any staged evidence file."""


def main() -> None:
    """The console script. Ctrl-C and SIGTERM are recorded as they arrive, because the exception they raise
    does not always survive the unwinding: DuckDB turns it into its own error (``InterruptException``, or a
    ``RuntimeError("Query interrupted")`` from ``execute``) and typer turns a KeyboardInterrupt into exit
    130 without a word. Whatever comes out, a recorded signal decides the exit: 130 or 143."""
    stopped: list[int] = []

    def stop(signum: int, frame: object) -> None:
        stopped.append(signum)
        raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        _main(stopped=stopped)
    except BaseException:
        if stopped:  # whatever the unwinding became on the way out (DuckDB's error, an exit code)
            _exit_stopped(stopped[0])
        raise


def _exit_stopped(signum: int) -> NoReturn:
    if signum == signal.SIGTERM:
        sys.stderr.write("configscan: terminated; no report was half-written\n")
        sys.exit(143)
    sys.stderr.write("configscan: interrupted; no report was half-written\n")
    sys.exit(130)


def _interrupted(exc: BaseException) -> bool:
    """Ctrl-C when no handler recorded it (in-process callers): KeyboardInterrupt, click's Abort, or DuckDB's
    InterruptException (DuckDB turns the KeyboardInterrupt raised inside a query into its own error)."""
    if isinstance(exc, KeyboardInterrupt | typer.Abort):
        return True
    duckdb: Any = sys.modules.get("duckdb")  # not imported: the error cannot be DuckDB's
    return duckdb is not None and isinstance(exc, duckdb.InterruptException)


def _main(argv: Sequence[str] | None = None, stopped: Sequence[int] = ()) -> None:
    """Run one command and exit with its code; every way out is one of the documented exit codes.

    ``stopped`` holds the signals :func:`main` recorded; after one, whatever was raised goes back to
    :func:`main`, which exits 130 or 143 (never "internal error" for a query the user interrupted)."""
    _mount_subcommands()
    options: dict[str, Any] = {"debug": os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")}
    args: list[str] = []
    try:
        args = _debug_first(sys.argv[1:] if argv is None else argv)
        # Which commands have a --config of their own: asked only when --config is typed (building the click
        # command tree costs as much as a small scan's reading).
        own = settings.commands_with_config(typer.main.get_command(app)) if any(
            a == "--config" or a.startswith("--config=") for a in args) else set()
        code = app(args=settings.hoist(args, own), standalone_mode=False, obj=options)
    except CommandLineError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:  # bare command: show its help
            typer.echo(exc.ctx.get_help())
            sys.exit(exitcodes.OK)
        # One line naming what was wrong (click's own boxed, multi-line message is for humans at a prompt).
        command = exc.ctx.command_path if exc.ctx else "configscan"
        sys.stderr.write(f"configscan: error: {_one_line(exc.format_message())} (see '{command} --help')\n")
        sys.exit(exitcodes.INPUT_ERROR)
    except (InputError, UsageError) as exc:  # raised outside a command's own handler: still one line, exit 2
        if stopped:
            raise
        sys.stderr.write(f"configscan: error: {_one_line(str(exc))}\n")
        sys.exit(exitcodes.INPUT_ERROR)
    except BaseException as exc:
        if stopped or isinstance(exc, SystemExit | GeneratorExit):
            if isinstance(exc, SystemExit) and exc.code == exitcodes.FINDINGS and _broken_pipe():
                if next((a for a in args if not a.startswith("-")), None) in _LISTINGS:  # the head of a listing
                    sys.exit(exitcodes.OK)
                _pipe_closed()
            raise
        if _interrupted(exc):
            _exit_stopped(signal.SIGINT)
        if not isinstance(exc, Exception):
            raise
        _internal_error(exc, bool(options["debug"]))
    if code == 130 and not stopped:  # typer's translation of a KeyboardInterrupt
        _exit_stopped(signal.SIGINT)
    sys.exit(code if isinstance(code, int) else exitcodes.OK)


# Commands whose output is a listing, not a report: cut short by a closed pipe (``| head``), they exit quietly.
_LISTINGS = frozenset({"rules", "checks", "formats", "schema", "history"})


def _broken_pipe() -> bool:
    """True when typer met a closed stdout (``--json - | head``): it wraps the streams, then exits 1."""
    return type(sys.stdout).__name__ == "PacifyFlushWrapper"


def _pipe_closed() -> NoReturn:
    """Exit 1 means findings; a report cut off by a closed pipe is incomplete (3), whatever it held."""
    sys.stderr.write("configscan: incomplete: stdout was closed before the report was written (broken pipe)\n")
    sys.exit(exitcodes.INCOMPLETE)


def _debug_first(argv: Sequence[str]) -> list[str]:
    """``--debug`` is global, but people add it at the end of the command that failed: move it to the front
    (up to a ``--``, after which every word is a file name)."""
    args = list(argv)
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[:end]:
        return args
    return ["--debug", *(a for i, a in enumerate(args) if i >= end or a != "--debug")]


def _internal_error(exc: Exception, debug: bool) -> None:
    """A bug, not bad input: exit 3 (never 1, which means findings) with one line; the traceback on request."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    message = _one_line(str(exc)) or "(no message)"
    hint = "" if debug else " (run with --debug for the traceback)"
    sys.stderr.write(f"configscan: internal error: {type(exc).__name__}: {message}{hint}\n")
    sys.exit(exitcodes.INCOMPLETE)


def _one_line(text: str, limit: int = 500) -> str:
    line = visible(" ".join(text.split()))  # control and bidi characters shown, never sent to the terminal
    return line if len(line) <= limit else line[: limit - 3] + "..."
