"""Each owner's facts for the organisations its findings may name, and tallies for all of them.

A finding names every federal searcher and, of each group it counts, the busiest few (``findings.facts``: the
top 20 of a state's or class's searchers, the top 25 + 20 by immigration reasons, the top 25 by sweeps). At
100 M national searches the owners had 20 M (owner, searcher) pairs; reading each pair's facts into Python
was most of the run. Here, a span of owners at a time, the engine counts every group from the pairs' figures
(``groups``: one row per pair; :mod:`configscan.audit.findings.tally`) and picks the pairs that are in some
group's top; only those pairs' facts are read.

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
from configscan.corpus.groups import PAIR_CLASSES

SPAN_ROWS = 1_000_000  # (owner, searcher) pairs per span of owners

# How many of each figure's organisations findings may name, the busiest first (per owner; "searches": per
# owner, searcher class and state, of the classes findings list by searches). Every federal one besides.
_NAMED = {"searches": TOP, "immigration": MAX_IMMIGRATION_FINDINGS + TOP, "immigration_agency": TOP,
          "vague": TOP, "reproductive": TOP, "sweeps": MAX_SWEEP_FINDINGS, "deep": TOP, "moderated": TOP}

# Each (owner, searcher) of a span of owners with its figures (``groups``: one row per pair), name, class and
# state; ``searches`` under the name the tallies give it.
_PAIRS = f"""
    CREATE OR REPLACE TEMP TABLE span_pairs AS
    SELECT *, n AS searches FROM ({PAIR_CLASSES.format(where="p.owner BETWEEN {lo} AND {hi}")})"""
# The facts of the pairs ``{where}`` holds, as ``aggregate``'s query gives them (``aggregate.org_fact``'s row):
# the counts from the pair's row, the rules and immigration agencies its reasons fired from ``gk``.
_FACTS = """
    WITH p AS (SELECT * FROM span_pairs WHERE {where}),
    f AS (SELECT g.owner, g.ho, k.category, k.rule, k.agency, g.n FROM gk g JOIN class_text k ON g.k = k.k
          WHERE g.flagged AND g.owner BETWEEN {lo} AND {hi}),
    purposes AS (
        SELECT owner, ho, list((rule, n) ORDER BY rule) AS purposes
        FROM (SELECT owner, ho, rule, sum(n)::BIGINT AS n FROM f WHERE category = 'immigration_purpose' GROUP BY ALL)
        GROUP BY ALL),
    agencies AS (
        SELECT owner, ho, list((agency, n, alone) ORDER BY agency) AS named
        FROM (SELECT owner, ho, agency, sum(n)::BIGINT AS n,
                     sum(n) FILTER (category = 'immigration_agency')::BIGINT AS alone
              FROM f WHERE agency IS NOT NULL GROUP BY ALL) GROUP BY ALL)
    SELECT p.owner, p.org, u.purposes, a.named, p.mod_min, p.mod_max, p.n, p.first_ts, p.last_ts, p.max_net,
           p.sweeps, p.immigration, p.vague, p.reproductive, p.empty, p.active, p.max_dev, p.wide, p.wide_first,
           p.wide_last, p.deep, p.max_back, p.deep_first, p.deep_last, p.moderated
    FROM p LEFT JOIN purposes u ON u.owner = p.owner AND u.ho IS NOT DISTINCT FROM p.ho
    LEFT JOIN agencies a ON a.owner = p.owner AND a.ho IS NOT DISTINCT FROM p.ho
    ORDER BY p.owner, p.org"""


_NO_KEY = "0::UBIGINT"  # a blank searcher's key (NULL) where keys are compared: a hash of 0 would only add a pair


def _top(figure: str, limit: int) -> str:
    """The keys of a group's busiest ``limit`` organisations by ``figure``, in the findings' order ([] if none)."""
    return (f"coalesce(min_by(coalesce(ho, {_NO_KEY}), (-{figure}, coalesce(org, '')), {limit}) "
            f"FILTER ({figure} > 0), [])")


def _groups_sql() -> str:
    """Per (owner, class, state): each figure's organisations and sum."""
    counts = ", ".join(f"count(*) FILTER ({f} > 0), coalesce(sum({f}), 0)::BIGINT" for f in FIGURES)
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
    for lo, hi in spans(con, SPAN_ROWS):
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
        rules = con.execute(f"SELECT g.owner, k.agency, sum(g.n)::BIGINT FROM gk g JOIN class_text k ON g.k = k.k "
                            f"WHERE g.owner BETWEEN {lo} AND {hi} AND k.agency IS NOT NULL GROUP BY ALL").fetchall()
        for owner, agency, n in rules:
            tallies[int(owner)].agency_rules[str(agency)] = int(n)
        where = "true"
        if not complete:
            con.execute(_named_sql())
            where = f"(owner, coalesce(ho, {_NO_KEY})) IN (SELECT owner, hk FROM named)"
        read: dict[int, dict[str | None, aggregate.OrgFacts]] = {}
        for row in con.execute(_FACTS.format(where=where, lo=lo, hi=hi)).fetchall():
            read.setdefault(int(row[0]), {})[row[1]] = aggregate.org_fact(row)
        for owner in sorted(tallies):
            tallies[owner].agency_rules = ordered(tallies[owner].agency_rules)
            yield owner, read.get(owner, {}), tallies[owner]
    con.execute("DROP TABLE IF EXISTS span_pairs")
    con.execute("DROP TABLE IF EXISTS named")


def spans(con: Any, rows: int) -> list[tuple[int, int]]:
    """Consecutive ranges of owners, each holding about ``rows`` (owner, searcher) pairs (an owner with more is
    a range of its own), so that a national corpus's thousands of owners are never all held at once, in Python
    or in the engine."""
    out: list[list[int]] = []
    held = rows
    for value, count in con.execute("SELECT owner, count(*) FROM by_org_month GROUP BY 1 ORDER BY 1").fetchall():
        if held + count > rows:
            out.append([value, value])
            held = 0
        out[-1][1], held = value, held + count
    return [(lo, hi) for lo, hi in out]
