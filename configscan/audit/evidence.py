"""The evidence CSV: every row behind a finding, once per category it falls in.

Columns: ``file, row, ID, time, org, reason, category, rule, networks``. ``row`` is the record's row
number as a spreadsheet shows it (header = row 1). DuckDB writes the file in one scan to a hidden staging
file beside the target; :func:`publish` renames it over the user's path only once the whole run (reports
included) has succeeded, so a failed run never leaves a half-written evidence file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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


def write(con: Any, target: Path, threshold: int, with_config: bool) -> int:
    """Write the evidence CSV to ``target`` (a work-directory path); return the number of rows written."""
    query = f"""
        SELECT file, row, "ID", time, org, reason, category,
               CASE WHEN category = 'immigration' OR category = 'vague' OR category = 'reproductive_health'
                    THEN reason_rule END AS rule, networks
        FROM (
            SELECT s.label AS file, r.rowid - s.first_rowid + s.row_offset AS row,
                   coalesce(r.uid::VARCHAR, r.id_raw) AS "ID",
                   coalesce(strftime(r.ts, '%Y-%m-%d %H:%M:%S'), r.ts_raw) AS time, r.org, r.reason,
                   c.rule AS reason_rule, r.networks,
                   unnest(list_filter({_category_list(threshold, with_config)}, lambda x: x IS NOT NULL)) AS category
            FROM rows r JOIN src_info s ON r.src = s.src
                 LEFT JOIN org_class o ON r.org IS NOT DISTINCT FROM o.org
                 LEFT JOIN reason_class c ON r.reason IS NOT DISTINCT FROM c.reason)"""
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
