"""Aggregates over the de-duplicated row table: per organisation, per month, per reason category.

Everything here is SQL over the row table joined with two small lookup tables (``org_class``: one row per
distinct searcher; ``reason_class``: one row per distinct reason), so Python never iterates over rows.
The report keeps only what fits on a page: flagged organisations and reasons plus the busiest others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from configscan.audit.summary import MonthStat, OrgStat, ReasonStat

MAX_ORGS = 500
MAX_REASONS = 300
FLAGGED_CATEGORIES = ("immigration", "reproductive_health")


@dataclass
class OrgFacts:
    """Per-organisation numbers the findings need (for every organisation, not only those reported)."""

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
    months: int = 0


def group_rows(con: Any, threshold: int) -> None:
    """The one pass over the rows per (organisation, reason): counts, times, reach, first rows for samples.

    Distinct organisations and reasons for classification come from this small table, not the rows.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE g AS
        SELECT org, reason, count(*) AS n, min(ts) AS first_ts, max(ts) AS last_ts, max(networks) AS max_net,
               count_if(networks >= {int(threshold)}) AS sweeps, count_if(ts IS NULL) AS bad_time,
               min(rowid) AS first_row, min(rowid) FILTER (networks >= {int(threshold)}) AS first_sweep_row
        FROM rows GROUP BY ALL""")


def distinct(con: Any, column: str) -> list[str | None]:
    """Distinct organisations or reasons (from the grouped table)."""
    if column not in ("org", "reason"):
        raise ValueError(column)
    return [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM g").fetchall()]


def build_groups(con: Any) -> None:
    """Join the classes onto the groups (``gx``) and add the per-month tables ``gmo`` and ``gmr``."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE gx AS
        SELECT g.*, coalesce(o.klass, 'redacted') AS klass, o.state, coalesce(c.category, 'vague') AS category,
               c.rule
        FROM g LEFT JOIN org_class o ON g.org IS NOT DISTINCT FROM o.org
               LEFT JOIN reason_class c ON g.reason IS NOT DISTINCT FROM c.reason""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE gmo AS
        SELECT coalesce(strftime(g.m, '%Y-%m'), 'unknown') AS month, g.org, g.n, coalesce(o.klass, 'redacted') AS klass
        FROM (SELECT date_trunc('month', ts) AS m, org, count(*) AS n FROM rows GROUP BY ALL) g
        LEFT JOIN org_class o ON g.org IS NOT DISTINCT FROM o.org""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE gmr AS
        SELECT coalesce(strftime(g.m, '%Y-%m'), 'unknown') AS month, g.n,
               CASE WHEN c.category LIKE 'offense:%' THEN 'offense' ELSE coalesce(c.category, 'vague') END
               AS category
        FROM (SELECT date_trunc('month', ts) AS m, reason, count(*) AS n FROM rows GROUP BY ALL) g
        LEFT JOIN reason_class c ON g.reason IS NOT DISTINCT FROM c.reason""")


def org_facts(con: Any) -> dict[str | None, OrgFacts]:
    facts: dict[str | None, OrgFacts] = {}
    for row in con.execute("""
            SELECT org, sum(n), min(first_ts), max(last_ts), max(max_net), sum(sweeps),
                   sum(n) FILTER (category = 'immigration'), sum(n) FILTER (category = 'vague'),
                   sum(n) FILTER (category = 'reproductive_health'),
                   sum(n) FILTER (category = 'vague' AND rule = 'vague.empty')
            FROM gx GROUP BY org""").fetchall():
        facts[row[0]] = OrgFacts(int(row[1]), row[2], row[3], row[4], int(row[5] or 0), int(row[6] or 0),
                                 int(row[7] or 0), int(row[8] or 0), int(row[9] or 0))
    for org, rule, n in con.execute("""
            SELECT org, rule, sum(n) FROM gx WHERE category = 'immigration' GROUP BY ALL""").fetchall():
        facts[org].immigration_rules[rule] = int(n)
    for org, active in con.execute("SELECT org, count(DISTINCT month) FROM gmo GROUP BY org").fetchall():
        facts[org].months = int(active)
    return facts


def months(con: Any) -> list[MonthStat]:
    out: dict[str, MonthStat] = {}
    for month, category, n in con.execute("SELECT month, category, sum(n) FROM gmr GROUP BY ALL ORDER BY 1, 3 DESC"
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
    row = con.execute("""
        SELECT sum(n), min(first_ts), max(last_ts), max(max_net), sum(sweeps), sum(bad_time), count(DISTINCT org)
        FROM gx""").fetchone()
    by_category = dict(con.execute("SELECT category, sum(n) FROM gx GROUP BY 1 ORDER BY 2 DESC").fetchall())
    by_searcher = dict(con.execute("SELECT klass, sum(n) FROM gx GROUP BY 1 ORDER BY 2 DESC").fetchall())
    return {
        "searches": int(row[0] or 0), "first_seen": row[1], "last_seen": row[2], "max_networks": row[3],
        "sweeps": int(row[4] or 0), "times_unreadable": int(row[5] or 0), "orgs_total": int(row[6] or 0),
        "by_category": {k: int(v) for k, v in by_category.items()},
        "by_searcher": {k: int(v) for k, v in by_searcher.items()},
    }


def reasons(con: Any) -> list[ReasonStat]:
    rows = con.execute(f"""
        SELECT coalesce(reason, ''), category, rule, sum(n) AS searches, count(DISTINCT org),
               category IN {FLAGGED_CATEGORIES} AS flagged
        FROM gx GROUP BY reason, category, rule
        ORDER BY flagged DESC, searches DESC LIMIT {MAX_REASONS}""").fetchall()
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
            last_seen=f.last_seen, max_networks=f.max_networks, sweeps=f.sweeps, immigration=f.immigration,
            vague=f.vague, classified_because=list(v.reasons)))
    return out


_SAMPLE_COLUMNS = """s.label, r.rowid - s.first_rowid + s.row_offset, coalesce(r.uid::VARCHAR, r.id_raw),
    coalesce(strftime(r.ts, '%Y-%m-%d %H:%M:%S'), r.ts_raw), r.org, r.reason, r.networks"""
_SAMPLE_KEYS = ("file", "row", "ID", "time", "org", "reason", "networks")


def samples(con: Any, wanted: dict[str, list[str | None]], per_key: int = 3,
            ) -> dict[tuple[str, str | None], list[dict[str, Any]]]:
    """A few evidence rows per finding subject: the first row of its first groups, fetched in one query.

    ``wanted`` maps a kind (``org``, ``immigration``, ``sweep``) to the organisations that need samples;
    the kinds ``category`` (vague, reproductive health) and ``state`` (out-of-state searchers) are taken
    for every key. Rows are located by rowid from the grouped table, so the rows are read once, by id.
    """
    picks = {
        "org": ("org", "first_row", "org IN (SELECT unnest(?::VARCHAR[]))"),
        "immigration": ("org", "first_row", "category = 'immigration' AND org IN (SELECT unnest(?::VARCHAR[]))"),
        "sweep": ("org", "first_sweep_row", "first_sweep_row IS NOT NULL AND org IN (SELECT unnest(?::VARCHAR[]))"),
        "category": ("category", "first_row", "category IN ('vague', 'reproductive_health')"),
        "state": ("state", "first_row", "klass = 'out_of_state'"),
    }
    keyed: dict[int, list[tuple[str, str | None]]] = {}
    for kind, (key, row, where) in picks.items():
        params: list[Any] = []
        if "?" in where:
            orgs = [o for o in wanted.get(kind, []) if o is not None]
            if not orgs:
                continue
            params = [orgs]
        for value, rowid in con.execute(f"""
                SELECT {key}, {row} FROM gx WHERE {where}
                QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY {row}) <= {int(per_key)}""",
                                        params).fetchall():
            keyed.setdefault(int(rowid), []).append((kind, value))
    found: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    if not keyed:
        return found
    rows = con.execute(f"""
        SELECT r.rowid, {_SAMPLE_COLUMNS} FROM rows r JOIN src_info s ON r.src = s.src
        WHERE r.rowid IN (SELECT unnest(?::BIGINT[])) ORDER BY r.rowid""", [sorted(keyed)]).fetchall()
    for row in rows:
        for subject in keyed[int(row[0])]:
            found.setdefault(subject, []).append(dict(zip(_SAMPLE_KEYS, row[1:], strict=True)))
    return found
