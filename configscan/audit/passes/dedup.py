"""Searches that several sources share (overlapping monthly releases, stacked exports), counted once.

The main pass reads every source without looking for duplicates. Here each source's IDs are read (a narrow
read of every kept search's ID and a hash of its content, ``ids``), the IDs that occur more than once are
found, and each copy after the first (in source order, then file order) is taken back out:

* When every copy of an ID is the same search (same organisation, reason, time and networks), the copies are
  subtracted: a read of the source restricted to those IDs adds negative counts to ``parts``. First and last
  times and widest searches need no change, since the copy that stays has the same values.
* When copies differ, the source is read again with the duplicates flagged row by row (joins against the
  first source of each ID, the first occurrence kept by row number), which is exact whatever the content.

Either way ``seen_uid``/``seen_raw`` end up holding each duplicated ID's first source, which is what the
evidence pass needs to flag the same rows. Overlaps are small next to the logs, so this costs a fraction of
probing every row against every ID read before it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from configscan.audit.passes.alike import read_ids
from configscan.audit.passes.engine import KEPT, Scan, lookback_sql, rows
from configscan.audit.passes.load import (
    BY_ORG_MONTH,
    BY_ORG_REASON_MONTH,
    BY_REASON,
    aggregate,
    deep_sql,
    reaggregate,
    wide_sql,
)


def resolve(con: Any, scans: list[Scan], threshold: int, hashed: bool, settled: bool = False) -> dict[int, int]:
    """Take duplicate searches back out of ``parts``; return how many were removed per source. ``settled``: the
    main pass read every source in one read and found no ID twice (``alike``), so there is nothing to remove."""
    if settled:
        for scan in scans:
            scan.dedup = False  # later reads need no joins (and keep file order without a sort)
        return {}
    read_ids(con, scans)
    # Candidates by one 64-bit key first (grouping millions of IDs on it is several times cheaper than on
    # the UUID and text pair), then the exact pairs among the few candidates.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE dup AS
        WITH candidates AS (SELECT hash(uid, id_raw) AS h FROM ids GROUP BY 1 HAVING count(*) > 1)
        SELECT uid, id_raw, min(src) AS first_src, min(hc) = max(hc) AS same
        FROM ids WHERE hash(uid, id_raw) IN (SELECT h FROM candidates)
        GROUP BY uid, id_raw HAVING count(*) > 1""")
    con.execute("INSERT INTO seen_uid SELECT uid, first_src FROM dup WHERE uid IS NOT NULL")
    con.execute("INSERT INTO seen_raw SELECT id_raw, first_src FROM dup WHERE id_raw IS NOT NULL")
    # Per source, the copies to take out: every copy after the ID's first source, all but one inside it.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE drops AS
        SELECT i.src, i.uid, i.id_raw, CASE WHEN i.src > d.first_src THEN i.n ELSE i.n - 1 END AS k, d.same,
               i.src = d.first_src AND i.n > 1 AS inner_repeat
        FROM (SELECT i.src, i.uid, i.id_raw, count(*) AS n
              FROM ids i JOIN dup d ON i.uid IS NOT DISTINCT FROM d.uid AND i.id_raw IS NOT DISTINCT FROM d.id_raw
              GROUP BY ALL) i
        JOIN dup d ON i.uid IS NOT DISTINCT FROM d.uid AND i.id_raw IS NOT DISTINCT FROM d.id_raw""")
    con.execute("DROP TABLE ids")  # settled
    plan = {src: (bool(inner), bool(differ)) for src, inner, differ in con.execute(
        "SELECT src, bool_or(inner_repeat), bool_or(NOT same) FROM drops WHERE k > 0 GROUP BY src").fetchall()}
    apart(con, scans, {s.read_with for s in scans if plan.get(s.src, (False, False))[1]}, threshold, hashed)
    removed: dict[int, int] = {}
    for scan in scans:
        inner, differ = plan.get(scan.src, (False, False))
        scan.inner_duplicates = inner  # the evidence pass keeps the first occurrence by row number
        if scan.src not in plan:
            scan.dedup = False  # nothing to drop: later reads need no joins (and keep file order without a sort)
            continue
        if differ:
            removed[scan.src] = reaggregate(con, scan, threshold, hashed)
        else:
            removed[scan.src] = _subtract(con, scan, threshold, hashed)
    con.execute("DROP TABLE drops")
    con.execute("DROP TABLE dup")
    return removed


def apart(con: Any, scans: list[Scan], groups: set[int | None], threshold: int, hashed: bool) -> None:
    """Read the files of each read together in ``groups`` again one by one, each into its own rows of
    ``parts``: a source whose copies differ is read again with its duplicates flagged (``reaggregate``), which
    replaces its own rows, and a read together kept all its files' rows under its first source."""
    for held in sorted(g for g in groups if g is not None):
        con.execute(f"DELETE FROM parts WHERE src = {held}")
        for scan in scans:
            if scan.read_with == held:
                aggregate(con, scan, threshold, hashed)
                scan.read_with = None


def _subtract(con: Any, scan: Scan, threshold: int, hashed: bool) -> int:
    """Add negative counts for this source's extra copies (all copies of an ID are the same search)."""
    plain = rows(replace(scan, dedup=False, inner_duplicates=False), facts=True)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE gone AS
        SELECT any_value(r.org) AS org, any_value(r.reason) AS reason, any_value(r.ts) AS ts,
               any_value(r.networks) AS networks, any_value(d.k) AS k, bool_or({wide_sql(scan, threshold)}) AS wide,
               bool_or({deep_sql(scan)}) AS deep, bool_or(r.moderation IS NOT NULL) AS moderated
        FROM (SELECT *{", " + lookback_sql(scan) + " AS back" if scan.source.layout.column("time_frame") is not None
                        else ""} FROM ({plain})) r
        JOIN (SELECT uid, id_raw, k FROM drops WHERE src = {scan.src} AND k > 0) d
          ON r.uid IS NOT DISTINCT FROM d.uid AND r.id_raw IS NOT DISTINCT FROM d.id_raw
        WHERE r.flag = {KEPT}
        GROUP BY r.uid, r.id_raw""")
    pair = "hash(org), hash(reason), NULL, NULL" if hashed else "NULL, NULL, org, reason"
    con.execute(f"""
        INSERT INTO parts (src, gs, flag, ho, hr, org, reason, m, n)
        SELECT {scan.src}, {BY_ORG_REASON_MONTH}, {KEPT}, {pair}, date_trunc('month', ts) AS m, -sum(k)
        FROM gone GROUP BY ALL""")
    con.execute(f"""
        INSERT INTO parts (src, gs, flag, org, m, n, sweeps, bad_time, wide, deep, moderated)
        SELECT {scan.src}, {BY_ORG_MONTH}, {KEPT}, org, date_trunc('month', ts) AS m, -sum(k),
               -coalesce(sum(k) FILTER (networks >= {int(threshold)}), 0), -coalesce(sum(k) FILTER (ts IS NULL), 0),
               -coalesce(sum(k) FILTER (wide), 0), -coalesce(sum(k) FILTER (deep), 0),
               -coalesce(sum(k) FILTER (moderated), 0)
        FROM gone GROUP BY ALL""")
    con.execute(f"""
        INSERT INTO parts (src, gs, flag, reason, hr, n)
        SELECT {scan.src}, {BY_REASON}, {KEPT}, reason, {"hash(reason)" if hashed else "NULL"}, -sum(k)
        FROM gone GROUP BY reason""")
    dropped = con.execute("SELECT coalesce(sum(k), 0) FROM gone").fetchone()[0]
    con.execute("DROP TABLE gone")
    return int(dropped)
