"""Findings and the scan result: what checks produce and what writers render.

A finding is one of three outcomes (``fail``, ``unverified``, ``upcoming``); a pass is silent and a
not-applicable check yields nothing. Unverified is never a pass: it counts in the summary and keeps a
report from being called clean.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from configscan.audit.findings.summary import AuditSummary
from configscan.inputs import SkippedInput
from configscan.network.model import Reach
from configscan.partners.g287 import ListInfo

SCHEMA_VERSION = "1.1"  # 1.1: summary.counts count findings (one per subject of a check); rule_hits apart


class Severity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.critical: 4, Severity.high: 3, Severity.medium: 2, Severity.low: 1, Severity.info: 0}


class Outcome(StrEnum):
    fail = "fail"  # the exported configuration breaks a rule (or, under the baseline, is a risk)
    unverified = "unverified"  # the data needed to decide is missing, unclear, or the check raised
    upcoming = "upcoming"  # a rule enacted but not yet in force would be broken


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    check: str
    rule: str | None = None
    severity: Severity
    outcome: Outcome = Outcome.fail
    title: str
    subject: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    citations: list[str] = Field(default_factory=list)
    remediation: str = ""
    layer: str | None = None  # pack id the rule came from (state, city, policy, baseline)
    layer_role: str | None = None  # that pack's role in this scan: state | city | policy | advisory-baseline
    advisory: bool = False  # True when no law applies: a risk, not a violation
    confidence: str | None = None  # the rule's confidence (statute-text|secondary|unverified)
    rule_summary: str | None = None  # the rule's one plain sentence, for readers without the pack
    fingerprint: str = ""
    waiver: WaiverNote | None = None  # set when an unexpired waiver accepts this finding (listed, never hidden)

    def with_fingerprint(self, agency: str) -> Finding:
        """Stable id from (check, agency, normalised subject, rule): survives re-exports and row order."""
        key = "\x1f".join([self.check, agency.strip().lower(), " ".join(self.subject.lower().split()),
                           self.rule or ""])
        return self.model_copy(update={"fingerprint": hashlib.sha256(key.encode()).hexdigest()[:16]})


class WaiverNote(BaseModel):
    """Why a finding is accepted, by whom and until when: shown beside the finding, which still appears."""

    reason: str
    approved_by: str
    expires: dt.date
    legal_basis: str | None = None
    source: str = ""  # the waiver file and entry, e.g. "waivers.yaml, entry 2 (line 7)"


class WaiverStatus(BaseModel):
    """One waiver as this run judged it: active (matched), stale (matched nothing) or expired."""

    entry: str  # "waivers.yaml, entry 2 (line 7)"
    check: str | None = None
    subject: str | None = None
    fingerprint: str | None = None
    status: str  # active | stale | expired
    expires: str  # as written in the file (a malformed one counts as expired)
    matched: list[str] = Field(default_factory=list)  # fingerprints of the findings it matched


class SettingChange(BaseModel):
    """One raw setting that differs from the previous run, e.g. ``sharing.national_lookup`` False -> True."""

    path: str
    before: Any = None
    after: Any = None
    kind: str = "changed"  # changed | added | removed
    widens: bool = False  # True when the change opens access to this agency's data


class FindingRef(BaseModel):
    """A finding as the history knows it: enough to name it in a "since the last scan" section."""

    fingerprint: str
    check: str
    severity: Severity
    outcome: Outcome
    title: str
    subject: str
    before: str | None = None  # for a changed finding: what changed, e.g. "severity high -> critical"


class SinceLast(BaseModel):
    """What changed since the previous complete run of the same agency (history or ``--baseline``)."""

    previous_run: int | None = None  # the history run id; None for a --baseline report
    previous_as_of: dt.date | None = None
    previous_scanned_at: dt.datetime | None = None
    baseline: str | None = None  # the --baseline report's path, when that was the comparison
    new: list[FindingRef] = Field(default_factory=list)
    resolved: list[FindingRef] = Field(default_factory=list)
    changed: list[FindingRef] = Field(default_factory=list)
    settings: list[SettingChange] = Field(default_factory=list)


class InputFile(BaseModel):
    path: str
    sha256: str
    reader: str | None = None
    rows_unreadable: int = 0
    rows_read: int = 0
    records: dict[str, int] = Field(default_factory=dict)  # partners, users, hotlists, networks, ... read
    sheets: dict[str, int] = Field(default_factory=dict)  # records per workbook sheet


class PackRef(BaseModel):
    id: str
    name: str
    level: str
    version: str
    last_reviewed: dt.date
    statute_found: bool
    role: str = "applied"  # applied | overlay | policy | advisory-baseline | context


class PartnerView(BaseModel):
    name: str
    state: str | None = None
    category: str
    out_of_state: bool | None = None
    reasons: list[str] = Field(default_factory=list)
    confidence: float | None = None
    direction: str | None = None
    link: str | None = None
    status: str | None = None


class Summary(BaseModel):
    # "violations found" | "risks found" | "unverified" | "clean" | "no rules in force on that date" | "incomplete"
    verdict: str
    counts: dict[str, int]  # failed findings per severity: one per subject of a check (see ``tally``)
    unverified: int = 0
    upcoming: int = 0
    rule_hits: int = 0  # every rule each finding breaks or may break (a finding can hit several rules)
    fail_on: str = "high"  # a severity, or "never"
    waived: int = 0  # findings accepted by an unexpired waiver (listed, not counted above)


@dataclass(frozen=True)
class Tally:
    counts: dict[str, int]
    unverified: int
    upcoming: int
    rule_hits: int


def tally(findings: Sequence[Finding]) -> Tally:
    """Findings counted the way a reader counts them, the same in every output (summary line, JSON, HTML
    banner, portfolio index): one per subject of a check and outcome, at the most severe of the rules it hits.
    A partner that breaks a state's federal-sharing rule and its immigration rule is one finding with two rule
    hits; rule hits are counted apart."""
    worst: dict[tuple[str, str, Outcome], Severity] = {}
    for f in findings:
        key = (f.check, f.subject, f.outcome)
        if key not in worst or f.severity.rank > worst[key].rank:
            worst[key] = f.severity
    counts = {s.value: 0 for s in Severity}
    for (_, _, outcome), severity in worst.items():
        if outcome is Outcome.fail:
            counts[severity.value] += 1
    return Tally(counts, sum(o is Outcome.unverified for _, _, o in worst),
                 sum(o is Outcome.upcoming for _, _, o in worst), len(findings))


class ScanResult(BaseModel):
    schema_version: str = SCHEMA_VERSION
    tool: dict[str, str]
    scanned_at: dt.datetime
    as_of: dt.date
    agency: dict[str, Any]
    jurisdictions: list[PackRef]
    summary: Summary
    findings: list[Finding]
    partners: list[PartnerView] = Field(default_factory=list)
    inputs: list[InputFile] = Field(default_factory=list)
    unknown_fields: dict[str, Any] = Field(default_factory=dict)
    errors: list[str] = Field(default_factory=list)  # what the scan could not see (exit 3)
    skipped: list[SkippedInput] = Field(default_factory=list)  # files in input folders that were not read
    checks_run: list[str] = Field(default_factory=list)
    statute_found: bool = True
    audit: AuditSummary | None = None  # audit-log evidence, when audit files were given
    reach: Reach | None = None  # who can search this agency's data: its own links, or the batch's network
    g287_list: ListInfo | None = None  # the 287(g) list partners and searchers were matched against
    # Set when a legal layer has no statute: says so with the review date (never "sharing is legal").
    law_note: str | None = None
    # Assumptions that change verdicts, said on the report's first screen: where partner directions came from
    # when the rows did not give them (a list title, --direction), and how many still have none.
    assumptions: list[str] = Field(default_factory=list)
    # How much was read, per file and sheet, with the totals of partners, users and hot lists (first screen).
    read_summary: list[str] = Field(default_factory=list)
    since_last: SinceLast | None = None  # what changed since the previous run (history or --baseline)
    waivers: list[WaiverStatus] = Field(default_factory=list)  # every waiver given, with its status
    run_id: int | None = None  # the history run this report was recorded as (scan --db, run)
    # The normalised configuration, kept for the history database; not part of the report.
    config: dict[str, Any] | None = Field(default=None, exclude=True)
    disclaimer: str = (
        "configscan is not legal advice. It compares exported settings with the cited provisions as read on "
        "the review dates shown; confirm conclusions with counsel."
    )
