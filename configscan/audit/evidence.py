"""The evidence CSV: every row behind a finding, once per category it falls in.

Columns: ``file, row, ID, time, org, reason, category, rule, networks``. ``row`` is the record's row
number as a spreadsheet shows it (header = row 1). DuckDB writes the file in one numbered read to a hidden staging
file beside the target; :func:`publish` renames it over the user's path only once the whole run (reports
included) has succeeded, so a failed run never leaves a half-written evidence file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from configscan.audit.engine import KEPT, Scan, base, label_sql, quote, rows

COLUMNS = ("file", "row", "ID", "time", "org", "reason", "category", "rule", "networks")


# Every category a row can fall in, alphabetically: the order a row's categories are written in.
CATEGORIES = ("back_door", "federal_searcher", "immigration", "out_of_state", "reproductive_health", "sweep",
              "unverified_searcher", "vague")
_BIT = {name: 1 << index for index, name in enumerate(CATEGORIES)}
_REASON_CATEGORIES = ("immigration", "reproductive_health", "vague")


def _lookups(con: Any, with_config: bool) -> dict[str, str]:
    """Per distinct organisation and reason, the evidence categories it puts a row in, as a bit mask.

    The rows are then labelled by expressions, not joins: each value is cast to an ENUM of every distinct
    value (a hash lookup; a value outside it would take a slow failure path, so all are included, with
    mask 0 for those in no category) and its code indexes a list of masks. Expressions keep the rows in file order,
    so the file needs no sort (a join's output does not keep order; sorting millions of wide rows cost
    more than everything else here, measured).
    """
    back_door = f"CASE WHEN listed = '0' THEN {_BIT['back_door']} ELSE 0 END" if with_config else "0"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ev_org AS SELECT * FROM (
            SELECT org, CASE klass WHEN 'federal' THEN {_BIT['federal_searcher']}
                                   WHEN 'out_of_state' THEN {_BIT['out_of_state']}
                                   WHEN 'unclassified' THEN {_BIT['unverified_searcher']}
                                   WHEN 'redacted' THEN {_BIT['unverified_searcher']}
                                   WHEN 'state_unknown' THEN {_BIT['unverified_searcher']} ELSE 0 END
                        | {back_door} AS bits
            FROM org_class)""")
    reason_bits = " ".join(f"WHEN '{c}' THEN {_BIT[c]}" for c in _REASON_CATEGORIES)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ev_reason AS
        SELECT reason, CASE category {reason_bits} ELSE 0 END AS bits, rule FROM reason_class""")
    nulls: dict[str, str] = {}
    for kind in ("org", "reason"):
        con.execute(f"DROP TYPE IF EXISTS ev_{kind}_t")
        con.execute(f"CREATE TYPE ev_{kind}_t AS ENUM (SELECT {kind} FROM ev_{kind} WHERE {kind} IS NOT NULL "
                    f"ORDER BY {kind})")
        rule = "rule" if kind == "reason" else "NULL::VARCHAR"
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE ev_{kind}_list AS
            SELECT coalesce(list(bits ORDER BY {kind}) FILTER ({kind} IS NOT NULL), []) AS bits,
                   coalesce(list({rule} ORDER BY {kind}) FILTER ({kind} IS NOT NULL), []) AS rules
            FROM ev_{kind}""")
        bits, rule_of_null = con.execute(f"SELECT max(bits), max({rule}) FROM ev_{kind} WHERE {kind} IS NULL"
                                         ).fetchone()
        nulls[f"{kind}_bits"] = str(int(bits or 0))
        nulls[f"{kind}_rule"] = quote(rule_of_null) if rule_of_null else "NULL"
    return nulls


def _lookup(kind: str, column: str, field: str, when_null: str) -> str:
    """``field`` (bits or rules) of ``column``'s value: the list indexed by its ENUM code; a literal for NULL.

    The list comes from a one-row table joined once (CROSS JOIN), not a subquery per row, and no CASE
    wraps the lookup: both made DuckDB copy the whole list for every row (minutes instead of seconds).
    """
    return (f"coalesce(ev_{kind}.{field}[enum_code(TRY_CAST({column} AS ev_{kind}_t)) + 1], "
            f"if({column} IS NULL, {when_null}, NULL))")


def _rows_of(scan: Scan, threshold: int, table: str, nulls: dict[str, str]) -> str:
    names = "[" + ", ".join(f"'{c}'" for c in CATEGORIES) + "]"
    reason_mask = sum(_BIT[c] for c in _REASON_CATEGORIES)
    return f"""
        SELECT {label_sql(scan)} AS file, rn - 1 + {scan.row_offset} AS row, "ID", time, org, reason,
               CASE WHEN bits & {reason_mask} <> 0 THEN reason_rule END AS rule, networks,
               unnest(list_filter({names}, lambda x, i: (bits >> (i - 1)) & 1 = 1)) AS category
        FROM (SELECT r.rn, coalesce(r.uid::VARCHAR, r.id_raw) AS "ID",
                     coalesce(strftime(r.ts, '%Y-%m-%d %H:%M:%S'), r.ts_raw) AS time, r.org, r.reason, r.networks,
                     {_lookup("reason", "r.reason", "rules", nulls["reason_rule"])} AS reason_rule,
                     coalesce({_lookup("org", "r.org", "bits", nulls["org_bits"])}, 0)
                     | coalesce({_lookup("reason", "r.reason", "bits", nulls["reason_bits"])}, 0)
                     | CASE WHEN r.networks >= {int(threshold)} THEN {_BIT['sweep']} ELSE 0 END AS bits
              FROM {table} r CROSS JOIN ev_org_list ev_org CROSS JOIN ev_reason_list ev_reason
              WHERE r.flag = {KEPT})
        WHERE bits <> 0"""


def _numbered(con: Any, scan: Scan) -> str:
    """The source's flagged rows with their record number ``rn``, over a table loaded for the purpose.

    A parallel, order-preserving load numbers rows by position (``rowid``, taken before any join) and
    lets the joins and the CSV writer that follow run on every core; a streamed ``row_number()`` read
    would keep them all on one.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE ev_rows AS {base(scan)}")
    numbered = "ev_rows" if scan.inner_duplicates else "(SELECT *, rowid + 1 AS rn FROM ev_rows)"
    return f"({rows(scan, over=numbered)})"


def write(con: Any, scans: list[Scan], target: Path, threshold: int, with_config: bool) -> int:
    """Write the evidence CSV to ``target`` (a work-directory path); return the number of rows written.

    A second, numbered read of each source (row numbers need file order), keeping only rows that fall in
    at least one category: the file's size follows the flagged rows, not the input.
    """
    nulls = _lookups(con, with_config)
    path = str(target)
    written = 0
    for index, scan in enumerate(scans):
        query = f"""
            SELECT file, row, "ID", time, org, reason, category,
                   CASE WHEN category IN {_REASON_CATEGORIES} THEN rule END AS rule, networks
            FROM ({_rows_of(scan, threshold, _numbered(con, scan), nulls)})"""
        if scan.dedup:  # de-duplicating joins the rows with earlier sources' IDs, which loses file order
            query += " ORDER BY row, category"
        part = path if len(scans) == 1 else f"{path}.{index}"
        result = con.execute(f"COPY ({query}) TO {quote(part)} (HEADER {str(index == 0).lower()}, DELIMITER ',')"
                             ).fetchone()
        written += int(result[0]) if result else 0
        con.execute("DROP TABLE ev_rows")
    if len(scans) > 1:
        _concatenate(Path(target), len(scans))
    return written


def _concatenate(target: Path, parts: int) -> None:
    """Join the per-source parts (the first has the header) into ``target``, removing them as it goes."""
    with target.open("wb") as out:
        for index in range(parts):
            part = Path(f"{target}.{index}")
            with part.open("rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 20)
            part.unlink()


def staging_path(target: Path) -> Path:
    """Where the evidence is written while the run is in progress: hidden, beside the target.

    Same directory, so publishing is a rename (no copy of a file that can be larger than the input).
    """
    target = Path(target)
    return target.parent / f".{target.name}.partial"


def publish(target: Path) -> None:
    """Rename the finished evidence over ``target`` (atomic on one filesystem)."""
    os.replace(staging_path(target), target)


def discard(target: Path) -> None:
    """Remove a staging file left by a run that did not finish."""
    staging_path(target).unlink(missing_ok=True)
