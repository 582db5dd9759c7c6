"""A few evidence rows per finding subject, found by a filtered, numbered read that stops when it has them.

The main pass keeps no rows, so the sample rows (file, row number, ID, time, organisation, reason) come
from a second read restricted to flagged rows. Row numbers need an order-preserving read, which is
single-threaded; the results are streamed and the read is abandoned as soon as every subject has its
samples, so its cost depends on how far into the files the rarest subject first appears, not on their size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from configscan.audit.engine import KEPT, Scan, label_sql, rows

Subject = tuple[str, str | None]
Samples = dict[Subject, list[dict[str, Any]]]
KEYS = ("file", "row", "ID", "time", "org", "reason", "networks")
SAMPLED_CATEGORIES = ("vague", "reproductive_health")
_BATCH = 4096


def quotas(con: Any, wanted: dict[str, list[str | None]], per_key: int) -> dict[Subject, int]:
    """How many samples each subject can have: ``per_key``, or fewer when it has fewer rows."""
    need: dict[Subject, int] = {}
    for kind, column in (("org", "sum(n)"), ("immigration", "sum(n) FILTER (category = 'immigration')"),
                         ("sweep", "sum(sweeps)")):
        orgs = [o for o in wanted.get(kind, []) if o is not None]
        if orgs:
            for org, n in con.execute(f"SELECT org, {column} FROM gx WHERE org IN (SELECT unnest(?::VARCHAR[])) "
                                      "GROUP BY org", [orgs]).fetchall():
                if n:
                    need[(kind, org)] = min(per_key, int(n))
    for category, n in con.execute("SELECT category, sum(n) FROM gx WHERE category IN "
                                   f"{SAMPLED_CATEGORIES} GROUP BY 1").fetchall():
        need[("category", category)] = min(per_key, int(n))
    for state, n in con.execute("SELECT coalesce(state, '??'), sum(n) FROM gx WHERE klass = 'out_of_state' "
                                "GROUP BY 1").fetchall():
        need[("state", state)] = min(per_key, int(n))
    return need


def _query(scan: Scan, orgs: Sequence[str]) -> str:
    org_list = "[" + ", ".join("'" + o.replace("'", "''") + "'" for o in orgs) + "]"
    # Sweep and immigration subjects are organisations too, so the organisation list covers them.
    return f"""
        SELECT {label_sql(scan)}, r.rn - 1 + {scan.row_offset}, coalesce(r.uid::VARCHAR, r.id_raw),
               coalesce(strftime(r.ts, '%Y-%m-%d %H:%M:%S'), r.ts_raw), r.org, r.reason, r.networks,
               o.klass, coalesce(o.state, '??'), coalesce(c.category, 'vague')
        FROM ({rows(scan, numbered=True)}) r
             LEFT JOIN org_class o ON r.org IS NOT DISTINCT FROM o.org
             LEFT JOIN reason_class c ON r.reason IS NOT DISTINCT FROM c.reason
        WHERE r.flag = {KEPT} AND (list_contains({org_list}, r.org) OR o.klass = 'out_of_state'
              OR coalesce(c.category, 'vague') IN {SAMPLED_CATEGORIES})"""


def _subjects(row: tuple[Any, ...], wanted: dict[str, set[str | None]], threshold: int) -> list[Subject]:
    org, networks, klass, state, category = row[4], row[6], row[7], row[8], row[9]
    out: list[Subject] = []
    if org in wanted["org"]:
        out.append(("org", org))
    if category == "immigration" and org in wanted["immigration"]:
        out.append(("immigration", org))
    if networks is not None and networks >= threshold and org in wanted["sweep"]:
        out.append(("sweep", org))
    if category in SAMPLED_CATEGORIES:
        out.append(("category", category))
    if klass == "out_of_state":
        out.append(("state", state))
    return out


def collect(con: Any, scans: list[Scan], wanted: dict[str, list[str | None]], threshold: int,
            per_key: int = 3) -> Samples:
    """The first rows (file order) of each subject: federal ``org``, ``immigration`` and ``sweep`` per
    organisation, ``category`` (vague, reproductive health) and ``state`` (out-of-state searchers)."""
    need = quotas(con, wanted, per_key)
    sets = {kind: set(wanted.get(kind, [])) for kind in ("org", "immigration", "sweep")}
    orgs = sorted({o for kind in sets.values() for o in kind if o is not None})
    found: Samples = {}
    for scan in scans:
        if not need:
            break
        cursor = con.execute(_query(scan, orgs))
        while need:
            batch = cursor.fetchmany(_BATCH)
            if not batch:
                break
            for row in batch:
                for subject in _subjects(row, sets, threshold):
                    if subject in need:
                        found.setdefault(subject, []).append(dict(zip(KEYS, row[:7], strict=True)))
                        need[subject] -= 1
                        if not need[subject]:
                            del need[subject]
    return found
