"""The "before you renew" page: every setting to change, grouped by the vendor screen it lives on, and the
contract terms the agency should require, each tied to the rule or finding that demands it.

A renewal is the moment an agency has leverage over its vendor, so this is the list an administrator attaches
to the renewal memo. Washington (ESSB 6002 sec. 5(6)-(8)), Oregon (SB 1516) and Connecticut (PA 26-14) wrote
duties into vendor terms; their packs carry those duties as ``vendor_access_on_request`` and
``restrict_private_sharing`` rules, and where a scanned pack has them the terms are required by law.
Elsewhere the same list is advisory, and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from configscan.findings import Finding, Outcome, ScanResult
from configscan.jurisdictions.library import pack_dir
from configscan.jurisdictions.packfile import parse_pack
from configscan.jurisdictions.schema import Rule, RuleKind, duration_days

from .humanize import prose

# Which screen of the vendor's admin console a check's setting lives on, in the order an admin walks them.
SCREENS: tuple[tuple[str, str], ...] = (
    ("sharing.", "Sharing settings (national, statewide and federal switches)"),
    ("partners.", "Sharing: organisations with access"),
    ("users.", "Users and accounts"),
    ("hotlists.", "Hotlists"),
    ("retention.", "Data retention"),
    ("search.", "Search settings"),
    ("audit.", "Audit log review (searches already made)"),
    ("records.", "Records and transparency portal"),
    ("inputs.", "The exports themselves"),
)
OTHER_SCREEN = "Other"
VENDOR_KINDS = (RuleKind.vendor_access_on_request, RuleKind.restrict_private_sharing)
LEGAL = ("state", "city")


def screen_of(check: str) -> str:
    for prefix, name in SCREENS:
        if check.startswith(prefix):
            return name
    return OTHER_SCREEN


@dataclass
class Action:
    """One change on one screen: the text once, with every subject it fixes."""

    text: str
    severity_rank: int
    severity: str
    outcome: str
    subjects: list[str] = field(default_factory=list)


@dataclass
class Screen:
    name: str
    actions: list[Action] = field(default_factory=list)


def actions(findings: Iterable[Finding]) -> list[Screen]:
    """Failed and unverified findings as changes per screen: each remediation text once, subjects collected."""
    screens: dict[str, Screen] = {}
    index: dict[tuple[str, str], Action] = {}
    for f in findings:
        if f.outcome is Outcome.upcoming or not f.remediation:
            continue
        screen = screens.setdefault(screen_of(f.check), Screen(screen_of(f.check)))
        key = (screen.name, f.remediation)
        action = index.get(key)
        if action is None:
            action = Action(f.remediation, f.severity.rank, f.severity.value, f.outcome.value)
            index[key] = action
            screen.actions.append(action)
        elif f.severity.rank > action.severity_rank:
            action.severity_rank, action.severity = f.severity.rank, f.severity.value
        if f.outcome is Outcome.fail:
            action.outcome = "fail"
        if f.subject not in action.subjects:
            action.subjects.append(f.subject)
    order = {name: i for i, (_, name) in enumerate(SCREENS)}
    for screen in screens.values():
        screen.actions.sort(key=lambda a: (a.outcome != "fail", -a.severity_rank))
    return sorted(screens.values(), key=lambda s: (-max(a.severity_rank for a in s.actions),
                                                   order.get(s.name, len(order))))


@dataclass(frozen=True)
class TermSpec:
    id: str
    text: str
    kinds: tuple[RuleKind, ...]  # rules that demand it
    checks: tuple[str, ...]  # findings that show the need (check id prefixes)


TERMS: tuple[TermSpec, ...] = (
    TermSpec("no-default-access", "No national, statewide or multi-state lookup switched on by default; the vendor "
             "changes no sharing permission without the agency's written consent.",
             (RuleKind.vendor_access_on_request, RuleKind.forbid_out_of_state_sharing),
             ("sharing.national_lookup", "sharing.state_pools")),
    TermSpec("no-vendor-sharing", "The vendor does not sell, share, transfer or use the agency's data for anyone "
             "else without the agency's prior written consent.",
             (RuleKind.vendor_access_on_request, RuleKind.restrict_private_sharing),
             ("partners.private_access", "partners.multi_agency_link")),
    TermSpec("request-notice", "Every federal or out-of-state request for the agency's data goes to the agency, "
             "with prompt written notice; the vendor answers none itself.",
             (RuleKind.vendor_access_on_request, RuleKind.forbid_federal_sharing, RuleKind.forbid_immigration_use),
             ("partners.federal_link", "users.federal_accounts", "audit.federal_searcher", "audit.immigration")),
    TermSpec("deletion", "Data is deleted at the legal retention limit, including backups and copies held by "
             "partners, with a deletion certificate on request.",
             (RuleKind.max_retention,), ("retention.max", "audit.lookback_past_retention")),
    TermSpec("audit-rights", "The agency may audit every search of its data (who, when, reason, case number) "
             "and receives the full audit log on request, in a machine-readable format.",
             (RuleKind.require_search_purpose,), ("search.reason_required", "audit.")),
    TermSpec("federal-switch", "One setting disables all federal sharing, and stays off unless the agency "
             "turns it on.",
             (RuleKind.forbid_federal_sharing,), ("sharing.federal_toggle", "partners.federal_link")),
)


@dataclass
class Source:
    citation: str
    url: str | None
    pack: str
    rule: str
    confidence: str
    limit_days: float | None = None


@dataclass
class Term:
    id: str
    text: str
    required: bool  # a law in a scanned pack writes it into vendor terms or demands what it protects
    sources: list[Source]
    findings: list[str]  # titles of the findings (subjects) that show the need


@dataclass
class Renewal:
    date: dt.date | None
    days_left: int | None
    field: str | None  # where the date was found in the export
    screens: list[Screen]
    terms: list[Term]
    vendor_law: list[Source]  # the statutory vendor duties in force here (WA, OR, CT), empty elsewhere


def pack_rules(result: ScanResult) -> dict[str, tuple[str, list[Rule]]]:
    """The rules of every bundled pack this scan used, with the pack's role (a policy file is not bundled)."""
    packs: dict[str, tuple[str, list[Rule]]] = {}
    for ref in result.jurisdictions:
        path = pack_dir() / f"{ref.id}.yaml"
        if path.is_file():
            packs[ref.id] = (ref.role, list(_bundled_rules(path)))
    return packs


@cache
def _bundled_rules(path: Path) -> tuple[Rule, ...]:
    """A bundled pack's rules, parsed once per process: a portfolio renders hundreds of reports, and parsing
    the packs again for each was a sixth of its time."""
    return tuple(parse_pack(path).rules)


def renewal_date(unknown: Mapping[str, Any], agency: Mapping[str, Any],
                 config: Mapping[str, Any] | None = None) -> tuple[dt.date | None, str | None]:
    """A contract renewal or expiry date in the export: its unknown fields (``contract.renewal_date``), the
    agency block, or the normalised configuration (should the interchange model come to name the contract)."""
    def walk(node: object, path: str) -> Iterable[tuple[str, object]]:
        if isinstance(node, Mapping):
            for key, value in node.items():
                yield from walk(value, f"{path}.{key}" if path else str(key))
        else:
            yield path, node

    for path, value in [*walk(unknown, ""), *walk(agency, "agency"), *walk(config or {}, "")]:
        name = path.lower()
        if ("renew" in name or "expir" in name or "term_end" in name) and isinstance(value, str | dt.date):
            try:
                return (value if isinstance(value, dt.date) else dt.date.fromisoformat(value[:10])), path
            except ValueError:
                continue
    return None, None


def _matches(check: str, prefixes: Sequence[str]) -> bool:
    return any(check.startswith(p) for p in prefixes)


def build(result: ScanResult, rules: Mapping[str, tuple[str, list[Rule]]]) -> Renewal:
    date, where = renewal_date(result.unknown_fields, result.agency, getattr(result, "config", None))
    days_left = (date - result.scanned_at.date()).days if date else None
    in_force = [(pack, role, rule) for pack, (role, items) in rules.items() for rule in items
                if rule.in_force(result.as_of)]

    def source(pack: str, rule: Rule) -> Source:
        limit = duration_days(rule.max_retention) if rule.max_retention else None
        return Source(rule.citation, rule.source, pack, rule.id, rule.confidence.value, limit)

    vendor_law = [source(p, r) for p, role, r in in_force if role in LEGAL and r.kind in VENDOR_KINDS]
    terms = []
    for spec in TERMS:
        sources = [source(p, r) for p, role, r in in_force if role in LEGAL and r.kind in spec.kinds]
        needs = sorted({f"{prose(f.title)} ({f.subject})" for f in result.findings
                        if f.outcome is not Outcome.upcoming and _matches(f.check, spec.checks)})
        terms.append(Term(spec.id, spec.text, bool(sources), sources, needs))
    return Renewal(date, days_left, where, actions(result.findings), terms, vendor_law)
