"""Each owner's facts for the organisations its findings may name, and tallies for all of them.

A finding names every federal searcher and, of each group it counts, the busiest few (``findings.facts``: the
top 20 of a state's or class's searchers, the top 25 + 20 by immigration reasons, the top 25 by sweeps). At
100 M national searches the owners had 20 M (owner, searcher) pairs; reading each pair's facts into Python
was most of the run. Here, a span of owners at a time, the engine groups each pair's figures once, counts
every group (:mod:`configscan.audit.findings.tally`) and picks the pairs that are in some group's top;
only those pairs' facts are read (``aggregate``'s query, restricted to them).

The top is taken in the findings' own order (figure, largest first, then the organisation's text, a blank one
as ""), so the organisations named are exactly those the complete facts would name: the engine compares text
byte by byte, which for UTF-8 is Python's order by code point. ``complete=True`` reads every pair, and the
owner's findings count them in Python, as one log's are (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configscan.audit.findings.facts import LISTED_BY_SEARCHES, MAX_IMMIGRATION_FINDINGS, MAX_SWEEP_FINDINGS, TOP
from configscan.audit.findings.tally import FIGURES, Tallies, Tally, ordered
from configscan.audit.passes import aggregate

SPAN_ROWS = 1_000_000  # rows of ``gx`` per span of owners (about as many (owner, searcher) pairs grouped at once)

# How many of each figure's organisations findings may name, the busiest first (per owner; "searches": per
# owner, searcher class and state, of the classes findings list by searches). Every federal one besides.
_NAMED = {"searches": TOP, "immigration": MAX_IMMIGRATION_FINDINGS + TOP, "immigration_agency": TOP,
          "vague": TOP, "reproductive": TOP, "sweeps": MAX_SWEEP_FINDINGS, "deep": TOP, "moderated": TOP}

# Each (owner, searcher)'s figures in a span of owners. ``by_org_month`` has one row per pair in corpus mode
# (``owners._by_owner_searcher``); ``gx`` one per pair and reason class. A searcher's name, class and state
# follow from the pair (its key; the class is judged per owner's state).
_PAIRS = """
    CREATE OR REPLACE TEMP TABLE span_pairs AS
    SELECT x.*, coalesce(m.sweeps, 0) AS sweeps, coalesce(m.deep, 0) AS deep,
           coalesce(m.moderated, 0) AS moderated, m.max_back, m.deep_first, m.deep_last, m.mod_min, m.mod_max
    FROM (SELECT owner, ho, org, klass, nullif(state, '') AS state, sum(n)::BIGINT AS searches,
                 coalesce(sum(n) FILTER (category = 'immigration_purpose'), 0)::BIGINT AS immigration,
                 coalesce(sum(n) FILTER (agency IS NOT NULL), 0)::BIGINT AS immigration_agency,
                 coalesce(sum(n) FILTER (agency IS NOT NULL AND category = 'immigration_agency'), 0)::BIGINT
                     AS agency_only,
                 coalesce(sum(n) FILTER (category = 'vague'), 0)::BIGINT AS vague,
                 coalesce(sum(n) FILTER (category = 'reproductive_health'), 0)::BIGINT AS reproductive
          FROM gx WHERE owner BETWEEN {lo} AND {hi} GROUP BY owner, ho, org, klass, state) x
    LEFT JOIN (SELECT * FROM by_org_month WHERE owner BETWEEN {lo} AND {hi}) m
           ON m.owner = x.owner AND m.ho IS NOT DISTINCT FROM x.ho"""


_NO_KEY = "0::UBIGINT"  # a blank searcher's key (NULL) where keys are compared: a hash of 0 would only add a pair


def _top(figure: str, limit: int) -> str:
    """The keys of a group's busiest ``limit`` organisations by ``figure``, in the findings' order ([] if none)."""
    return (f"coalesce(min_by(coalesce(ho, {_NO_KEY}), (-{figure}, coalesce(org, '')), {limit}) "
            f"FILTER ({figure} > 0), [])")


def _groups_sql() -> str:
    """Per (owner, class, state): each figure's organisations and sum."""
    counts = ", ".join(f"count_if({f} > 0), coalesce(sum({f}), 0)::BIGINT" for f in FIGURES)
    return f"SELECT owner, klass, state, {counts} FROM span_pairs GROUP BY ALL ORDER BY ALL"


def _named_sql() -> str:
    """``named`` (owner, hk): the pairs some finding may name: every federal searcher, the busiest of each
    class and state by searches, and the busiest by each other figure."""
    tops = ", ".join(_top(f, n) for f, n in _NAMED.items() if f != "searches")
    return f"""
        CREATE OR REPLACE TEMP TABLE named AS
        SELECT DISTINCT owner, unnest(keys) AS hk FROM (
            SELECT owner, {_top("searches", _NAMED["searches"])} AS keys FROM span_pairs
            WHERE klass IN {LISTED_BY_SEARCHES} GROUP BY owner, klass, state
            UNION ALL
            SELECT owner, flatten([coalesce(list(coalesce(ho, {_NO_KEY})) FILTER (klass = 'federal'), []), {tops}])
            FROM span_pairs GROUP BY owner)"""


# Per owner, the figures that are not sums.
_EXTREMES = """
    SELECT owner, max(max_back) FILTER (deep > 0), min(deep_first) FILTER (deep > 0),
           max(deep_last) FILTER (deep > 0), list(mod_min) FILTER (moderated > 0 AND mod_min <> ''),
           list(mod_max) FILTER (moderated > 0 AND mod_max <> '')
    FROM span_pairs GROUP BY owner"""


def owner_facts(con: Any, complete: bool = False,
                ) -> Iterator[tuple[int, dict[str | None, aggregate.OrgFacts], Tallies]]:
    """Each owner some search belongs to, in owner order: the facts of the organisations its findings may name
    (``complete``: of all) and its tallies. A span of owners is read at a time (never all held)."""
    for lo, hi in aggregate.spans(con, "owner", SPAN_ROWS):
        con.execute(_PAIRS.format(lo=lo, hi=hi))
        tallies: dict[int, Tallies] = {}
        for row in con.execute(_groups_sql()).fetchall():
            tally = tallies.setdefault(int(row[0]), Tallies(complete=complete))
            for i, figure in enumerate(FIGURES):
                if row[3 + 2 * i]:
                    tally.groups[(figure, str(row[1]), row[2])] = Tally(int(row[3 + 2 * i]), int(row[4 + 2 * i]))
        for owner, longest, first, last, low, high in con.execute(_EXTREMES).fetchall():
            tally = tallies[int(owner)]
            tally.max_lookback_days, tally.deep_first, tally.deep_last = longest, first, last
            tally.moderation_values = tuple(sorted(set(low or ()) | set(high or ())))
        rules = con.execute(f"SELECT owner, agency, sum(n)::BIGINT FROM gx WHERE owner BETWEEN {lo} AND {hi} "
                            "AND agency IS NOT NULL GROUP BY ALL").fetchall()
        for owner, agency, n in rules:
            tallies[int(owner)].agency_rules[str(agency)] = int(n)
        where = f"owner BETWEEN {lo} AND {hi}"
        if not complete:
            con.execute(_named_sql())
            where += f" AND (owner, coalesce(ho, {_NO_KEY})) IN (SELECT owner, hk FROM named)"
        read = dict(aggregate.facts_where(con, where, key="owner", org="ho", active="sum(active)"))
        for owner in sorted(tallies):
            tallies[owner].agency_rules = ordered(tallies[owner].agency_rules)
            yield owner, read.get(owner, {}), tallies[owner]
    con.execute("DROP TABLE IF EXISTS span_pairs")
    con.execute("DROP TABLE IF EXISTS named")
