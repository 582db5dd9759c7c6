"""Findings from an agency's reach, cited against the agency's own law.

Beside the checks, not among them: the checks are pure functions of one agency's export, while these need
the batch's network (or, for a single scan, the export's own links plus the 287(g) list). One-step federal
and out-of-state links are the checks' findings already (``partners.federal_link``, ``partners.out_of_state_link``,
``sharing.national_lookup``), so only what the network adds is reported here: 287(g) partners, federal
organisations reached through a pool or a side door, side doors themselves, and exports that contradict
each other. Each names the setting to change on the first step, in this agency's own export.
"""

from __future__ import annotations

from collections.abc import Iterator

from configscan.checkapi import CheckMeta, unverified, violation
from configscan.findings import Finding, Severity
from configscan.jurisdictions.loader import RuleSet
from configscan.jurisdictions.schema import RuleKind
from configscan.network.model import Path, Reach, Step
from configscan.partners.g287 import ListInfo

G287 = CheckMeta(
    id="partners.g287",
    title="An agency with a 287(g) agreement with ICE can search this agency's ALPR data",
    severity=Severity.high,
    description="A partner on ICE's list of 287(g) agencies (deputised for immigration enforcement) can search "
    "this agency's plates, directly or through a pool; its officers need no federal login to do it.",
    remediation="Change the setting named on the first step (remove the partner's access, or leave the pool) "
    "unless its access is limited by written agreement to uses the law allows.",
    rule_kinds=[RuleKind.forbid_immigration_use],
)
REACH = CheckMeta(
    id="network.federal_reach",
    title="A federal organisation can reach this agency's ALPR data through the sharing network",
    severity=Severity.high,
    description="A path of more than one step -- a pool the agency is in, or a partner that shares with a "
    "federal organisation -- ends at a federal organisation.",
    remediation="Change the setting named on the first step of the path in this agency's export.",
    rule_kinds=[RuleKind.forbid_federal_sharing, RuleKind.conditional_sharing, RuleKind.forbid_immigration_use],
)
SIDE_DOOR = CheckMeta(
    id="network.side_door",
    title="An in-state partner tied to federal enforcement can search this agency's ALPR data",
    severity=Severity.medium,
    description="An in-state partner that itself shares with federal organisations, holds a 287(g) agreement "
    "or has federal task-force users can search this agency's plates: a side door for federal use.",
    remediation="Change the partner's access in this agency's sharing settings, or obtain its written assurance "
    "that its federally tied officers will not search this agency's data for barred uses.",
    rule_kinds=[RuleKind.forbid_immigration_use, RuleKind.forbid_federal_sharing],
)
CONTRADICTION = CheckMeta(
    id="network.contradiction",
    title="Two agencies' exports disagree about a sharing link",
    severity=Severity.medium,
    description="One agency's export lists a link with another agency that the other agency's export does not "
    "show (or shows in the other direction); one of the exports is stale or incomplete.",
    remediation="Ask both agencies for current sharing exports and compare them; until then treat the link as "
    "open.",
)


def _path_text(steps: list[Step]) -> list[str]:
    return [f"{s.owner} -> {s.searcher} ({s.via}: {s.setting})" for s in steps]


def _evidence(path: Path, info: ListInfo | None) -> dict[str, object]:
    first = path.steps[0]
    evidence: dict[str, object] = {"endpoint": path.endpoint, "category": path.category, "path": _path_text(path.steps),
                                   "setting to change": first.setting}
    if path.state:
        evidence["endpoint state"] = path.state
    if first.source:
        evidence["source"] = first.source
    if "287(g)" in path.why and info is not None:
        evidence["287(g) list"] = f"ICE 287(g) participating agencies, {info.date or 'undated'} ({info.source})"
    return evidence


def network_findings(reach: Reach, rules: RuleSet, info: ListInfo | None) -> list[Finding]:
    return [*_g287(reach, rules, info), *_federal(reach, rules, info), *_side_doors(reach, rules),
            *_contradictions(reach)]


def _g287(reach: Reach, rules: RuleSet, info: ListInfo | None) -> Iterator[Finding]:
    applied = rules.of_kind(*G287.rule_kinds)
    for path in reach.paths:
        if "287(g)" not in path.why or "side door" in path.why:
            continue
        evidence = _evidence(path, info)
        remediation = f"{G287.remediation} First step: {path.steps[0].setting}."
        for rule in applied:
            yield violation(G287, rule, subject=path.endpoint, evidence=evidence, remediation=remediation)


def _federal(reach: Reach, rules: RuleSet, info: ListInfo | None) -> Iterator[Finding]:
    sharing = [r for r in rules.of_kind(RuleKind.forbid_federal_sharing, RuleKind.conditional_sharing)
               if r.rule.params.get("applies_to", ["federal"]) != ["out_of_state"]]
    immigration = rules.of_kind(RuleKind.forbid_immigration_use)
    for path in reach.paths:
        if "federal" not in path.why or len(path.steps) < 2:
            continue  # one step: the federal-link check's finding
        applied = sharing + (immigration if path.category == "federal_immigration" else [])
        evidence = _evidence(path, info)
        title = f"{path.endpoint} can reach this agency's data through {path.steps[0].searcher}"
        for rule in applied:
            yield violation(REACH, rule, subject=f"{path.endpoint} via {path.steps[0].searcher}", evidence=evidence,
                            title=title, remediation=f"{REACH.remediation} First step: {path.steps[0].setting}.")


def _side_doors(reach: Reach, rules: RuleSet) -> Iterator[Finding]:
    applied = rules.of_kind(*SIDE_DOOR.rule_kinds)
    for door in reach.side_doors:
        evidence: dict[str, object] = {"partner": door.partner, "why": door.why, "setting to change": door.setting}
        if door.federal_links:
            evidence["partner's federal links"] = door.federal_links
        for rule in applied:
            yield violation(SIDE_DOOR, rule, subject=door.partner, evidence=evidence, severity=Severity.medium,
                            remediation=f"{SIDE_DOOR.remediation} Setting: {door.setting}.")


def _contradictions(reach: Reach) -> Iterator[Finding]:
    for item in reach.contradictions:
        yield unverified(CONTRADICTION, subject=f"link with {item.other}",
                         why=f"{item.says}; {item.other_says}",
                         evidence={"says": item.says, "other export says": item.other_says, "source": item.source})
