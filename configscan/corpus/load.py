"""Every release's rows into one engine table, ``crow``, each row keeping where it came from.

CSV, XLSX, PDF, .gz and .zip go through the audit's own sources (layouts, title rows, time shapes, the same
row shape via ``engine.base``); Parquet is read by the engine natively, its columns found by the same header
names. Only the columns corpus mode uses are kept: release, source, file label, row (as a spreadsheet shows
it, or the Parquet row number), ID, searching organisation, reason, case number, time, networks, Time
Frame and, where a file gathering many agencies' releases names it per row, the camera owner and its state
(otherwise the manifest's agency owns every row of the release). Repeated header rows and blank rows are
left out; rows the reader rejects are counted per file and make the run incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configscan.audit.inputs import records
from configscan.audit.inputs.layouts import header_layout
from configscan.audit.inputs.sources import Source, expand
from configscan.audit.passes import engine
from configscan.corpus.manifest import Release
from configscan.errors import InputError
from configscan.inputs import excluded

# One row per released row, as narrow as the steps after it allow (tens of millions of rows): the file and
# sheet are the source's (``SourceInfo``), and the Time Frame is kept only inside the loose key ``lk``
# (searching organisation + time + networks + Time Frame, hashed; NULL without a time or an organisation).
_TABLE = """CREATE TABLE crow (rel USMALLINT, src INTEGER, row BIGINT, uid UUID, id_raw VARCHAR, org VARCHAR,
    reason VARCHAR, case_no VARCHAR, ts TIMESTAMP, networks INTEGER, lk UBIGINT, owner_name VARCHAR,
    owner_state VARCHAR)"""
_LOOSE_KEY = ("CASE WHEN {ts} IS NOT NULL AND {org} IS NOT NULL "
              "THEN hash({org}, {ts}, {networks}, coalesce({tf}, '')) END")


@dataclass
class SourceInfo:
    rel: int
    label: str
    path: Path
    sha256: str = ""  # the manifest's, for the file this source was read from
    sheet: str | None = None  # the workbook sheet the rows came from (the source's, never parsed off the label)
    rows: int = 0
    rejected: int = 0

    @property
    def file(self) -> str:
        """The file a row came from: the label without its sheet (a file's own name may hold a ``#``)."""
        return self.label[:-len(self.sheet) - 1] if self.sheet is not None else self.label


@dataclass
class Loaded:
    sources: list[SourceInfo] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    last_row: int = 0  # the largest row number any source gave a row (the de-duplication packs it in 40 bits)
    owner_column: bool = False  # some source names each row's camera owner (a file gathering many releases)


def load(con: Any, releases: list[Release], work: Path, exclude: Sequence[str] = ()) -> Loaded:
    con.execute(_TABLE)
    out = Loaded()
    counter = records.Counter()  # each source's records counted independently, in a thread beside the engine
    try:
        _releases(con, releases, work, out, counter, tuple(exclude))
    finally:
        counter.close()
    return out


def _releases(con: Any, releases: list[Release], work: Path, out: Loaded, counter: records.Counter,
              exclude: tuple[str, ...]) -> None:
    for rel, release in enumerate(releases):
        for file in release.files:
            parquet = [file.path] if file.path.suffix.lower() == ".parquet" else sorted(
                p for p in file.path.rglob("*.parquet") if not excluded(p, file.path, exclude)
            ) if file.path.is_dir() else []
            for path in parquet:
                _parquet(con, rel, path, out, file.sha256 if path == file.path else "")
            others = file.path.is_file() and not parquet or file.path.is_dir() and any(
                p.is_file() and p.suffix.lower() != ".parquet" for p in file.path.rglob("*"))
            if others:
                _tables(con, rel, file.path, work, out, file.sha256 if file.path.is_file() else "", counter,
                        exclude)


def _tables(con: Any, rel: int, path: Path, work: Path, out: Loaded, sha256: str, counter: records.Counter,
            exclude: tuple[str, ...]) -> None:
    sources, skipped, inventory = expand([str(path)], work, None, ("*.parquet", *exclude))
    out.skipped += [f"{s.label}: {s.why}" for s in skipped] + [f"{s.path}: {s.reason}" for s in inventory.skipped]
    # as in ``audit``: a whole file skipped (not one sheet of a workbook, not an empty file) is a release
    # not read, so the run is incomplete
    out.errors += [f"{s.label}: skipped, {s.why}" for s in skipped if s.sheet is None and s.why != "empty"]
    out.errors += inventory.errors
    for source in sources:
        counter.start(source.path)
    for source in sources:
        out.owner_column |= source.layout.column("owner") is not None
        info = SourceInfo(rel, source.label, source.path, sha256, source.sheet)
        scan = engine.Scan(source, len(out.sources))
        scan.typed = engine.typed_columns(source)  # cells the samples show typed are parsed by the reader
        for _ in range(3):  # read again as text if a typed cell did not fit, and padded if rows end early
            # Read in parallel, in file order; a row's number is its position in ``cur`` (``rowid``).
            rows = engine.base(scan, extra=("case", "time_frame", "owner", "owner_state"))
            con.execute(f"DROP TABLE IF EXISTS rej{scan.src}")
            con.execute(f"DROP TABLE IF EXISTS rejscan{scan.src}")
            con.execute(f"DELETE FROM crow WHERE src = {scan.src}")
            # ``cur`` holds the rows as ``crow`` will (the raw time, the Time Frame text, which the loose key holds,
            # and the columns only the audit reads are dropped), so the copy into ``crow`` moves none it discards.
            lk = _LOOSE_KEY.format(ts="ts", org="org", networks="networks", tf="x_time_frame")
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE cur AS
                SELECT uid, id_raw, org, reason, x_case, ts, networks, {lk} AS lk, x_owner,
                       upper(x_owner_state) AS x_owner_state, is_header OR is_blank AS skip
                FROM ({rows})""")
            con.execute(f"""
                INSERT INTO crow SELECT {rel}, {scan.src}, rowid + {scan.row_offset}, uid, id_raw, org, reason, x_case,
                       ts, networks, lk, x_owner, x_owner_state
                FROM cur WHERE NOT skip""")
            info.rejected, casts, short = engine.rejected(con, scan.src)
            if casts and scan.typed:
                scan.typed = {}
            elif short and not scan.padded:
                scan.padded = True
            else:
                break
        read, skipped_rows = con.execute("SELECT count(*), count_if(skip) FROM cur").fetchone()
        con.execute("DROP TABLE cur")
        out.last_row = max(out.last_row, int(read) - 1 + scan.row_offset)
        info.rows = int(read) - int(skipped_rows)
        if info.rejected:
            out.errors.append(f"{source.label}: {info.rejected} row(s) could not be read")
        out.errors.extend(_reconcile(source, int(read) + info.rejected, counter))
        if not info.rows:
            out.errors.append(f"{source.label}: no searches were read from it; an empty log proves nothing")
        out.sources.append(info)


def _reconcile(source: Source, accounted: int, counter: records.Counter) -> list[str]:
    """The independent count of the source's records against what the engine read (see ``audit.records``):
    a release read short, or a damaged compressed file, is never taken as complete."""
    try:
        missing = records.shortfall(source.path, source.lead, accounted, counter.result(source.path))
    except records.Damaged as exc:
        return [f"{source.label}: damaged, not read whole ({exc})"]
    return [f"{source.label}: {missing}"] if missing else []


def _parquet(con: Any, rel: int, path: Path, out: Loaded, sha256: str) -> None:
    """A Parquet file: columns found by header name; times typed already or parsed as the CSV reader would."""
    import duckdb

    relation = f"read_parquet({engine.quote(str(path))}, file_row_number=true)"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error as exc:
        raise InputError(str(path), f"cannot be read as Parquet ({str(exc).splitlines()[0]})") from exc
    names = [r[0] for r in described if r[0] != "file_row_number"]
    types = {r[0]: str(r[1]) for r in described}
    layout = header_layout(names)
    if layout is None or layout.column("org") is None:
        raise InputError(str(path), "no audit-log columns found (searching organisation, time, ...)")
    out.owner_column |= layout.column("owner") is not None

    def col(name: str) -> str | None:
        index = layout.column(name)
        return '"' + names[index].replace('"', '""') + '"' if index is not None else None

    def text(name: str) -> str:
        c = col(name)
        return f"nullif(trim({c}::VARCHAR), '')" if c else "NULL::VARCHAR"

    time_col = col("search_time")
    if time_col and types.get(names[layout.column("search_time") or 0], "").startswith("TIMESTAMP"):
        ts = f"{time_col}::TIMESTAMP"
    elif time_col:
        every = "[" + ", ".join(engine.quote(f) for f in engine.TIME_FORMATS) + "]"
        ts = (f"coalesce(try_strptime({time_col}::VARCHAR, {every}), "
              f"TRY_CAST({time_col}::VARCHAR AS TIMESTAMPTZ)::TIMESTAMP)")
    else:
        ts = "NULL::TIMESTAMP"
    id_text, id_col = text("id"), col("id")
    if id_col and types.get(names[layout.column("id") or 0]) == "UUID":  # typed already: no text round trip
        uid, id_raw = id_col, "NULL::VARCHAR"  # (10 M rows: 2.5 s through text, 0.2 s as it is)
    else:
        uid = f"TRY_CAST({id_text} AS UUID)"
        id_raw = f"CASE WHEN {uid} IS NULL THEN {id_text} END"
    info = SourceInfo(rel, str(path), path, sha256)
    src = len(out.sources)
    networks = f"TRY_CAST({col('networks')} AS INTEGER)" if col("networks") else "NULL::INTEGER"
    lk = _LOOSE_KEY.format(ts="ts", org="org", networks="networks", tf="tf")
    con.execute(f"""
        INSERT INTO crow SELECT rel, src, row, uid, id_raw, org, reason, case_no, ts, networks, {lk}, owner_name,
                                owner_state
        FROM (SELECT {rel} AS rel, {src} AS src, file_row_number + 1 AS row, {uid} AS uid, {id_raw} AS id_raw,
                     {text('org')} AS org, {text('reason')} AS reason, {text('case')} AS case_no, {ts} AS ts,
                     {networks} AS networks, {text('time_frame')} AS tf, {text('owner')} AS owner_name,
                     upper({text('owner_state')}) AS owner_state
              FROM {relation})""")
    info.rows = int(con.execute(f"SELECT count(*) FROM crow WHERE src = {src}").fetchone()[0])
    out.last_row = max(out.last_row, info.rows)
    if not info.rows:
        out.errors.append(f"{path}: no searches were read from it; an empty log proves nothing")
    out.sources.append(info)
