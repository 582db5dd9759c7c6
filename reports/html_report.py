"""Self-contained HTML report: inline CSS and SVG, no script, no request leaves the page; opens offline, prints.

The page a council member reads first: agency, jurisdiction and law date, a one-sentence verdict, counts that
mean one thing everywhere (see ``view.py``), and what to do first -- then the "before you renew" action list,
findings grouped by severity and check (repeated findings rolled into one card with a table of subjects),
partner inventory, settings snapshot, audit charts and the methodology. A Content-Security-Policy meta tag
forbids every fetch. User-supplied text is escaped by jinja2's autoescape; SVG labels by ``charts.py``.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from configscan.audit.findings.summary import AuditSummary
from configscan.findings import ScanResult
from configscan.network.svg import reach_svg
from configscan.writers import Writer

from . import charts, renewal, view
from .humanize import days, label, plain, prose, shape

FLAGGED_SEARCHERS = ("federal", "out_of_state", "out-of-state", "immigration")


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's per-user cache of compiled templates (a private 0700 directory under the system temp dir,
    keyed by the template's checksum, written by rename): compiling the report template costs about 0.1 s
    a run. Jinja refuses a directory it cannot trust (RuntimeError) or create (OSError); then compile."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (RuntimeError, OSError):
        return None


def environment() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(resources.files("configscan.reports") / "templates"))
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, bytecode_cache=_bytecode_cache())
    env.filters["plain"] = plain
    env.filters["days"] = days
    env.filters["prose"] = prose
    env.filters["reach_svg"] = lambda reach: Markup(reach_svg(reach))  # built from escaped text only
    return env


def _second(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(microsecond=0) if value is not None else None


def _whole_seconds(audit: AuditSummary) -> AuditSummary:
    """Audit times without microseconds, as people read them (the JSON report keeps the exact times)."""
    orgs = [o.model_copy(update={"first_seen": _second(o.first_seen), "last_seen": _second(o.last_seen)})
            for o in audit.orgs]
    return audit.model_copy(update={"first_seen": _second(audit.first_seen), "last_seen": _second(audit.last_seen),
                                    "orgs": orgs})


def audit_charts(audit: AuditSummary) -> dict[str, Any]:
    months = [(m.month, m.searches, m.federal + m.out_of_state) for m in audit.months]
    searchers = sorted(audit.by_searcher.items(), key=lambda kv: -kv[1])
    reasons = sorted(audit.by_category.items(), key=lambda kv: -kv[1])[:12]
    return {
        "months": charts.columns("Searches by month (red: federal or out-of-state searchers)", months),
        "searchers": charts.bars("Searches by searcher category", [(k.replace("_", " "), v) for k, v in searchers]),
        "reasons": charts.bars("Searches by reason category", [(k.replace("_", " "), v) for k, v in reasons]),
    }


def context(result: ScanResult) -> dict[str, Any]:
    """Everything the human formats show, computed once (HTML, PDF and Markdown share it)."""
    rules = renewal.pack_rules(result)
    urls = view.source_urls(rules)
    groups = view.groups_of(result.findings, urls)
    waived = getattr(result.summary, "waived", 0)
    counts = view.counts_of(groups, result.findings, waived)
    plan = renewal.build(result, rules)
    per_layer: dict[str, int] = {}
    for f in result.findings:
        if f.layer:
            per_layer[f.layer] = per_layer.get(f.layer, 0) + 1
    legal = [j for j in result.jurisdictions if j.role in ("state", "city", "policy")] or result.jurisdictions
    audit = _whole_seconds(result.audit) if result.audit else None
    shown = result.model_copy(update={"audit": audit}) if audit else result
    period = None
    if audit and audit.first_seen and audit.last_seen:
        period = f"{audit.first_seen.date().isoformat()} to {audit.last_seen.date().isoformat()}"
    return {
        "r": shown,
        "jurisdiction": ", ".join(f"{j.name} ({j.id})" for j in legal),
        "scanned": plain(result.scanned_at),
        "groups": groups,
        "counts": counts,
        "sentence": view.verdict_sentence(result, groups),
        "first": view.first_step(plan.screens, result),
        "renewal": plan,
        "settings": view.settings_rows(getattr(result, "config", None)),
        "unknown": [(label(k), shape(v, k)) for k, v in result.unknown_fields.items()],
        "layer_labels": view.LAYER_LABELS,
        "per_layer": per_layer,
        "mix": view.confidence_mix(rules),
        "charts": audit_charts(audit) if audit else {},
        "audit_period": period,
        "since_last": getattr(result, "since_last", None),
    }


def render(result: ScanResult) -> str:
    return environment().get_template("report.html.j2").render(**context(result))


writer = Writer(name="html", description="self-contained HTML report for councils and admins", render=render)
