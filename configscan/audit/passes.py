"""The main pass: one parallel read per source folded straight into small aggregates (no row table).

Each source is read once, in parallel, and grouped three ways at the same time (``GROUPING SETS``):
per (organisation, reason) with counts, first/last seen, widest search and sweep counts; per
(organisation, month); per (reason, month). These hold thousands of rows, not millions, and everything
the report needs is derived from them after Python has classified the distinct organisations and reasons.

De-duplication by search ID matters only when several sources are read (overlapping monthly releases,
stacked exports): then each source's scan is probed against the IDs of the sources before it (a hash
join on a small-key table), and a fourth grouping set per ID adds this source's IDs to that table and
shows whether an ID repeats inside the source itself (then the source is read again, numbered, keeping
each ID's first row). A single source is not checked for repeated IDs (no overlap to remove).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from configscan.audit.engine import DUPLICATE, HEADER, KEPT, Scan, rejected, rows, typed_columns
from configscan.errors import InputError

# GROUPING(org, reason, m, uid, id_raw) of each grouping set: a bit is set for each column left out.
BY_ORG_REASON, BY_ORG_MONTH, BY_REASON_MONTH, BY_ID = 0b00111, 0b01011, 0b10011, 0b11100

_PARTS = """
CREATE TABLE IF NOT EXISTS parts (
    src USMALLINT, gs INTEGER, flag UTINYINT, org VARCHAR, reason VARCHAR, m TIMESTAMP, n BIGINT,
    first_ts TIMESTAMP, last_ts TIMESTAMP, max_net INTEGER, sweeps BIGINT, bad_time BIGINT)"""


@dataclass
class LoadStats:
    rows: int  # records read, repeated headers excluded (duplicates included)
    rejected: int
    header_repeats: int
    duplicates: int


def prepare(con: Any, dedup: bool) -> None:
    con.execute(_PARTS)
    if dedup:
        con.execute("CREATE TABLE seen_uid (uid UUID, src USMALLINT)")
        con.execute("CREATE TABLE seen_raw (id_raw VARCHAR, src USMALLINT)")


def _aggregate(con: Any, scan: Scan, threshold: int) -> None:
    """Run the grouped scan of one source into the staging table ``cur``."""
    import duckdb

    sets = "(flag, org, reason), (flag, org, m), (flag, reason, m)" + (", (flag, uid, id_raw)" if scan.dedup else "")
    id_bits, id_cols = ("GROUPING(uid, id_raw)", "uid, id_raw") if scan.dedup else (
        "3", "NULL::UUID AS uid, NULL AS id_raw")
    con.execute(f"DROP TABLE IF EXISTS rej{scan.src}")
    con.execute(f"DROP TABLE IF EXISTS rejscan{scan.src}")
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE cur AS
            SELECT (GROUPING(org, reason, m) << 2) | {id_bits} AS gs, flag, org, reason, m,
                   {id_cols}, count(*) AS n,
                   min(ts) AS first_ts, max(ts) AS last_ts, max(networks) AS max_net,
                   count_if(networks >= {int(threshold)}) AS sweeps, count_if(ts IS NULL) AS bad_time
            FROM (SELECT *, date_trunc('month', ts) AS m FROM ({rows(scan)}))
            GROUP BY GROUPING SETS ({sets})""")
    except (duckdb.InvalidInputException, duckdb.IOException, duckdb.ConversionException) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(scan.source.label, f"cannot be read as CSV ({first})") from exc


def load(con: Any, scan: Scan, threshold: int) -> LoadStats:
    """Aggregate one source into ``parts`` (and its IDs into ``seen_*`` when de-duplicating)."""
    scan.typed = typed_columns(scan.source)
    _aggregate(con, scan, threshold)
    count, casts = rejected(con, scan.src)
    if casts and scan.typed:
        # A row did not fit the sampled types: read this source again with every cell as text.
        scan.typed = {}
        _aggregate(con, scan, threshold)
        count, _ = rejected(con, scan.src)
    if scan.dedup and con.execute(f"SELECT count(*) FROM cur WHERE gs = {BY_ID} AND flag = {KEPT} AND n > 1 "
                                  "AND (uid IS NOT NULL OR id_raw IS NOT NULL)").fetchone()[0]:
        scan.inner_duplicates = True  # rare: the same search twice in one source; keep its first row
        _aggregate(con, scan, threshold)
    con.execute(f"""INSERT INTO parts SELECT {scan.src}, gs, flag, org, reason, m, n, first_ts, last_ts, max_net,
                    sweeps, bad_time FROM cur WHERE gs <> {BY_ID}""")
    if scan.dedup:
        con.execute(f"INSERT INTO seen_uid SELECT uid, {scan.src} FROM cur "
                    f"WHERE gs = {BY_ID} AND flag = {KEPT} AND uid IS NOT NULL")
        con.execute(f"INSERT INTO seen_raw SELECT id_raw, {scan.src} FROM cur "
                    f"WHERE gs = {BY_ID} AND flag = {KEPT} AND id_raw IS NOT NULL")
    totals = con.execute(f"""
        SELECT coalesce(sum(n) FILTER (flag <> {HEADER}), 0), coalesce(sum(n) FILTER (flag = {HEADER}), 0),
               coalesce(sum(n) FILTER (flag = {DUPLICATE}), 0)
        FROM cur WHERE gs = {BY_ORG_REASON}""").fetchone()
    con.execute("DROP TABLE cur")
    return LoadStats(rows=int(totals[0]), rejected=count, header_repeats=int(totals[1]), duplicates=int(totals[2]))


def combine(con: Any) -> None:
    """Fold every source's kept rows into ``g`` (per organisation and reason) and the month tables."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE g AS
        SELECT org, reason, sum(n) AS n, min(first_ts) AS first_ts, max(last_ts) AS last_ts, max(max_net) AS max_net,
               sum(sweeps) AS sweeps, sum(bad_time) AS bad_time
        FROM parts WHERE gs = {BY_ORG_REASON} AND flag = {KEPT} GROUP BY org, reason""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE by_org_month AS
        SELECT m, org, sum(n) AS n FROM parts WHERE gs = {BY_ORG_MONTH} AND flag = {KEPT} GROUP BY ALL""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE by_reason_month AS
        SELECT m, reason, sum(n) AS n FROM parts WHERE gs = {BY_REASON_MONTH} AND flag = {KEPT} GROUP BY ALL""")
