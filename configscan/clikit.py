"""What every command shares: one-line errors, option parsing, report targets, writing and the summary.

``scan`` and ``audit`` both end the same way -- reports written atomically (evidence last, only after the
reports succeeded), the one-line summary on stderr, the exit code cron relies on -- so they call this
rather than keeping two copies that drift apart.

Every line printed here passes through ``textsafe.visible``: messages quote file names, organisation names and
reasons from the inputs, and one event must stay exactly one line, free of terminal escape sequences.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import NoReturn

import typer

from configscan import exitcodes, leftovers
from configscan.audit.passes import evidence
from configscan.errors import InputError, UsageError
from configscan.findings import ScanResult, Severity
from configscan.registry import Registry
from configscan.textsafe import visible
from configscan.writers import STDOUT, WriterError


def fail(message: str, code: int = exitcodes.INPUT_ERROR) -> NoReturn:
    typer.echo(visible(f"configscan: error: {message}"), err=True)
    raise typer.Exit(code)


def parse_as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of {value!r} is not a date (YYYY-MM-DD)")


_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


def parse_memory(value: str, option: str = "--memory-limit") -> str:
    """An engine memory limit as DuckDB reads it ("1500MB", "6GB"); anything else is a usage error."""
    if not _MEMORY.match(value):
        fail(f"{option} {value!r} is not an amount of memory (such as 1500MB or 6GB)")
    return value.strip()


def parse_fail_on(value: str) -> Severity | None:
    if value == "never":
        return None
    try:
        return Severity(value)
    except ValueError:
        fail(f"--fail-on {value!r}: choose critical, high, medium, low, info or never")


def formats(md: Path | None, csv: Path | None, sarif: Path | None, pdf: Path | None,
            others: Sequence[str] = ()) -> list[str]:
    """The NAME=PATH specs of the format options ``scan`` and ``audit`` share, then any ``-o NAME=PATH``."""
    named = [f"{name}={path}" for name, path in (("md", md), ("csv", csv), ("sarif", sarif), ("pdf", pdf))
             if path is not None]
    return [*named, *others]


def refuse_redacted_evidence(redact: bool, evidence_csv: Path | None) -> None:
    if redact and evidence_csv is not None:
        fail("--redact cannot apply to --evidence-csv (it holds the log's rows as they are); leave the evidence "
             "file out of a public packet")


def report_targets(registry: Registry, html: Path | None, json_out: Path | None,
                   others: Sequence[str] = ()) -> list[tuple[str, Path]]:
    """(writer, path) pairs, checked before any work: known writers, one stdout, no two on one file."""
    targets: list[tuple[str, Path]] = []
    if html:
        targets.append(("html", html))
    if json_out:
        targets.append(("json", json_out))
    for spec in others:
        writer_name, sep, target = spec.partition("=")
        if not sep or not target:
            raise UsageError(f"--output {spec!r}: expected NAME=PATH")
        targets.append((writer_name, Path(target)))
    if sum(str(target) == STDOUT for _, target in targets) > 1:
        raise UsageError("only one report can go to stdout ('-'); give the others a file path")
    files = [target.resolve() for _, target in targets if str(target) != STDOUT]
    if len(set(files)) < len(files):
        raise UsageError("two reports would be written to the same file; give each its own path")
    for name, _ in targets:
        if name not in registry.writers:
            raise UsageError(f"unknown writer {name!r}; installed: {', '.join(sorted(registry.writers))}")
    return targets


def write_reports(result: ScanResult, registry: Registry, targets: Sequence[tuple[str, Path]],
                  evidence_csv: Path | None) -> None:
    """Reports first, evidence last: each written atomically, none before the run has succeeded."""
    if registry.failures:
        result.errors.extend(registry.failures)
        result.summary.verdict = "incomplete"
    leftovers.sweep_leftovers([path.parent for _, path in targets if str(path) != STDOUT])
    for name, path in targets:
        try:
            registry.writers[name].write(result, path)
        except OSError as exc:
            raise InputError(str(path), f"cannot write the {name} report ({exc.strerror or exc})") from exc
        except WriterError as exc:
            fail(f"the {name} report was not written: {exc}", exitcodes.INCOMPLETE)
        except Exception as exc:  # noqa: BLE001 - a writer plugin's bug: one line and exit 3, never a traceback
            fail(f"the {name} writer failed ({type(exc).__name__}: {exc}); its report was not written",
                 exitcodes.INCOMPLETE)
    if evidence_csv is not None:
        evidence.publish(evidence_csv)


@contextmanager
def failing_cleanly(evidence_csv: Path | None) -> Iterator[None]:
    """Input and usage errors become one line and exit 2; a staged evidence file never outlives the run.

    Entered at the start of ``scan`` and ``audit``: it first sweeps what killed runs left (work directories,
    staging files beside the evidence target) and claims this run's own staging file.
    """
    try:
        with ExitStack() as stack:
            leftovers.sweep_leftovers([evidence_csv.parent] if evidence_csv is not None else [])
            if evidence_csv is not None:
                stack.enter_context(evidence.staged(evidence_csv))
            yield
    except (InputError, UsageError) as exc:
        fail(str(exc))


def finish(result: ScanResult, threshold: Severity | None, quiet: bool) -> NoReturn:
    """The one-line summary (and what could not be seen) on stderr, then the exit code."""
    if not quiet:
        typer.echo(exitcodes.summary_line(result), err=True)
        for error in result.errors:
            typer.echo(visible(f"configscan: incomplete: {error}"), err=True)
    raise typer.Exit(exitcodes.exit_code(result, threshold))
