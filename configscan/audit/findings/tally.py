"""What the findings count over groups of organisations, apart from the organisations they name.

A finding names at most a few dozen organisations (every federal one, the busiest 20 or 25 of a group) and
counts the rest: how many, how many searches, by searcher class. One log has a few thousand organisations and
all of them are read, so its tallies are counted from them (:func:`count`). A camera owner in a national corpus
is searched by thousands, and a corpus has thousands of owners: 20 M (owner, organisation) pairs at 100 M
searches, whose facts took most of a run to read into Python. There the tallies are counted where the data
is (``corpus.named``) and only the organisations a finding may name are read. Both go through the same
findings (``build``), so a corpus owner's findings are those its complete facts would give.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The figures counted per group: ``OrgFacts`` attributes. An organisation is in a figure's group when its
# figure is above zero ("searches": every organisation).
FIGURES = ("searches", "immigration", "immigration_agency", "agency_only", "vague", "reproductive", "sweeps",
           "deep", "moderated")

Key = tuple[str, str, str | None]  # (figure, searcher class, searcher's state or None)


@dataclass(frozen=True, slots=True)
class Tally:
    """A group's organisations and the sum of their figure."""

    orgs: int = 0
    total: int = 0


@dataclass
class Tallies:
    """Every group's tally, by (figure, searcher class, searcher state), and the figures that are not sums.

    ``complete``: every organisation is among the facts' organisations (the findings that compare the log with a
    configuration read each one, and need this)."""

    groups: dict[Key, Tally] = field(default_factory=dict)
    agency_rules: dict[str, int] = field(default_factory=dict)  # immigration agencies named, over all searches
    max_lookback_days: float | None = None  # over the organisations with searches past the retention limit
    deep_first: dt.datetime | None = None
    deep_last: dt.datetime | None = None
    moderation_values: tuple[str, ...] = ()  # sorted, distinct
    complete: bool = True
    # The groups by figure, made on the first question (the groups are filled before any is asked).
    _by_figure: dict[str, list[tuple[str, str | None, Tally]]] | None = field(default=None, repr=False,
                                                                               compare=False)

    def _figure(self, figure: str) -> list[tuple[str, str | None, Tally]]:
        if self._by_figure is None:
            self._by_figure = defaultdict(list)
            for (fig, kls, st), tally in self.groups.items():
                self._by_figure[fig].append((kls, st, tally))
        return self._by_figure.get(figure, [])

    def of(self, figure: str, klass: str | None = None, state: str | None | bool = False) -> Tally:
        """The tally of a figure over every class (``klass`` None) or one, every state (``state`` False) or one."""
        orgs = total = 0
        for kls, st, tally in self._figure(figure):
            if (klass is None or kls == klass) and (state is False or st == state):
                orgs, total = orgs + tally.orgs, total + tally.total
        return Tally(orgs, total)

    def states(self, figure: str, klass: str) -> list[str | None]:
        """The searcher states a class's organisations come from (None: not known)."""
        return sorted({st for kls, st, _ in self._figure(figure) if kls == klass}, key=lambda s: s or "")

    def by_class(self, figure: str) -> dict[str, int]:
        """A figure's sum per searcher class, largest first (ties by class)."""
        out: dict[str, int] = defaultdict(int)
        for kls, _, tally in self._figure(figure):
            out[kls] += tally.total
        return ordered(out)


def ordered(sums: Mapping[str, int]) -> dict[str, int]:
    """Nonzero sums, largest first, ties by key: the order a report lists classes in."""
    return {k: v for k, v in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0])) if v}


def count(orgs: Mapping[str | None, Any], searchers: Mapping[str | None, Any]) -> Tallies:
    """The tallies of organisations all at hand (``OrgFacts`` by organisation, with their ``Searcher``)."""
    groups: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    rules: dict[str, int] = defaultdict(int)
    deep: list[Any] = []
    values: set[str] = set()
    for org, facts in orgs.items():
        searcher = searchers[org]
        for figure in FIGURES:
            value = getattr(facts, figure)
            if value:
                tally = groups[(figure, searcher.klass, searcher.state or None)]
                tally[0], tally[1] = tally[0] + 1, tally[1] + value
        for rule, n in facts.agency_rules.items():
            rules[rule] += n
        if facts.deep:
            deep.append(facts)
        if facts.moderated:
            values.update(facts.moderation_values)
    return Tallies(
        groups={key: Tally(n, total) for key, (n, total) in groups.items()}, agency_rules=ordered(rules),
        max_lookback_days=max((f.max_lookback_days for f in deep if f.max_lookback_days is not None), default=None),
        deep_first=min((f.deep_first for f in deep if f.deep_first), default=None),
        deep_last=max((f.deep_last for f in deep if f.deep_last), default=None),
        moderation_values=tuple(sorted(values)))
