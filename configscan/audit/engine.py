"""The streaming engine: DuckDB scans every source once into a compact row table, then works columnar.

Why DuckDB: its CSV reader is parallel and vectorised (the same speed class as the bare floor it is
measured against), it reads .gz natively, counts rejected rows instead of failing, and spills to the run's
temp directory under a memory limit, so peak memory stays bounded whatever the file size. Python only sees
distinct organisation names and distinct reasons (thousands, not millions), classified once each.

Every cell is read as text (``VARCHAR``) so a redaction marker or a stray value never drops a row; types
are derived with ``TRY_CAST``/``try_strptime`` and failures are counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from configscan.audit.searchers import OWN_AGENCY
from configscan.audit.sources import Source
from configscan.errors import InputError

# Time shapes seen in releases: network/org audits, portal (old and new), spreadsheets, split columns.
TIME_FORMATS = (
    "%m/%d/%Y, %I:%M:%S %p UTC", "%m/%d/%Y %I:%M:%S %p UTC", "%m/%d/%Y, %I:%M:%S %p", "%m/%d/%Y %I:%M:%S %p",
    "%Y-%m-%d %H:%M:%S.%g", "%Y-%m-%dT%H:%M:%S.%gZ", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
    "%Y-%m-%d",
)
_ROW_TABLE = """
CREATE TABLE rows (
    src USMALLINT, uid UUID, id_raw VARCHAR, org VARCHAR, reason VARCHAR, ts TIMESTAMP, ts_raw VARCHAR,
    networks INTEGER, devices INTEGER
)"""
# A row's number in its file is its rowid (insertion order is preserved) minus the source's first rowid,
# plus the header offset: numbering costs nothing at scan time.


@dataclass
class LoadStats:
    rows: int
    rejected: int
    header_repeats: int
    first_rowid: int
    row_offset: int  # add to (rowid - first_rowid) for the row number a spreadsheet would show


def connect(work: Path, memory_limit: str = "640MB") -> Any:
    """A private in-memory database that spills to ``work`` when it outgrows ``memory_limit``."""
    import duckdb  # imported per run: nothing heavy at import time

    con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": str(work / "spill"),
                                 "threads": max(1, os.cpu_count() or 1), "preserve_insertion_order": True})
    con.execute(_ROW_TABLE)
    return con


def version() -> str:
    import duckdb

    return f"duckdb {duckdb.__version__}"


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _col(source: Source, name: str) -> str | None:
    index = source.layout.column(name)
    return f"c{index}" if index is not None else None


def time_format(samples: Sequence[str]) -> str | None:
    """The one format that parses every sampled time, so the scan tries one pattern, not fourteen."""
    values = [v.strip() for v in samples if v and v.strip()]
    if not values:
        return None
    for fmt in TIME_FORMATS:
        pattern = fmt.replace("%g", "%f")
        try:
            for value in values:
                dt.datetime.strptime(value, pattern)
        except ValueError:
            continue
        return fmt
    return None


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def typed_columns(source: Source) -> dict[int, str]:
    """Columns the CSV reader can parse natively (much cheaper than casting text), judged from samples.

    A later row that does not fit is rejected by the reader; :func:`load` then re-reads the whole source
    as text, so typing is an optimisation that can never lose a row.
    """
    typed: dict[int, str] = {}
    checks: dict[str, tuple[str, Callable[[str], bool]]] = {
        "id": ("UUID", lambda v: bool(_UUID.match(v))), "networks": ("INTEGER", str.isdigit),
        "devices": ("INTEGER", str.isdigit)}
    for name, (sql_type, fits) in checks.items():
        index, values = source.layout.column(name), source.samples.get(name, ())
        if index is not None and values and all(fits(v) for v in values):
            typed[index] = sql_type
    return typed


def _select(source: Source, src: int, typed: dict[int, str]) -> str:
    """The SELECT that maps one source's columns to the row table; untyped columns go through TRY_*."""
    layout = source.layout
    width = len(layout.headers)
    columns = "{" + ", ".join(f"'c{i}': '{typed.get(i, 'VARCHAR')}'" for i in range(width)) + "}"
    scan = (f"read_csv({_q(str(source.path))}, auto_detect=false, header={str(layout.has_header).lower()}, "
            f"skip={layout.skip}, "
            f"delim={_q(source.delimiter)}, quote='\"', escape='\"', columns={columns}, null_padding=false, "
            f"ignore_errors=true, store_rejects=true, rejects_table='rej{src}', rejects_scan='rejscan{src}', "
            f"max_line_size=10000000)")
    # Layouts without a searcher column (the portal) log only the publishing agency's own searches.
    org = f"nullif({_col(source, 'org')}, '')" if _col(source, "org") else _q(OWN_AGENCY)
    reason_col, offense_col = _col(source, "reason"), _col(source, "offense_type")
    parts = [f"nullif({c}, '')" for c in (reason_col, offense_col) if c]
    reason = f"concat_ws(' - ', {', '.join(parts)})" if len(parts) == 2 else (parts[0] if parts else "NULL")
    time_col = _col(source, "search_time")
    if layout.split_date is not None and time_col:
        raw = f"c{layout.split_date} || ' ' || {time_col}"
    else:
        raw = time_col or "NULL"
    fmt = time_format(source.time_samples)
    formats = _q(fmt) if fmt else "[" + ", ".join(_q(f) for f in TIME_FORMATS) + "]"
    id_col = _col(source, "id")
    if id_col and typed.get(layout.columns["id"]) == "UUID":
        uid, id_raw = id_col, "NULL"
    else:
        uid = f"TRY_CAST({id_col} AS UUID)" if id_col else "NULL"
        id_raw = f"CASE WHEN {uid} IS NULL THEN nullif(trim({id_col}), '') END" if id_col else "NULL"
    networks = f"TRY_CAST({_col(source, 'networks')} AS INTEGER)" if _col(source, "networks") else "NULL"
    devices = f"TRY_CAST({_col(source, 'devices')} AS INTEGER)" if _col(source, "devices") else "NULL"
    return (
        f"SELECT {src}::USMALLINT AS src, {uid} AS uid, {id_raw} AS id_raw, {org} AS org, {reason} AS reason, "
        f"try_strptime(raw_time, {formats}) AS ts, raw_time AS ts_raw, {networks} AS networks, "
        f"{devices} AS devices FROM (SELECT *, {raw} AS raw_time FROM {scan})"
    )


def _header_reason(source: Source) -> str | None:
    """The reason value a repeated header row produces (exports pasted together repeat their header)."""
    layout = source.layout
    if not layout.has_header:
        return None
    texts = [layout.headers[i] for i in (layout.column("reason"), layout.column("offense_type")) if i is not None]
    return " - ".join(texts) or None


def _insert(con: Any, source: Source, src: int, typed: dict[int, str]) -> None:
    import duckdb

    con.execute(f"DROP TABLE IF EXISTS rej{src}")
    con.execute(f"DROP TABLE IF EXISTS rejscan{src}")
    try:
        con.execute(f"INSERT INTO rows SELECT src, uid, id_raw, org, reason, ts, "
                    f"CASE WHEN ts IS NULL THEN ts_raw END, networks, devices FROM ({_select(source, src, typed)})")
    except (duckdb.InvalidInputException, duckdb.IOException, duckdb.ConversionException) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(source.label, f"cannot be read as CSV ({first})") from exc


def load(con: Any, source: Source, src: int) -> LoadStats:
    """Scan one source into the row table; repeated header rows are dropped and counted."""
    first_rowid = int(con.execute("SELECT coalesce(max(rowid) + 1, 0) FROM rows").fetchone()[0])
    typed = typed_columns(source)
    _insert(con, source, src, typed)
    if typed and con.execute(f"SELECT count(*) FROM rej{src}").fetchone()[0]:
        # A row did not fit the sampled types: start this source again, reading every cell as text.
        con.execute("DELETE FROM rows WHERE src = ?", [src])
        first_rowid = int(con.execute("SELECT coalesce(max(rowid) + 1, 0) FROM rows").fetchone()[0])
        _insert(con, source, src, {})
    repeats = 0
    header_reason = _header_reason(source)
    if header_reason is not None:
        repeats = int(con.execute("SELECT count(*) FROM rows WHERE src = ? AND reason = ?",
                                  [src, header_reason]).fetchone()[0])
        if repeats:
            con.execute("DELETE FROM rows WHERE src = ? AND reason = ?", [src, header_reason])
    rows = int(con.execute("SELECT count(*) FROM rows WHERE src = ?", [src]).fetchone()[0])
    rejected = con.execute(f"SELECT count(DISTINCT line) FROM rej{src}").fetchone()[0]  # one line, many errors
    offset = 1 + source.layout.skip + 1 if source.layout.has_header else 1
    return LoadStats(rows=rows, rejected=int(rejected), header_repeats=repeats, first_rowid=first_rowid,
                     row_offset=offset)


def rejected_lines(con: Any, src: int, limit: int = 5) -> list[int]:
    """Physical line numbers of the first rejected rows, for the error message."""
    query = f"SELECT DISTINCT line FROM rej{src} ORDER BY line LIMIT {int(limit)}"
    return [int(r[0]) for r in con.execute(query).fetchall()]


def deduplicate(con: Any) -> int:
    """Keep the first occurrence (by file order, then row) of each search ID; return how many were removed.

    Overlapping monthly files repeat searches near the cut; stacked exports repeat whole blocks. Rows
    without an ID cannot be matched and are all kept.
    """
    removed = 0
    for column in ("uid", "id_raw"):
        # Cheap test first (key-only aggregate); the exact pass runs only when an ID repeats.
        repeats = con.execute(f"SELECT count({column}) - count(DISTINCT {column}) FROM rows").fetchone()[0]
        if not repeats:
            continue
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE dup_keys AS
            SELECT {column} AS k, min(rowid) AS keep FROM rows WHERE {column} IS NOT NULL
            GROUP BY 1 HAVING count(*) > 1""")
        before = int(con.execute("SELECT count(*) FROM rows").fetchone()[0])
        con.execute(f"""
            DELETE FROM rows WHERE rowid IN (
                SELECT r.rowid FROM rows r JOIN dup_keys d ON r.{column} = d.k WHERE r.rowid <> d.keep)""")
        removed += before - int(con.execute("SELECT count(*) FROM rows").fetchone()[0])
    return removed


def put_table(con: Any, name: str, header: Sequence[str], rows: Iterable[Sequence[object]], work: Path) -> None:
    """Create a small lookup table from Python rows (through a CSV file: fast and dependency-free)."""
    path = work / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    types = "{" + ", ".join(f"'{h}': 'VARCHAR'" for h in header) + "}"
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv({_q(str(path))}, header=true, "
                f"columns={types}, quote='\"', escape='\"')")
