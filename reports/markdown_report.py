"""Markdown summary for an e-mail or a ticket: verdict, counts, what to do first, the action list and the top
findings. Counts follow the HTML report's rule (findings, with rule hits labelled). Text from the export is
escaped so a partner called ``[x](javascript:...)`` or ``<img>`` stays text in any Markdown renderer.
"""

from __future__ import annotations

import re

from configscan.findings import ScanResult
from configscan.writers import Writer

from . import html_report
from .humanize import prose

TOP = 10
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")


def esc(text: object) -> str:
    """One line of plain text, every Markdown and HTML special character backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def render(result: ScanResult) -> str:
    c = html_report.context(result)
    counts, plan = c["counts"], c["renewal"]
    lines = [f"# ALPR sharing scan: {esc(result.agency.get('name'))}", "",
             f"{esc(c['jurisdiction'])} · law as of {result.as_of.isoformat()} · scanned {esc(c['scanned'])}", "",
             f"**Verdict: {esc(result.summary.verdict)}.** {esc(c['sentence'])}", "",
             "| Findings | " + " | ".join(counts.fail) + " | unverified | upcoming |",
             "|---|" + "---:|" * (len(counts.fail) + 2),
             "| count | " + " | ".join(str(n) for n in counts.fail.values())
             + f" | {counts.unverified} | {counts.upcoming} |", "",
             f"Counts are findings (one subject of one check); together they hit {counts.rule_hits} rules.", "",
             f"**Do first:** {esc(c['first'])}", ""]
    if result.errors:
        lines += ["## What the scan could not see", "", *(f"- {esc(e)}" for e in result.errors), ""]
    lines += ["## Before you renew", ""]
    if plan.date:
        left = f" ({plan.days_left} days left)" if plan.days_left is not None and plan.days_left >= 0 else ""
        lines += [f"Contract renewal: **{plan.date.isoformat()}**{left}", ""]
    for screen in plan.screens:
        lines.append(f"### {esc(screen.name)}")
        for a in screen.actions:
            tag = a.severity if a.outcome == "fail" else "confirm"
            many = f" ({len(a.subjects)} items)" if len(a.subjects) > 1 else ""
            lines.append(f"- **{tag}**{many}: {esc(a.text)}")
        lines.append("")
    lines += ["Contract terms to require:", ""]
    for t in plan.terms:
        status = "required" if t.required else "advisory"
        cites = "; ".join(esc(s.citation) for s in t.sources) or "no rule in force here"
        lines.append(f"- *{status}*: {esc(t.text)} ({cites})")
    lines += ["", "## Top findings", ""]
    shown = 0
    for g in c["groups"]:
        for card in g.cards:
            if shown == TOP:
                break
            shown += 1
            subjects = card.issues[0].subject if not card.rolled else f"{len(card.issues)} subjects"
            cites = "; ".join(esc(r.citation) for r in card.rules)
            lines.append(f"{shown}. **{g.outcome}, {g.severity}**: {esc(prose(card.lead.title))} ({esc(subjects)}). "
                         f"{cites}")
    if not shown:
        lines.append("No finding.")
    lines += ["", f"*Not legal advice.* {esc(result.disclaimer)}", ""]
    return "\n".join(lines)


writer = Writer(name="md", description="Markdown summary for an e-mail or ticket", render=render)
