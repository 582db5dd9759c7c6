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


def _category_list(threshold: int, with_config: bool) -> str:
    cases = [
        "CASE WHEN c.category = 'immigration' THEN 'immigration' END",
        "CASE WHEN c.category = 'reproductive_health' THEN 'reproductive_health' END",
        "CASE WHEN coalesce(c.category, 'vague') = 'vague' THEN 'vague' END",
        "CASE WHEN o.klass = 'federal' THEN 'federal_searcher' END",
        "CASE WHEN o.klass = 'out_of_state' THEN 'out_of_state' END",
        "CASE WHEN coalesce(o.klass, 'redacted') IN ('unclassified', 'redacted', 'state_unknown') "
        "THEN 'unverified_searcher' END",
        f"CASE WHEN r.networks >= {int(threshold)} THEN 'sweep' END",
    ]
    if with_config:
        cases.append("CASE WHEN o.listed = '0' THEN 'back_door' END")
    return "[" + ", ".join(cases) + "]"


def _rows_of(scan: Scan, categories: str) -> str:
    return f"""
        SELECT {label_sql(scan)} AS file, r.rn - 1 + {scan.row_offset} AS row,
               coalesce(r.uid::VARCHAR, r.id_raw) AS "ID",
               coalesce(strftime(r.ts, '%Y-%m-%d %H:%M:%S'), r.ts_raw) AS time, r.org, r.reason,
               c.rule AS reason_rule, r.networks,
               unnest(list_filter({categories}, lambda x: x IS NOT NULL)) AS category
        FROM ({rows(scan, numbered=True)}) r
             LEFT JOIN org_class o ON r.org IS NOT DISTINCT FROM o.org
             LEFT JOIN reason_class c ON r.reason IS NOT DISTINCT FROM c.reason
        WHERE r.flag = {KEPT}"""


def write(con: Any, scans: list[Scan], target: Path, threshold: int, with_config: bool) -> int:
    """Write the evidence CSV to ``target`` (a work-directory path); return the number of rows written.

    A second, numbered read of each source (row numbers need file order), keeping only rows that fall in
    at least one category: the file's size follows the flagged rows, not the input.
    """
    categories = _category_list(threshold, with_config)
    union = " UNION ALL ".join(_rows_of(scan, categories) for scan in scans)
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
