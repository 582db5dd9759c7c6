"""What an audit log showed, ready for the rules (``AuditFacts``), and how every audit finding shapes its
evidence: first and last seen, sample rows, a pointer into the evidence CSV, the top organisations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from configscan.audit.findings.searchers import Searcher
from configscan.audit.findings.tally import Tallies, Tally
from configscan.audit.findings.tally import count as count_all
from configscan.audit.passes.aggregate import OrgFacts
from configscan.jurisdictions.loader import AppliedRule

Samples = dict[tuple[str, str | None], list[dict[str, Any]]]  # (kind, key) -> a few evidence rows
MAX_SWEEP_FINDINGS = 25
MAX_IMMIGRATION_FINDINGS = 25
TOP = 20
# The searcher classes whose organisations findings list by searches, the busiest TOP of each (of each state:
# ``build.out_of_state``; ``build.unplaced``).
LISTED_BY_SEARCHES = ("out_of_state", "unclassified", "state_unknown", "redacted")


@dataclass(frozen=True)
class AuditFacts:
    """What the log showed, ready for the rules: per-organisation numbers and the searcher verdicts."""

    orgs: dict[str | None, OrgFacts]
    searchers: dict[str | None, Searcher]
    threshold: int
    evidence_csv: str | None = None
    wide_devices: int = 20000  # cameras per search that prove national lookup
    retention: tuple[float, AppliedRule] | None = None  # the strictest retention limit (days, rule)
    # Group counts taken where the data is, when ``orgs`` holds only the organisations findings may name (a corpus
    # owner's); None: ``orgs`` holds every organisation, and they are counted from it.
    tallies: Tallies | None = None

    @cached_property
    def counts(self) -> Tallies:
        """The groups' tallies (``tally``): given, or counted from every organisation."""
        return self.tallies if self.tallies is not None else count_all(self.orgs, self.searchers)

    def complete(self) -> None:
        """Raise ValueError unless every organisation is at hand: a finding reading each one (comparing the log
        with a configuration) would miss those not named."""
        if not self.counts.complete:
            raise ValueError("these findings need every organisation's facts, and only the named ones were read")

    @cached_property
    def by_class(self) -> dict[str, list[str | None]]:
        """Each searcher class's organisations that searched, busiest first (ties by name): grouped once, as
        several findings ask for a class (a national corpus asks for millions of organisations in all)."""
        out: dict[str, list[str | None]] = {}
        for org, searcher in self.searchers.items():
            if org in self.orgs:
                out.setdefault(searcher.klass, []).append(org)
        for orgs in out.values():
            orgs.sort(key=lambda o: (-self.orgs[o].searches, o or ""))
        return out


def when(f: OrgFacts) -> dict[str, Any]:
    return {"searches": f.searches, "first_seen": f.first_seen.isoformat() if f.first_seen else None,
            "last_seen": f.last_seen.isoformat() if f.last_seen else None, "months_active": f.months,
            "max_networks_searched": f.max_networks}


def top_orgs(facts: AuditFacts, count: Callable[[OrgFacts], int], limit: int) -> list[str | None]:
    """Organisations with a nonzero count, largest first, at most ``limit``."""
    orgs = sorted((o for o, f in facts.orgs.items() if count(f)), key=lambda o: (-count(facts.orgs[o]), o or ""))
    return orgs[:limit]


def org_evidence(facts: AuditFacts, org: str | None, sample: Samples, category: str) -> dict[str, Any]:
    searcher, f = facts.searchers[org], facts.orgs[org]
    evidence: dict[str, Any] = {"organisation": searcher.name, "classified_as": searcher.category,
                                "state": searcher.state, "classified_because": list(searcher.reasons), **when(f)}
    evidence["sample_rows"] = sample.get(("org", org), [])
    evidence["evidence_csv"] = pointer(facts, category)
    return {k: v for k, v in evidence.items() if v is not None}


def pointer(facts: AuditFacts, category: str) -> str:
    if facts.evidence_csv:
        return f"{facts.evidence_csv}, category={category}"
    return "not written (use --evidence-csv)"


def orgs_of(facts: AuditFacts, klass: str) -> list[str | None]:
    """The organisations of a searcher class that searched, busiest first (ties by name)."""
    return list(facts.by_class.get(klass, ()))


def group_evidence(facts: AuditFacts, orgs: list[str | None], category: str, tally: Tally | None = None,
                   ) -> dict[str, Any]:
    """A group of organisations: ``orgs`` (busiest first) are those at hand, ``tally`` counts the whole group
    (None: ``orgs`` is the whole group)."""
    if tally is None:
        tally = Tally(len(orgs), sum(facts.orgs[o].searches for o in orgs))
    return {
        "organisations": tally.orgs,
        "searches": tally.total,
        "top_organisations": {facts.searchers[o].name: facts.orgs[o].searches for o in orgs[:TOP]},
        "evidence_csv": pointer(facts, category),
    }
