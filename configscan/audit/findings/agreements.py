"""Searches by agencies with a 287(g) agreement: counted for every organisation in the log, not only the
organisations the report lists, so a quiet in-state 287(g) partner is never left out of the count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from configscan.partners.g287 import AgreementSearches, Roster


def agreement_searches(roster: Roster, facts: Mapping[str | None, Any], searchers: Mapping[str | None, Any],
                       ) -> list[AgreementSearches]:
    """``facts``: per-organisation counts (``searches``, ``immigration``); ``searchers``: their verdicts
    (``klass``, ``state``). The agency's own searches and redacted names are not matched."""
    found = []
    for org, fact in facts.items():
        verdict = searchers.get(org)
        if org is None or verdict is None or verdict.klass in ("own", "redacted", "federal"):
            continue
        hit = roster.match(org, verdict.state)
        if hit is not None:
            found.append(AgreementSearches(name=org, listed_as=hit.listed_as, state=hit.state, models=hit.models,
                                           searches=int(fact.searches), immigration=int(fact.immigration)))
    return sorted(found, key=lambda a: (-a.searches, a.name))
