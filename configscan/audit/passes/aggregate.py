"""Report aggregates from the main pass's grouped tables: per organisation, per month, per reason category.

Everything here is SQL over the grouped tables (``g``, ``by_org_month``, built by
``load.combine``) joined with two lookup tables (``org_class``: one row per distinct searcher;
``reason_class``: one row per distinct reason), so Python never iterates over rows. Reasons are joined on
their key (``hr``), never on their text: a log of case numbers typed into the reason holds millions of
distinct texts, and only the reasons table reads the texts it shows (``reason_text``).
The report keeps only what fits on a page: flagged organisations and reasons plus the busiest others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from configscan.audit.findings.summary import MonthStat, OrgStat, ReasonStat
from configscan.audit.passes.load import HashCollision

MAX_ORGS = 500
MAX_REASONS = 300
FLAGGED_CATEGORIES = ("immigration_purpose", "immigration_agency", "reproductive_health")


@dataclass(slots=True)
class OrgFacts:
    """Per-organisation numbers the findings need (for every organisation, not only those reported): one per
    (owner, organisation) in a national corpus, millions built in a run, so slotted."""

    searches: int
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None
    max_networks: int | None
    sweeps: int
    immigration: int
    vague: int
    reproductive: int
    empty_reasons: int
    immigration_rules: dict[str, int] = field(default_factory=dict)
    immigration_agency: int = 0  # searches whose reason names an immigration agency, whatever the purpose
    agency_only: int = 0  # of which no immigration purpose shows
    agency_rules: dict[str, int] = field(default_factory=dict)
    months: int = 0
    max_devices: int | None = None  # widest search in cameras (portal cameraCount, Total Devices Searched)
    wide: int = 0  # searches wide enough to prove national lookup (see ``load.wide_sql``)
    wide_first: dt.datetime | None = None
    wide_last: dt.datetime | None = None
    deep: int = 0  # searches whose Time Frame reaches back past the retention limit
    max_lookback_days: float | None = None
    deep_first: dt.datetime | None = None
    deep_last: dt.datetime | None = None
    moderated: int = 0  # rows with a Moderation value
    moderation_values: tuple[str, ...] = ()


def organisations(con: Any) -> list[tuple[str | None, int]]:
    """Distinct organisations with their keys, sorted so reports list ties stably."""
    return [(r[0], int(r[1])) for r in con.execute("SELECT org, ho FROM org_hash ORDER BY 1 NULLS FIRST").fetchall()]


def build_groups(con: Any) -> None:
    """Join the classes onto the groups: ``gcm`` (per organisation, month and reason class), and from it
    ``gx`` (per organisation and reason class: what the facts, totals and samples read; a few thousand rows
    where ``g`` has millions) and the per-month views ``gmo`` and ``gmr`` (read once, by :func:`months`).
    One join of ``g`` serves both: joining the millions of (reason, month) keys a second time cost about 1 s
    at 5 M rows with 96 % distinct reasons.

    A reason key without a class is a fault (raises RuntimeError): counted under no category, its searches
    would vanish from the findings. A key with two classes means two texts share a hash: every row of it
    would count twice, which the sums show (raises ``load.HashCollision``: read again keyed on text).

    (Corpus mode builds its own, one row per owner too: ``corpus.owners``.)
    """
    con.execute("""
        CREATE OR REPLACE TEMP TABLE gcm AS
        SELECT g.ho, g.m, c.category, c.rule, c.agency, sum(g.n) AS n
        FROM g LEFT JOIN reason_class c ON g.hr = c.hr GROUP BY ALL""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE gx AS
        SELECT o.org, x.n, coalesce(o.klass, 'redacted') AS klass, o.state, x.category, x.rule,
               nullif(x.agency, '') AS agency
        FROM (SELECT ho, category, rule, agency, sum(n) AS n FROM gcm GROUP BY ALL) x
        LEFT JOIN org_class o ON x.ho = o.ho""")
    counted, classed, missing = con.execute("SELECT (SELECT sum(n) FROM g), sum(n), count(*) FILTER (category IS NULL) "
                                            "FROM gx").fetchone()
    if missing:
        unclassed()
    if counted != classed:
        raise HashCollision
    con.execute("""
        CREATE OR REPLACE TEMP VIEW gmo AS
        SELECT coalesce(strftime(g.m, '%Y-%m'), 'unknown') AS month, g.n, coalesce(c.klass, 'redacted') AS klass
        FROM by_org_month g LEFT JOIN org_class c ON g.org IS NOT DISTINCT FROM c.org""")
    con.execute("""
        CREATE OR REPLACE TEMP VIEW gmr AS
        SELECT coalesce(strftime(m, '%Y-%m'), 'unknown') AS month, n, category
        FROM (SELECT m, CASE WHEN category LIKE 'offense:%' THEN 'offense' ELSE category END AS category,
                     sum(n) AS n
              FROM gcm GROUP BY ALL)""")


def unclassed() -> NoReturn:
    """A reason key without a class: counted under no category, its searches would vanish from the findings."""
    raise RuntimeError("a reason key has no class (the reason classification missed a reason)")


def org_facts(con: Any) -> dict[str | None, OrgFacts]:
    """Counts by category from ``gx``; times, widest search and sweeps from ``by_org_month``."""
    return next((facts for _, facts in facts_where(con)), {})


# Organisations' facts in one query (``{key}``: the column facts are kept apart by, or NULL; ``{where}``: which
# of its values; ``{org}``: the column organisations are told apart by, their text or, in corpus mode, their
# key, which is all ``by_org_month`` holds there), ordered by that column, so many agencies' facts come out one
# agency at a time. The rules an organisation's reasons fired come as lists, ordered, so every page lists them
# the same way. Sums are cast to BIGINT: the engine's sums are 128-bit, which reach Python five times slower
# (2 M organisations: 7 s).
_FACTS = """
    WITH base AS (SELECT {key} AS who, {org} AS o, org, category, rule, agency, sum(n)::BIGINT AS n FROM gx
                  WHERE {where} GROUP BY ALL),
    counts AS (
        SELECT who, o, org, sum(n)::BIGINT AS n,
               sum(n) FILTER (category = 'immigration_purpose')::BIGINT AS immigration,
               sum(n) FILTER (category = 'vague')::BIGINT AS vague,
               sum(n) FILTER (category = 'reproductive_health')::BIGINT AS health,
               sum(n) FILTER (category = 'vague' AND rule = 'vague.empty')::BIGINT AS empty,
               list((rule, n) ORDER BY rule) FILTER (category = 'immigration_purpose') AS purposes
        FROM (SELECT who, o, org, category, rule, sum(n)::BIGINT AS n FROM base GROUP BY ALL) GROUP BY who, o, org),
    agencies AS (
        SELECT who, o, list((agency, n, alone) ORDER BY agency) AS named
        FROM (SELECT who, o, agency, sum(n)::BIGINT AS n,
                     sum(n) FILTER (category = 'immigration_agency')::BIGINT AS alone
              FROM base WHERE agency IS NOT NULL GROUP BY ALL) GROUP BY who, o),
    months AS (
        SELECT {key} AS who, {org} AS o, min(first_ts) AS first_ts, max(last_ts) AS last_ts, max(max_net) AS max_net,
               sum(sweeps)::BIGINT AS sweeps, {active} AS active, max(max_dev) AS max_dev,
               sum(wide)::BIGINT AS wide, min(wide_first) AS wide_first, max(wide_last) AS wide_last,
               sum(deep)::BIGINT AS deep, max(max_back) AS max_back, min(deep_first) AS deep_first,
               max(deep_last) AS deep_last, sum(moderated)::BIGINT AS moderated, min(mod_min) AS mod_min,
               max(mod_max) AS mod_max
        FROM by_org_month WHERE {where} GROUP BY ALL)
    SELECT c.who, c.org, c.purposes, a.named, m.mod_min, m.mod_max,
           c.n, m.first_ts, m.last_ts, m.max_net, coalesce(m.sweeps, 0), coalesce(c.immigration, 0),
           coalesce(c.vague, 0), coalesce(c.health, 0), coalesce(c.empty, 0), coalesce(m.active, 0), m.max_dev,
           coalesce(m.wide, 0), m.wide_first, m.wide_last, coalesce(m.deep, 0), m.max_back, m.deep_first,
           m.deep_last, coalesce(m.moderated, 0)
    FROM counts c LEFT JOIN agencies a ON a.who IS NOT DISTINCT FROM c.who AND a.o IS NOT DISTINCT FROM c.o
    LEFT JOIN months m ON m.who IS NOT DISTINCT FROM c.who AND m.o IS NOT DISTINCT FROM c.o
    ORDER BY c.who, c.org"""


def facts_where(con: Any, where: str = "true", key: str = "NULL::INTEGER", org: str = "org",
                active: str = "count(DISTINCT m)") -> Iterator[tuple[Any, dict[str | None, OrgFacts]]]:
    """:func:`org_facts` of the rows ``where`` holds, for each value of the column ``key`` (every table has it;
    the default: one agency, key None), organisations told apart by the column ``org`` (see ``_FACTS``), their
    months active counted by ``active`` (corpus mode: one row per organisation, with its count), in the order
    of ``key``'s values."""
    who: Any = _NONE
    facts: dict[str | None, OrgFacts] = {}
    for row in con.execute(_FACTS.format(key=key, where=where, org=org, active=active)).fetchall():
        if row[0] != who:
            if who is not _NONE:
                yield who, facts
            who, facts = row[0], {}
        facts[row[1]] = org_fact(row)
    if who is not _NONE:
        yield who, facts


_NONE = object()  # no agency read yet (None is the single agency's key)


def org_fact(row: tuple[Any, ...]) -> OrgFacts:
    """A row of :data:`_FACTS` (its numbers in the order of ``OrgFacts``'s, from ``searches`` on, NULL counts
    already 0) as facts: called once per (agency, organisation), so positional and without conversions."""
    searches, first, last, widest, sweeps, immigration, vague, health, empty, active, devices, wide, wide_first, \
        wide_last, deep, back, deep_first, deep_last, moderated = row[6:]
    fact = OrgFacts(searches, first, last, widest, sweeps, immigration, vague, health, empty, {}, 0, 0, {}, active,
                    devices, wide, wide_first, wide_last, deep, back, deep_first, deep_last, moderated,
                    tuple(sorted({v for v in row[4:6] if v})) if row[4] or row[5] else ())
    if row[2]:
        fact.immigration_rules = {rule: count for rule, count in row[2]}
    for agency, count, only in row[3] or ():
        fact.agency_rules[agency] = count
        fact.immigration_agency += count
        fact.agency_only += only or 0
    return fact


def months(con: Any) -> list[MonthStat]:
    out: dict[str, MonthStat] = {}
    for month, category, n in con.execute("SELECT month, category, sum(n) FROM gmr GROUP BY ALL ORDER BY 1, 3 DESC, 2"
                                          ).fetchall():
        stat = out.setdefault(month, MonthStat(month=month, searches=0))
        stat.searches += int(n)
        stat.by_category[category] = int(n)
    for month, klass, n in con.execute("SELECT month, klass, sum(n) FROM gmo GROUP BY ALL").fetchall():
        if klass == "federal":
            out[month].federal = int(n)
        elif klass == "out_of_state":
            out[month].out_of_state = int(n)
    return [out[m] for m in sorted(out)]


def totals(con: Any) -> dict[str, Any]:
    return totals_by(con).get(None, _totals((None,) * 12, {}, {}))


def totals_by(con: Any, per: str | None = None, org: str = "org", categories: str = "SELECT * FROM gx",
              classes: str = "SELECT * FROM gx") -> dict[Any, dict[str, Any]]:
    """:func:`totals` for each value of the column ``per`` (None: one agency, key None), organisations told
    apart by the column ``org`` of ``by_org_month`` (see ``_FACTS``); searches by reason category and by
    searcher class from the queries ``categories`` (``per``, category, n) and ``classes`` (``per``, klass, n)."""
    key = f"{per}, " if per else "NULL, "
    group = f"GROUP BY {per}" if per else ""
    rows = con.execute(f"""
        SELECT {key}sum(n), min(first_ts), max(last_ts), max(max_net), sum(sweeps), sum(bad_time),
               count(DISTINCT {org}), max(max_dev), sum(wide), sum(deep), max(max_back), sum(moderated)
        FROM by_org_month {group}""").fetchall()
    by_category: dict[Any, dict[str, int]] = {}
    by_searcher: dict[Any, dict[str, int]] = {}
    for table, column, source in ((by_category, "category", categories), (by_searcher, "klass", classes)):
        for who, value, n in con.execute(f"SELECT {key}{column}, sum(n) FROM ({source}) GROUP BY ALL "
                                         "ORDER BY 3 DESC, 2").fetchall():
            table.setdefault(who, {})[value] = int(n)
    return {row[0]: _totals(row[1:], by_category.get(row[0], {}), by_searcher.get(row[0], {})) for row in rows}


def _totals(row: tuple[Any, ...], by_category: dict[str, int], by_searcher: dict[str, int]) -> dict[str, Any]:
    return {
        "searches": int(row[0] or 0), "first_seen": row[1], "last_seen": row[2], "max_networks": row[3],
        "sweeps": int(row[4] or 0), "times_unreadable": int(row[5] or 0), "orgs_total": int(row[6] or 0),
        "max_devices": row[7], "wide_searches": int(row[8] or 0), "lookback_past_limit": int(row[9] or 0),
        "max_lookback_days": round(float(row[10]), 1) if row[10] is not None else None,
        "moderated": int(row[11] or 0), "by_category": by_category, "by_searcher": by_searcher,
    }


def reasons(con: Any) -> list[ReasonStat]:
    """The reasons table: flagged reasons first, then by searches, ties by text.

    One top-N over ``reason_text``, which already counts each reason's searches; the flagged reasons are
    few, a set looked up by key. Classes and the distinct named organisations per reason (a blank
    organisation is not one; ``g`` may hold an organisation and reason once per source) are fetched for the
    shown rows only."""
    flagged = f"SELECT hr FROM reason_class WHERE category IN {FLAGGED_CATEGORIES}"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE rtop AS
        SELECT hr, reason, n, hr IN ({flagged}) AS flagged FROM reason_text
        ORDER BY flagged DESC, n DESC, reason NULLS FIRST LIMIT {MAX_REASONS}""")
    rows = con.execute("""
        SELECT coalesce(t.reason, ''), c.category,
               CASE WHEN c.agency <> '' AND c.agency <> c.rule THEN c.rule || ' + ' || c.agency ELSE c.rule END AS rule,
               t.n, coalesce(o.orgs, 0)
        FROM rtop t JOIN reason_class c ON t.hr = c.hr
        LEFT JOIN (SELECT hr, count(DISTINCT ho) FILTER (ho IS DISTINCT FROM
                                                         (SELECT ho FROM org_hash WHERE org IS NULL)) AS orgs
                   FROM g WHERE hr IN (SELECT hr FROM rtop) GROUP BY hr) o ON t.hr = o.hr
        ORDER BY t.flagged DESC, t.n DESC, t.reason NULLS FIRST""").fetchall()
    con.execute("DROP TABLE rtop")
    return [ReasonStat(reason=r[0], category=r[1], rule=r[2], searches=int(r[3]), orgs=int(r[4])) for r in rows]


def org_stats(facts: dict[str | None, OrgFacts], verdicts: dict[str | None, Any], flagged: set[str | None],
              ) -> list[OrgStat]:
    """Flagged organisations first, then the busiest others, up to MAX_ORGS."""
    order = sorted(facts, key=lambda o: (o not in flagged, -facts[o].searches, o or ""))
    out = []
    for org in order[:MAX_ORGS]:
        f, v = facts[org], verdicts[org]
        out.append(OrgStat(
            name=v.name, category=v.category if v.klass not in ("own", "redacted") else v.klass, state=v.state,
            out_of_state=v.out_of_state, listed_partner=v.listed, searches=f.searches, first_seen=f.first_seen,
            last_seen=f.last_seen, max_networks=f.max_networks, max_devices=f.max_devices, sweeps=f.sweeps,
            immigration=f.immigration,
            vague=f.vague, classified_because=list(v.reasons)))
    return out
