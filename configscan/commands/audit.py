"""``configscan audit``: who actually searched the agency's data, and why, from vendor audit logs.

Thin: parse options, build the scan options, call the scanner, write reports, publish the evidence CSV.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from configscan.audit.run import DEFAULT_SWEEP_THRESHOLD
from configscan.clikit import (
    failing_cleanly,
    finish,
    formats,
    parse_as_of,
    parse_fail_on,
    refuse_redacted_evidence,
    report_targets,
    write_reports,
)
from configscan.errors import UsageError
from configscan.jurisdictions.library import PackLibrary
from configscan.leftovers import work_directory
from configscan.model import Agency, AgencyConfig
from configscan.progress import audit_progress, on_terminal
from configscan.readers.mapped import load_mapping
from configscan.readers.merge import merge
from configscan.redact import redacted
from configscan.registry import Registry, load_registry
from configscan.scan import ScanOptions, evaluate, normalise, read_inputs


def implied_state(jurisdiction: str | None) -> str | None:
    """The state a ``--jurisdiction`` names (``US-OR``, a city overlay ``US-CA-OAKLAND``, or an alias), else None.

    The pack's own id decides, so an alias resolves the way ``scan`` resolves it; the federal pack ``US`` names
    no state.
    """
    if not jurisdiction:
        return None
    pack = PackLibrary().get(jurisdiction)
    parts = pack.id.split("-")
    return parts[1] if len(parts) >= 2 and parts[0] == "US" and len(parts[1]) == 2 else None


def _config(path: Path | None, state: str | None, registry: Registry, name: str | None = None,
            jurisdiction: str | None = None) -> tuple[AgencyConfig, bool]:
    """The configuration to compare with, or a bare agency when only the state is known (``--agency-state``,
    or the state ``--jurisdiction`` implies)."""
    if path is not None:
        fragments = read_inputs([path], registry.readers, None)
        data, _ = merge(fragments)
        config = normalise(data, str(path))
        if state and config.agency.state != state.upper():
            raise UsageError(f"--agency-state {state} disagrees with {path} (agency.state {config.agency.state})")
        return config, True
    implied = implied_state(jurisdiction)
    if state and implied and state.upper() != implied:
        raise UsageError(f"--agency-state {state} disagrees with --jurisdiction {jurisdiction} ({implied})")
    state = state or implied
    if not state:
        raise UsageError("give --agency-state or --jurisdiction (or --config with agency.state)")
    agency = Agency(name=name or "(agency named in the audit log)", state=state)
    return AgencyConfig(format="configscan/agency-config@1", agency=agency), False


def register(app: typer.Typer) -> None:
    @app.command("audit")
    def audit_command(
        files: Annotated[list[str], typer.Argument(help="Audit exports: CSV, XLSX, .gz, .zip, globs or folders.")],
        agency_state: Annotated[str | None, typer.Option("--agency-state", help="USPS code, e.g. CA.")] = None,
        config: Annotated[Path | None, typer.Option("--config", help="The agency's configuration export.")] = None,
        jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", "-j", help="Pack id, e.g. US-OR (implies "
                                                         "--agency-state).")] = None,
        agency_name: Annotated[str | None, typer.Option("--agency-name", help="Agency name for the report "
                                                        "(without --config).")] = None,
        policy: Annotated[Path | None, typer.Option("--policy", help="Agency policy pack (YAML).")] = None,
        local: Annotated[str | None, typer.Option("--local", help="City overlay, e.g. oakland.")] = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="Law in force on YYYY-MM-DD.")] = None,
        html: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
        json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")] = None,
        evidence_csv: Annotated[Path | None, typer.Option("--evidence-csv",
                                                          help="Write every row behind a finding here.")] = None,
        sweep_threshold: Annotated[int, typer.Option("--sweep-threshold", min=1,
                                                     help="Networks per search that make a mass sweep.")]
        = DEFAULT_SWEEP_THRESHOLD,
        fail_on: Annotated[str, typer.Option("--fail-on", help="Lowest severity that exits 1, or never.")] = "high",
        directory: Annotated[Path | None, typer.Option("--directory", help="Partner directory CSV.")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
        mapping: Annotated[Path | None, typer.Option("--mapping", help="TOML column mapping (kind = \"audit\") for "
                                                     "logs whose headers are not recognised.")] = None,
        exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Leave out files in folders that "
                                                          "match this glob (repeatable).")] = None,
        g287: Annotated[Path | None, typer.Option("--287g", help="A newer ICE 287(g) list (ICE's xlsx or a CSV) "
                                                  "than the bundled one; the report states its date.")] = None,
        md: Annotated[Path | None, typer.Option("--md", help="Write a Markdown summary here.")] = None,
        csv_out: Annotated[Path | None, typer.Option("--csv", help="Write one CSV row per finding here.")] = None,
        sarif: Annotated[Path | None, typer.Option("--sarif", help="Write SARIF 2.1.0 here (code scanning).")] = None,
        pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the report as PDF here (needs Chromium).")]
        = None,
        output: Annotated[list[str] | None, typer.Option("--output", "-o", help="Other writers as NAME=PATH.")]
        = None,
        redact: Annotated[bool, typer.Option("--redact", help="Remove officer names, e-mail addresses, plates and "
                                             "case numbers from every report, keeping counts.")] = False,
    ) -> None:
        """Read audit logs: federal, out-of-state and unlisted searchers, immigration and vague reasons, sweeps."""
        registry = load_registry()
        threshold = parse_fail_on(fail_on)
        day = parse_as_of(as_of)
        refuse_redacted_evidence(redact, evidence_csv)
        with work_directory("configscan-audit-") as tmp, failing_cleanly(evidence_csv):
            targets = report_targets(registry, html, json_out, formats(md, csv_out, sarif, pdf, output or []))
            if mapping is not None and (kind := load_mapping(mapping).kind) != "audit":
                raise UsageError(f"--mapping {mapping}: kind must be \"audit\" for audit logs (got {kind!r})")
            agency, given = _config(config, agency_state, registry, agency_name, jurisdiction)
            options = ScanOptions(inputs=[config] if config else [], jurisdiction=jurisdiction, local=local,
                                  policy=policy,
                                  as_of=day, fail_on=threshold, directory=directory,
                                  audit=files, sweep_threshold=sweep_threshold, work=Path(tmp),
                                  evidence=evidence_csv, mapping=mapping, exclude=exclude or [], g287=g287)
            with audit_progress(on_terminal(quiet)) as progress:  # a long audit shows a sign of life
                result = evaluate(replace(options, progress=progress), agency, [],
                                  audit_config=agency if given else None)
            write_reports(redacted(result) if redact else result, registry, targets, evidence_csv)
        finish(result, threshold, quiet)
