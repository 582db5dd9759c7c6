"""The evidence CSV: every row behind a finding, once per category it falls in.

Columns: ``file, row, ID, time, org, reason, category, rule, networks``. ``row`` is the record's row
number as a spreadsheet shows it (header = row 1). DuckDB writes the file in one numbered read to a hidden staging
file beside the target; :func:`publish` renames it over the user's path only once the whole run (reports
included) has succeeded, so a failed run never leaves a half-written evidence file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from configscan.audit.engine import KEPT, Scan, label_sql, rows

COLUMNS = ("file", "row", "ID", "time", "org", "reason", "category", "rule", "networks")


def _lookups(con: Any, with_config: bool) -> None:
    """Per distinct organisation and reason, the evidence categories it puts a row in (computed once, so
    the per-row work in the single-threaded numbered read is two small hash lookups and a list append).

    Only values with at least one category are kept: a row matching neither table is a sweep or nothing.
    """
    back_door = "CASE WHEN listed = '0' THEN 'back_door' END" if with_config else "NULL"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ev_org AS SELECT * FROM (
            SELECT org, list_filter([CASE WHEN klass = 'federal' THEN 'federal_searcher' END,
                                     CASE WHEN klass = 'out_of_state' THEN 'out_of_state' END,
                                     CASE WHEN klass IN ('unclassified', 'redacted', 'state_unknown')
                                          THEN 'unverified_searcher' END], lambda x: x IS NOT NULL) AS head,
                   list_filter([{back_door}], lambda x: x IS NOT NULL) AS tail
            FROM org_class) WHERE len(head) > 0 OR len(tail) > 0""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ev_reason AS
        SELECT reason, [category] AS cats, rule FROM reason_class
        WHERE category IN ('immigration', 'reproductive_health', 'vague')""")


def _rows_of(scan: Scan, threshold: int) -> str:
    sweep = f"CASE WHEN r.networks >= {int(threshold)} THEN ['sweep'] ELSE [] END"
    return f"""
        SELECT {label_sql(scan)} AS file, r.rn - 1 + {scan.row_offset} AS row,
               coalesce(r.uid::VARCHAR, r.id_raw) AS "ID",
               coalesce(strftime(r.ts, '%Y-%m-%d %H:%M:%S'), r.ts_raw) AS time, r.org, r.reason,
               c.rule AS reason_rule, r.networks,
               unnest(coalesce(c.cats, []) || coalesce(o.head, []) || {sweep} || coalesce(o.tail, [])) AS category
        FROM ({rows(scan, numbered=True)}) r
             LEFT JOIN ev_org o ON r.org IS NOT DISTINCT FROM o.org
             LEFT JOIN ev_reason c ON r.reason IS NOT DISTINCT FROM c.reason
        WHERE r.flag = {KEPT} AND (o.head IS NOT NULL OR c.cats IS NOT NULL OR r.networks >= {int(threshold)})"""


def write(con: Any, scans: list[Scan], target: Path, threshold: int, with_config: bool) -> int:
    """Write the evidence CSV to ``target`` (a work-directory path); return the number of rows written.

    A second, numbered read of each source (row numbers need file order), keeping only rows that fall in
    at least one category: the file's size follows the flagged rows, not the input.
    """
    _lookups(con, with_config)
    union = " UNION ALL ".join(_rows_of(scan, threshold) for scan in scans)
    query = f"""
        SELECT file, row, "ID", time, org, reason, category,
               CASE WHEN category = 'immigration' OR category = 'vague' OR category = 'reproductive_health'
                    THEN reason_rule END AS rule, networks
        FROM ({union})"""
    path = str(target).replace("'", "''")
    written = con.execute(f"COPY ({query}) TO '{path}' (HEADER, DELIMITER ',')").fetchone()
    return int(written[0]) if written else 0


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
