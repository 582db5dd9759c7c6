"""Self-contained HTML report: inline CSS, no script, no external URL; opens offline and prints.

User-supplied text (partner names, evidence values) is escaped by jinja2's autoescape. The JSON report
keeps one finding per (check, subject, rule); here findings about the same subject from the same check are
shown as one card listing every rule they break, which is how a council reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources

import jinja2

from configscan.findings import Finding, Outcome, ScanResult, Severity
from configscan.writers import Writer

# How each layer role reads in the report (roles come from configscan.jurisdictions.layers).
_LAYER_LABELS = {
    "state": "State law",
    "city": "City overlay",
    "policy": "Agency policy",
    "advisory-baseline": "Advisory baseline (no law)",
}

_VERDICT_TEXT = {
    "violations found": "Findings show sharing or settings that break the cited law or the agency's own policy.",
    "risks found": "No cited law is broken, but settings expose data to federal or out-of-state users.",
    "unverified": "Nothing was found to break the law, but some things could not be verified.",
    "clean": "No findings: every check passed on the data provided.",
    "no rules in force on that date": "None of this jurisdiction's rules was in force on the date the law was "
    "read (--as-of); nothing was checked against law, so this is not a clean report.",
    "incomplete": "The scan could not see everything it needed; this is not a clean report.",
}


@dataclass
class Card:
    """One subject of one check, with every rule it breaks (most severe first)."""

    lead: Finding
    findings: list[Finding] = field(default_factory=list)

    @property
    def fingerprints(self) -> str:
        return " ".join(f.fingerprint for f in self.findings)


def cards(findings: list[Finding]) -> list[Card]:
    grouped: dict[tuple[str, str, str], Card] = {}
    for finding in findings:  # already sorted most severe first
        key = (finding.check, finding.subject, finding.outcome.value)
        card = grouped.setdefault(key, Card(lead=finding))
        card.findings.append(finding)
    return list(grouped.values())


def show(value: object) -> str:
    """Evidence exactly as exported: strings as they are, everything else as JSON."""
    if isinstance(value, str):
        return value if value.strip() else "(blank)"
    return json.dumps(value, ensure_ascii=False, default=str)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's per-user cache of compiled templates (a private 0700 directory under the system temp dir,
    keyed by the template's checksum, written by rename): compiling the report template costs about 0.1 s
    a run. Jinja refuses a directory it cannot trust (RuntimeError) or create (OSError); then compile."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (RuntimeError, OSError):
        return None


def _environment() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(resources.files("configscan.reports") / "templates"))
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, bytecode_cache=_bytecode_cache())
    env.filters["show"] = show
    return env


def render(result: ScanResult) -> str:
    template = _environment().get_template("report.html.j2")
    groups = []
    for sev in Severity:
        items = [f for f in result.findings if f.severity is sev and f.outcome is Outcome.fail]
        if items:
            groups.append((sev.value, cards(items)))
    unverified = cards([f for f in result.findings if f.outcome is Outcome.unverified])
    upcoming = cards([f for f in result.findings if f.outcome is Outcome.upcoming])
    per_layer: dict[str, int] = {}
    for f in result.findings:
        if f.layer:
            per_layer[f.layer] = per_layer.get(f.layer, 0) + 1
    return template.render(
        r=result,
        groups=groups,
        unverified=unverified,
        upcoming=upcoming,
        verdict_text=_VERDICT_TEXT.get(result.summary.verdict, ""),
        layer_labels=_LAYER_LABELS,
        per_layer=per_layer,
    )


writer = Writer(name="html", description="self-contained HTML report for councils and admins", render=render)
