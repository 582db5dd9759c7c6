"""A few evidence rows per finding subject, picked in SQL from a read the run already needs or a parallel one.

Subjects: federal ``org``, ``immigration`` and ``sweep`` per organisation, ``category`` (vague,
reproductive health) and ``state`` (out-of-state searchers). Each row's subjects are derived in DuckDB
from the run's small label tables (``org_class``, ``reason_class``), and ``min_by(..., n)`` keeps the
first ``n`` rows of each subject, so Python sees a handful of rows, never the stream.

Which read, and what "first" means:

* with ``--evidence-csv`` the evidence pass already holds each source's rows numbered in file order, so
  the samples are taken from that table (no extra read) and are the first rows in the file, with row
  numbers;
* without it, rows cannot be numbered without a single-threaded ordered read (the cost this module used to
  carry), so the samples come from one parallel, filtered read: the earliest searches (by time, then ID),
  identified by file, search ID and time (the ID is unique across releases); the row numbers are in the
  evidence CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from configscan.audit.engine import KEPT, Scan, label_sql, rows

Subject = tuple[str, str | None]
Samples = dict[Subject, list[dict[str, Any]]]
SAMPLED_CATEGORIES = ("vague", "reproductive_health")


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


def query(scan: Scan, relation: str, wanted: Wanted, threshold: int, per_key: int, numbered: bool) -> str:
    """Per subject, its first ``per_key`` kept rows of ``relation`` (file order if ``numbered``, else time).

    ``relation`` has the shared row shape with ``flag`` (and ``rn`` when ``numbered``).
    """
    category = "coalesce(c.category, 'vague')"  # a reason the classifier never saw counts as vague
    subjects = ", ".join([
        f"CASE WHEN r.org IN {_lit(wanted.federal)} THEN {{'k': 'org', 'v': r.org}} END",
        f"CASE WHEN {category} = 'immigration' AND r.org IN {_lit(wanted.immigration)} "
        "THEN {'k': 'immigration', 'v': r.org} END",
        f"CASE WHEN r.networks >= {int(threshold)} AND r.org IN {_lit(wanted.sweep)} "
        "THEN {'k': 'sweep', 'v': r.org} END",
        f"CASE WHEN {category} IN {SAMPLED_CATEGORIES} THEN {{'k': 'category', 'v': {category}}} END",
        "CASE WHEN oc.klass = 'out_of_state' THEN {'k': 'state', 'v': coalesce(nullif(oc.state, ''), '??')} END",
    ])
    ident = "coalesce(uid::VARCHAR, id_raw)"
    order = "rn" if numbered else f"{{'t': coalesce(ts, 'infinity'::TIMESTAMP), 'i': coalesce({ident}, '')}}"
    row = f"rn - 1 + {scan.row_offset}" if numbered else "NULL::BIGINT"
    return f"""
        SELECT s.k, s.v, min_by(x, ord, {int(per_key)}) FROM (
            SELECT unnest(subs) AS s, {order} AS ord,
                   {{'file': {label_sql(scan)}, 'row': {row}, 'ID': {ident},
                    'time': coalesce(strftime(ts, '%Y-%m-%d %H:%M:%S'), ts_raw), 'org': org, 'reason': reason,
                    'networks': networks}} AS x
            FROM (SELECT r.*, list_filter([{subjects}], lambda e: e IS NOT NULL) AS subs
                  FROM ({relation}) r
                       LEFT JOIN org_class oc ON r.org IS NOT DISTINCT FROM oc.org
                       LEFT JOIN reason_class c ON r.reason IS NOT DISTINCT FROM c.reason
                  WHERE r.flag = {KEPT})
            WHERE len(subs) > 0)
        GROUP BY ALL"""


def from_relation(con: Any, scan: Scan, relation: str, wanted: Wanted, threshold: int, per_key: int,
                  numbered: bool) -> Samples:
    """The samples one relation holds; without row numbers the ``row`` key is left out (not ``null``)."""
    found: Samples = {}
    for kind, key, picked in con.execute(query(scan, relation, wanted, threshold, per_key, numbered)).fetchall():
        found[(kind, key)] = [{k: v for k, v in x.items() if numbered or k != "row"} for x in picked]
    return found


def merge(into: Samples, more: Samples, per_key: int = 3) -> None:
    """Add a later source's samples after the earlier ones', up to ``per_key`` per subject."""
    for subject, picked in more.items():
        have = into.setdefault(subject, [])
        have.extend(picked[:max(0, per_key - len(have))])


def collect(con: Any, scans: list[Scan], wanted: Wanted, threshold: int, per_key: int = 3) -> Samples:
    """Samples from one parallel, filtered read per source (no row numbers: see the module docstring)."""
    found: Samples = {}
    for scan in scans:
        merge(found, from_relation(con, scan, rows(scan), wanted, threshold, per_key, numbered=False), per_key)
    return found
