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

from configscan.audit.engine import KEPT, Scan, base, label_sql, rows

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


def _rows_of(scan: Scan, threshold: int, table: str) -> str:
    sweep = f"CASE WHEN r.networks >= {int(threshold)} THEN ['sweep'] ELSE [] END"
    return f"""
        SELECT {label_sql(scan)} AS file, r.rn - 1 + {scan.row_offset} AS row,
               coalesce(r.uid::VARCHAR, r.id_raw) AS "ID",
               coalesce(strftime(r.ts, '%Y-%m-%d %H:%M:%S'), r.ts_raw) AS time, r.org, r.reason,
               c.rule AS reason_rule, r.networks,
               unnest(coalesce(c.cats, []) || coalesce(o.head, []) || {sweep} || coalesce(o.tail, [])) AS category
        FROM {table} r
             LEFT JOIN ev_org o ON r.org IS NOT DISTINCT FROM o.org
             LEFT JOIN ev_reason c ON r.reason IS NOT DISTINCT FROM c.reason
        WHERE r.flag = {KEPT} AND (o.head IS NOT NULL OR c.cats IS NOT NULL OR r.networks >= {int(threshold)})"""


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
    _lookups(con, with_config)
    path = str(target).replace("'", "''")
    written = 0
    for index, scan in enumerate(scans):
        query = f"""
            SELECT file, row, "ID", time, org, reason, category,
                   CASE WHEN category = 'immigration' OR category = 'vague' OR category = 'reproductive_health'
                        THEN reason_rule END AS rule, networks
            FROM ({_rows_of(scan, threshold, _numbered(con, scan))})
            ORDER BY row, category"""  # joins run in parallel: sort so a re-run writes the same file (cron diffs)
        part = path if len(scans) == 1 else f"{path}.{index}"
        result = con.execute(f"COPY ({query}) TO '{part}' (HEADER {str(index == 0).lower()}, DELIMITER ',')"
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
