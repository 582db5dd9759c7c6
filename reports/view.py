"""What the human formats (HTML, PDF, Markdown) show, built once from a ScanResult.

Counting rule, the same on every page of every format: a **finding** is one subject of one check with one
outcome (Border Patrol as a federal partner is one finding however many rules it breaks); a **rule hit** is
one (finding, rule) pair, which is what the JSON report lists. Banner, section headings and the Markdown
summary count findings; where rule hits are shown they are labelled as such.

Findings are grouped by outcome, then severity (a finding's most severe rule), then check; one check's
findings in one group are one card with a table of subjects (35 partners with unknown direction are one card
with 35 rows, not 35 cards).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from configscan.findings import Finding, Outcome, ScanResult, Severity
from configscan.jurisdictions.schema import Rule

from . import renewal as renewal_mod
from .humanize import Shape, label, shape

LAYER_LABELS = {
    "state": "State law",
    "city": "City overlay",
    "policy": "Agency policy",
    "advisory-baseline": "Advisory baseline (no law)",
}
# Checks whose failure means a federal agency can reach the data (the verdict names these first): a federal
# partner, a federal account, national lookup, or federal searches found in the audit log.
FEDERAL_CHECKS = ("partners.federal_link", "users.federal_accounts", "sharing.national_lookup",
                  "audit.federal_searcher")
# Evidence keys that repeat the subject or are too long for a table cell of a rolled-up card.
_ROW_SKIP = ("name", "classified_because")  # the partner inventory gives every partner's reasons


@dataclass
class RuleRef:
    rule: str | None
    citation: str
    url: str | None
    summary: str | None
    layer: str | None
    layer_label: str
    confidence: str | None
    severity: str


@dataclass
class Issue:
    """One finding: a subject of a check with an outcome, and every rule it hits (most severe first)."""

    hits: list[Finding]

    @property
    def lead(self) -> Finding:
        return self.hits[0]

    @property
    def subject(self) -> str:
        return self.lead.subject


@dataclass
class Card:
    check: str
    outcome: str
    severity: str
    issues: list[Issue]
    rules: list[RuleRef]
    columns: list[str] = field(default_factory=list)  # evidence columns of the subject table (rolled up)
    rows: list[list[Shape]] = field(default_factory=list)
    evidence: list[tuple[str, Shape]] = field(default_factory=list)  # one subject: label, shape

    @property
    def lead(self) -> Finding:
        return self.issues[0].lead

    @property
    def fingerprints(self) -> str:
        return " ".join(f.fingerprint for i in self.issues for f in i.hits)

    @property
    def rolled(self) -> bool:
        return len(self.issues) > 1

    @property
    def advisory(self) -> bool:
        return all(f.advisory for i in self.issues for f in i.hits)

    @property
    def waivers(self) -> list[Any]:
        return [w for i in self.issues for f in i.hits if (w := getattr(f, "waiver", None)) is not None]


@dataclass
class Group:
    outcome: str  # fail | unverified | upcoming
    severity: str
    cards: list[Card]

    @property
    def count(self) -> int:
        return sum(len(c.issues) for c in self.cards)

    @property
    def kind(self) -> str:
        return f"{self.outcome}-{self.severity}"


def issues_of(findings: Sequence[Finding]) -> list[Issue]:
    grouped: dict[tuple[str, str, str], Issue] = {}
    for f in findings:  # the scan sorts most severe first
        grouped.setdefault((f.check, f.subject, f.outcome.value), Issue([])).hits.append(f)
    return list(grouped.values())


def _rule_ref(f: Finding, urls: Mapping[tuple[str, str], str]) -> RuleRef:
    return RuleRef(
        rule=f.rule, citation="; ".join(f.citations) or "no legal claim made",
        url=urls.get((f.layer or "", f.rule or "")), summary=f.rule_summary, layer=f.layer,
        layer_label=LAYER_LABELS.get(f.layer_role or "", "rule pack"), confidence=f.confidence,
        severity=f.severity.value)


def card_of(check: str, outcome: str, severity: str, issues: list[Issue],
            urls: Mapping[tuple[str, str], str]) -> Card:
    rules: dict[str | None, RuleRef] = {}
    for issue in issues:
        for f in issue.hits:
            rules.setdefault(f.rule or f.check, _rule_ref(f, urls))
    card = Card(check, outcome, severity, issues, list(rules.values()))
    if len(issues) == 1:
        card.evidence = [(label(k), shape(v, k)) for k, v in issues[0].lead.evidence.items()]
        return card
    columns: list[str] = []
    for issue in issues:
        columns.extend(k for k in issue.lead.evidence if k not in columns and k not in _ROW_SKIP)
    card.columns = [label(c) for c in columns]
    card.rows = [[shape(_short(i.lead.evidence.get(c), c, issues), c) for c in columns] for i in issues]
    return card


def _short(value: object, key: str, issues: Sequence[Issue]) -> object:
    """A provenance label without the file name when every subject of the card comes from the same file."""
    if key != "source" or not isinstance(value, str) or ", " not in value:
        return value
    first = value.split(", ", 1)[0]
    same = all(str(i.lead.evidence.get(key, "")).startswith(first + ", ") for i in issues)
    return value.split(", ", 1)[1] if same else value


def groups_of(findings: Sequence[Finding], urls: Mapping[tuple[str, str], str]) -> list[Group]:
    """Outcome (fail, unverified, upcoming), then severity, then check: one card per check per group."""
    out: list[Group] = []
    issues = issues_of(findings)
    for outcome in (Outcome.fail, Outcome.unverified, Outcome.upcoming):
        for sev in Severity:
            mine = [i for i in issues if i.lead.outcome is outcome and i.lead.severity is sev]
            if not mine:
                continue
            by_check: dict[str, list[Issue]] = {}
            for issue in mine:
                by_check.setdefault(issue.lead.check, []).append(issue)
            cards = [card_of(check, outcome.value, sev.value, items, urls) for check, items in by_check.items()]
            out.append(Group(outcome.value, sev.value, cards))
    return out


@dataclass
class Counts:
    """Findings (subjects) per outcome and severity, and rule hits, for the banner and every heading."""

    fail: dict[str, int]
    unverified: int
    upcoming: int
    rule_hits: int
    waived: int = 0

    @property
    def failed(self) -> int:
        return sum(self.fail.values())


def counts_of(groups: Sequence[Group], findings: Sequence[Finding], waived: int = 0) -> Counts:
    fail = {s.value: 0 for s in Severity}
    unverified = upcoming = 0
    for g in groups:
        if g.outcome == "fail":
            fail[g.severity] += g.count
        elif g.outcome == "unverified":
            unverified += g.count
        else:
            upcoming += g.count
    return Counts(fail, unverified, upcoming, len(findings), waived)


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _cites(issues: Sequence[Issue], limit: int = 2) -> str:
    seen: list[str] = []
    for issue in issues:
        for f in issue.hits:
            for cite in f.citations:
                c = cite.split(";")[0].strip()
                if c not in seen and not f.advisory:
                    seen.append(c)
    if not seen:
        return "the cited rules"
    shown = seen[:limit]
    return " and ".join(shown) + (f" (and {len(seen) - limit} more)" if len(seen) > limit else "")


def verdict_sentence(result: ScanResult, groups: Sequence[Group]) -> str:
    """One plain sentence a council member can repeat: who can reach the data, and which law that breaks."""
    issues = [i for g in groups for c in g.cards for i in c.issues]
    failed = [i for i in issues if i.lead.outcome is Outcome.fail]
    legal = [i for i in failed if not all(f.advisory for f in i.hits)]
    unverified = [i for i in issues if i.lead.outcome is Outcome.unverified]
    verdict = result.summary.verdict
    if verdict == "incomplete":
        return (f"This scan is incomplete: {_plural(len(result.errors), 'input or check')} could not be read, "
                "so it is not a clean report.")
    if legal:
        federal = [i for i in legal if i.lead.check in FEDERAL_CHECKS]
        if federal:
            both = "it breaks" if len(federal) == 1 else ("both break" if len(federal) == 2 else "they break")
            links = _plural(len(federal), "link or setting", "links or settings")
            others = len(legal) - len(federal)
            more = f"; {_plural(others, 'other finding')} also {'breaks' if others == 1 else 'break'} the law" \
                if others else ""
            return f"Federal agencies can reach this agency's data through {links}; {both} {_cites(federal)}{more}."
        verb = "breaks" if len(legal) == 1 else "break"
        return f"{_plural(len(legal), 'finding')} {verb} {_cites(legal)}."
    if failed:
        return (f"No cited law is broken, but {_plural(len(failed), 'finding')} "
                f"{'shows' if len(failed) == 1 else 'show'} risks that configscan's advisory baseline flags.")
    if unverified:
        return (f"Nothing was found to break the law, but {_plural(len(unverified), 'thing')} could not be "
                "checked from this export and must be confirmed.")
    if verdict == "clean":
        return "Every check passed on the data provided: no federal or out-of-state access was found."
    return ("None of this jurisdiction's rules was in force on the date the law was read, so nothing was checked "
            "against law; this is not a clean report.")


def first_step(screens: Sequence[renewal_mod.Screen], result: ScanResult) -> str:
    if result.errors:
        return "Fix what the scan could not read (listed below) and run it again before relying on this report."
    if not screens:
        return "Nothing to change; keep the exports and run the scan again after any change to sharing."
    top = max((a for s in screens for a in s.actions), key=lambda a: (a.outcome == "fail", a.severity_rank,
                                                                      len(a.subjects)))
    screen = next(s.name for s in screens if top in s.actions)
    who = f" ({_plural(len(top.subjects), 'item')})" if len(top.subjects) > 1 else ""
    return f"{screen}{who}: {top.text}"


def source_urls(rules: Mapping[str, tuple[str, list[Rule]]]) -> dict[tuple[str, str], str]:
    return {(pack, r.id): r.source for pack, (_, items) in rules.items() for r in items}


def confidence_mix(rules: Mapping[str, tuple[str, list[Rule]]]) -> dict[str, dict[str, int]]:
    mix: dict[str, dict[str, int]] = {}
    for pack, (_, items) in rules.items():
        for r in items:
            mix.setdefault(pack, {})
            mix[pack][r.confidence.value] = mix[pack].get(r.confidence.value, 0) + 1
    return mix


def settings_rows(config: Mapping[str, Any] | None) -> list[tuple[str, Shape]]:
    """The settings a council asks about, as exported (before any change), for the snapshot section."""
    if not config:
        return []
    sharing = config.get("sharing") or {}
    rows: list[tuple[str, object, str]] = [
        ("Vendor", config.get("vendor"), "vendor"),
        ("Exported", config.get("exported_at"), "exported"),
        ("National lookup", sharing.get("national_lookup"), ""),
        ("Statewide lookup", sharing.get("statewide_lookup"), ""),
        ("States shared with", sharing.get("shared_states"), ""),
        ("All federal sharing disabled", sharing.get("federal_sharing_disabled"), ""),
        ("Retention", config.get("retention_days"), "retention_days"),
        ("Search reason required", config.get("search_reason_required"), ""),
        ("Partners listed", len(config.get("partners") or []), ""),
        ("User accounts", len(config.get("users") or []), ""),
        ("Hotlists subscribed", [h.get("name") for h in config.get("hotlists") or [] if h.get("subscribed")], ""),
    ]
    out = [(name, shape(value, key)) for name, value, key in rows]
    for net in sharing.get("networks") or []:
        bits = {k: net.get(k) for k in ("national_lookup", "statewide_lookup", "shared_states", "cameras")
                if net.get(k) is not None}
        out.append((f"Network: {net.get('name')}", shape(bits)))
    return out
