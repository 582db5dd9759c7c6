"""Every owner's searches grouped, for all owners at once, keyed on fixed-width numbers.

Two groupings of each owner's searches (``osearch``), both keyed on numbers: the searcher's key ``ho``
(``org_text``: the hash of its name, or its number should two names share a hash) and the reason's class ``k``
(``class_key``: a small number for each class other than plain "other", which is 0):

* ``by_org_month``, one row per (owner, searcher): its searches, times, widest search, sweeps, months active and
  its searches in each reason category the findings count (immigration, vague, reproductive health, naming an
  immigration agency). Every figure of an owner's findings and totals about a searcher is read from it.
* ``gk``, one row per (owner, reason class), and per searcher too where the class is flagged (an immigration
  purpose or agency): the owners' figures by category, and the rules and agencies a searcher's reasons fired.

At 100 M national searches there are 20 M (owner, searcher) pairs; grouping by (owner, searcher, class) as well
made a third table of about 86 M rows, joined once more to the names (both gone: about 90 s). Keyed on the texts,
groupings this size ran out of 1.5 GB of engine memory, each even alone; keyed on numbers they fit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from configscan.audit.passes import aggregate

# (Counts are ``count(*) FILTER``: ``count_if`` sums, into a 128-bit number, NULL where no row is counted.)
# The reason categories each (owner, searcher) counts (``OrgFacts``'s names); ``agency``: the reason names an
# immigration agency, ``agency_only``: and shows no immigration purpose.
_CATEGORIES = """,
           count(*) FILTER (c.category = 'immigration_purpose') AS immigration,
           count(*) FILTER (c.category = 'vague') AS vague,
           count(*) FILTER (c.category = 'reproductive_health') AS reproductive,
           count(*) FILTER (c.category = 'vague' AND c.rule = 'vague.empty') AS empty,
           count(*) FILTER (c.agency IS NOT NULL) AS immigration_agency,
           count(*) FILTER (c.agency IS NOT NULL AND c.category = 'immigration_agency') AS agency_only"""
_SUMMED = ("immigration", "vague", "reproductive", "empty", "immigration_agency", "agency_only")
# Each (owner, searcher)'s times, widest search and sweeps (``{src}``: its searches, keyed ``{ho}``; ``{group}``:
# further keys), under the columns the audit's per-month table has, with ``active``: the months it searched in.
_PAIRS = """
    SELECT owner, {ho} AS ho, count(*) AS n, min(ts) AS first_ts, max(ts) AS last_ts, max(networks) AS max_net,
           count(*) FILTER (networks >= {threshold}) AS sweeps, count(*) FILTER (ts IS NULL) AS bad_time,
           NULL::INTEGER AS max_dev,
           count(*) FILTER (networks >= {threshold}) AS wide, min(ts) FILTER (networks >= {threshold}) AS wide_first,
           max(ts) FILTER (networks >= {threshold}) AS wide_last, 0::BIGINT AS deep, NULL::DOUBLE AS max_back,
           NULL::TIMESTAMP AS deep_first, NULL::TIMESTAMP AS deep_last, 0::BIGINT AS moderated,
           NULL::VARCHAR AS mod_min, NULL::VARCHAR AS mod_max, {active} AS active{categories}
    FROM {src} GROUP BY owner, {ho}{group}"""
# One bit per month (month 0, the first, to month ``_MAX_MONTH_BITS``), so a pair's months are counted within
# its own group.
_MONTH_BITS = "coalesce(bit_count(bit_or(1::BIGINT << datediff('month', TIMESTAMP '{first}', ts))), 0)"
_MAX_MONTH_BITS = 62


def build(con: Any, threshold: int, hashed: bool = True) -> None:
    """``class_key``, ``class_text``, ``org_text``, ``by_org_month`` and ``gk`` from ``osearch`` and
    ``reason_class`` (``hashed``: a reason's key is the hash of its text, else ``reason_text`` numbers them).

    Every reason must have a class, or its searches would be counted as "other" unseen (raises RuntimeError).
    Both tables are sorted by owner, so a span of owners reads only its own part (zone maps skip the rest)."""
    missing, = con.execute("SELECT (SELECT count(*) FROM reason_text) - count(*) + count(*) FILTER "
                           "(category IS NULL) FROM reason_class").fetchone()
    if missing:
        aggregate.unclassed()
    # The classes other than plain "other" (few reasons, where most are case numbers typed in), numbered;
    # 0 is "other" (a reason not among them).
    con.execute("""
        CREATE OR REPLACE TEMP TABLE class_key AS
        SELECT hr, dense_rank() OVER (ORDER BY category, rule NULLS FIRST, agency NULLS FIRST)::INTEGER AS k,
               category, rule, agency
        FROM (SELECT hr, category, rule, nullif(agency, '') AS agency FROM reason_class
              WHERE category <> 'other' OR rule IS NOT NULL OR nullif(agency, '') IS NOT NULL)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE class_text AS
        SELECT 0 AS k, 'other' AS category, NULL::VARCHAR AS rule, NULL::VARCHAR AS agency
        UNION ALL SELECT DISTINCT k, category, rule, agency FROM class_key""")
    ho, org_join = _org_keys(con)
    hr, reason_join = ("hash(s.reason)", "") if hashed else (
        "t.hr", "JOIN reason_text t ON s.reason IS NOT DISTINCT FROM t.reason")
    searches = f"osearch s {org_join} {reason_join} LEFT JOIN class_key c ON {hr} = c.hr"
    _by_owner_searcher(con, threshold, ho, searches)
    flagged = "coalesce(c.category = 'immigration_purpose' OR c.agency IS NOT NULL, false)"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE gk AS
        SELECT s.owner, coalesce(c.k, 0) AS k, {flagged} AS flagged, CASE WHEN {flagged} THEN {ho} END AS ho,
               count(*) AS n
        FROM {searches} GROUP BY ALL ORDER BY owner""")


def _by_owner_searcher(con: Any, threshold: int, ho: str, searches: str) -> None:
    """``by_org_month``, one row per (owner, searcher) (the aggregates read ``active``, not months): at 100 M
    national searches there are 94 M (owner, searcher, month) groups against 20 M pairs. Where the searches span
    more months than the mask holds, the pairs' months are grouped first and counted."""
    first, span = con.execute("SELECT date_trunc('month', min(ts)), datediff('month', min(ts), max(ts)) "
                              "FROM osearch").fetchone()
    if span is None or span <= _MAX_MONTH_BITS:
        active = _MONTH_BITS.format(first=(first or dt.datetime(2000, 1, 1)).strftime("%Y-%m-%d %H:%M:%S"))
        pairs = _PAIRS.format(ho=ho, threshold=int(threshold), active=active, src=searches, group="",
                              categories=_CATEGORIES)
    else:
        months = searches.replace("osearch s", "(SELECT *, date_trunc('month', ts) AS m FROM osearch) s", 1)
        per_month = _PAIRS.format(ho=ho, threshold=int(threshold), active="(m IS NOT NULL)::INTEGER",
                                  src=months, group=", m", categories=_CATEGORIES)
        sums = "".join(f", sum({c})::BIGINT AS {c}" for c in _SUMMED)
        pairs = f"""
            SELECT owner, ho, sum(n) AS n, min(first_ts) AS first_ts, max(last_ts) AS last_ts,
                   max(max_net) AS max_net, sum(sweeps) AS sweeps, sum(bad_time) AS bad_time, max_dev,
                   sum(wide) AS wide, min(wide_first) AS wide_first, max(wide_last) AS wide_last, deep, max_back,
                   deep_first, deep_last, moderated, mod_min, mod_max, sum(active) AS active{sums}
            FROM ({per_month}) GROUP BY ALL"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE by_org_month AS {pairs} ORDER BY owner")


def _org_keys(con: Any, numbered: bool = False) -> tuple[str, str]:
    """``org_text`` (org, ho): each searcher's key, the hash of its name or, should two names share a hash (or
    ``numbered``), its number; a blank searcher (NULL) has none. Returns the key of a row of ``osearch s`` and
    the join it needs (none when hashed)."""
    con.execute("CREATE OR REPLACE TEMP TABLE org_text AS SELECT org, hash(org) AS ho "
                "FROM (SELECT DISTINCT org FROM osearch WHERE org IS NOT NULL)")
    if not numbered and not con.execute("SELECT count(*) - count(DISTINCT ho) FROM org_text").fetchone()[0]:
        return "CASE WHEN s.org IS NOT NULL THEN hash(s.org) END", ""
    con.execute("CREATE OR REPLACE TEMP TABLE org_text AS "
                "SELECT org, row_number() OVER (ORDER BY org)::UBIGINT AS ho FROM org_text")
    return "o.ho", "LEFT JOIN org_text o ON s.org = o.org"


# Each (owner, searcher) ``{where}`` holds, with its name, class and state (judged per owner's state:
# ``state_class``).
PAIR_CLASSES = """
    SELECT p.*, t.org, coalesce(c.klass, 'redacted') AS klass, nullif(c.state, '') AS state
    FROM by_org_month p JOIN owner_meta m ON p.owner = m.owner::INTEGER LEFT JOIN org_text t ON p.ho = t.ho
    LEFT JOIN state_class c ON c.org IS NOT DISTINCT FROM t.org AND c.owner_state = m.state
    WHERE {where}"""


def totals(con: Any) -> dict[Any, dict[str, Any]]:
    """Each owner's totals (``aggregate.totals_by``'s figures): searches by searcher class from the pairs, by
    reason category from ``gk``."""
    category = "SELECT g.owner, k.category, g.n FROM gk g JOIN class_text k ON g.k = k.k"
    klass = f"SELECT owner, klass, n FROM ({PAIR_CLASSES.format(where='true')})"
    return aggregate.totals_by(con, "owner", org="ho", categories=category, classes=klass)
