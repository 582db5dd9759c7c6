"""A few evidence rows per finding subject, picked in SQL without a single-threaded (numbered) read.

Subjects: federal ``org``, ``immigration`` and ``sweep`` per organisation, ``category`` (vague,
reproductive health) and ``state`` (out-of-state searchers). Each subject's samples are its earliest
searches (by time, then search ID, which is unique across releases), so they can be found without file
order: the main pass already knows each (organisation, reason) group's first search time, and a subject's
earliest ``n`` rows lie in its ``n`` groups that started first. Only those groups' rows are read and
``min_by(..., n)`` keeps each subject's first ``n``; Python sees a handful of rows, never the stream.

With ``--evidence-csv`` the rows come from the evidence pass's numbered table (no read of their own) and
carry their row numbers; without it they come from one parallel, filtered read and are identified by
file, search ID and time (the row numbers are in the evidence CSV).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from configscan.audit.engine import KEPT, Scan, label_sql, rows
from configscan.audit.passes import BY_ORG_REASON

Subject = tuple[str, str | None]
Samples = dict[Subject, list[dict[str, Any]]]
SAMPLED_CATEGORIES = ("vague", "reproductive_health")
PER_KEY = 3  # sample rows per subject


@dataclass(frozen=True)
class Wanted:
    """The organisations that get per-organisation samples (the rest of the subjects follow from labels)."""

    federal: list[str]
    immigration: list[str]
    sweep: list[str]


def _lit(values: list[str]) -> str:
    """An SQL value list; ``(NULL)`` matches nothing, so an empty list is still valid SQL."""
    if not values:
        return "(NULL)"
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values)) + ")"


def _candidates(con: Any, scan: Scan, wanted: Wanted) -> None:
    """Table ``sg``: for each subject, the (organisation, reason) groups of this source its samples can come from.

    A subject's earliest ``n`` rows lie in its ``n`` groups with the earliest first search (ties kept: ``rank``),
    so only those groups are read; sweep and immigration subjects (a few organisations) keep all their groups.
    """
    groups = f"""
        SELECT p.org, p.reason, min(p.first_ts) AS first_ts, sum(p.sweeps) AS sweeps, o.klass, o.state,
               coalesce(c.category, 'vague') AS category
        FROM parts p LEFT JOIN org_class o ON p.org IS NOT DISTINCT FROM o.org
                     LEFT JOIN reason_class c ON p.reason IS NOT DISTINCT FROM c.reason
        WHERE p.src = {scan.src} AND p.gs = {BY_ORG_REASON} AND p.flag = {KEPT} GROUP BY ALL"""
    ranked = [
        f"SELECT 'org' AS k, org AS v, org, reason, first_ts FROM grp WHERE org IN {_lit(wanted.federal)}",
        f"SELECT 'category', category, org, reason, first_ts FROM grp WHERE category IN {SAMPLED_CATEGORIES}",
        "SELECT 'state', coalesce(nullif(state, ''), '??'), org, reason, first_ts FROM grp "
        "WHERE klass = 'out_of_state'",
    ]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE sg AS
        WITH grp AS ({groups})
        SELECT k, v, org, reason, false AS sweep_only FROM ({" UNION ALL ".join(ranked)})
        QUALIFY rank() OVER (PARTITION BY k, v ORDER BY coalesce(first_ts, 'infinity'::TIMESTAMP)) <= {PER_KEY}
        UNION ALL
        SELECT 'immigration', org, org, reason, false FROM grp
        WHERE category = 'immigration' AND org IN {_lit(wanted.immigration)}
        UNION ALL
        SELECT 'sweep', org, org, reason, true FROM grp WHERE sweeps > 0 AND org IN {_lit(wanted.sweep)}""")


def from_relation(con: Any, scan: Scan, relation: str, wanted: Wanted, threshold: int, numbered: bool) -> Samples:
    """Each subject's earliest ``PER_KEY`` rows (by time, then ID) in ``relation`` (rows of ``scan`` with ``flag``,
    and ``rn`` when ``numbered``: then the samples carry row numbers; otherwise the ``row`` key is left out)."""
    _candidates(con, scan, wanted)
    ident = "coalesce(r.uid::VARCHAR, r.id_raw)"
    row = f"'row': r.rn - 1 + {scan.row_offset}, " if numbered else ""
    found: Samples = {}
    for kind, key, picked in con.execute(f"""
            SELECT s.k, s.v, min_by({{'file': {label_sql(scan)}, {row}'ID': {ident},
                                      'time': coalesce(strftime(r.ts, '%Y-%m-%d %H:%M:%S'), r.ts_raw),
                                      'org': r.org, 'reason': r.reason, 'networks': r.networks}},
                                     {{'t': coalesce(r.ts, 'infinity'::TIMESTAMP), 'i': coalesce({ident}, '')}},
                                     {PER_KEY})
            FROM ({relation}) r
                 JOIN sg s ON r.org IS NOT DISTINCT FROM s.org AND r.reason IS NOT DISTINCT FROM s.reason
            WHERE r.flag = {KEPT} AND (NOT s.sweep_only OR r.networks >= {int(threshold)})
            GROUP BY ALL""").fetchall():
        found[(kind, key)] = list(picked)
    con.execute("DROP TABLE sg")
    return found


def merge(into: Samples, more: Samples) -> None:
    """Add a later source's samples after the earlier ones', up to ``PER_KEY`` per subject."""
    for subject, picked in more.items():
        have = into.setdefault(subject, [])
        have.extend(picked[:max(0, PER_KEY - len(have))])


def collect(con: Any, scans: list[Scan], wanted: Wanted, threshold: int) -> Samples:
    """Samples from one parallel read per source, filtered to the candidate groups (no row numbers)."""
    found: Samples = {}
    for scan in scans:
        merge(found, from_relation(con, scan, rows(scan), wanted, threshold, numbered=False))
    return found
