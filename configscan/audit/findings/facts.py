"""What an audit log showed, ready for the rules (``AuditFacts``), and how every audit finding shapes its
evidence: first and last seen, sample rows, a pointer into the evidence CSV, the top organisations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from configscan.audit.findings.searchers import Searcher
from configscan.audit.passes.aggregate import OrgFacts
from configscan.jurisdictions.loader import AppliedRule

Samples = dict[tuple[str, str | None], list[dict[str, Any]]]  # (kind, key) -> a few evidence rows
MAX_SWEEP_FINDINGS = 25
MAX_IMMIGRATION_FINDINGS = 25
TOP = 20


@dataclass(frozen=True)
class AuditFacts:
    """What the log showed, ready for the rules: per-organisation numbers and the searcher verdicts."""

    orgs: dict[str | None, OrgFacts]
    searchers: dict[str | None, Searcher]
    threshold: int
    evidence_csv: str | None = None
    wide_devices: int = 20000  # cameras per search that prove national lookup
    retention: tuple[float, AppliedRule] | None = None  # the strictest retention limit (days, rule)

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


def group_evidence(facts: AuditFacts, orgs: list[str | None], category: str) -> dict[str, Any]:
    return {
        "organisations": len(orgs),
        "searches": sum(facts.orgs[o].searches for o in orgs),
        "top_organisations": {facts.searchers[o].name: facts.orgs[o].searches for o in orgs[:TOP]},
        "evidence_csv": pointer(facts, category),
    }
