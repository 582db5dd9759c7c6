"""The streaming engine: how one source is scanned, and the row filter every pass shares.

Why DuckDB: its CSV reader is parallel and vectorised (the same speed class as the bare floor it is
measured against), it reads .gz natively, counts rejected rows instead of failing, and spills to the run's
temp directory under a memory limit, so peak memory stays bounded whatever the file size. No pass keeps a
table of rows: the main pass (``load.py``) folds rows straight into small aggregates, and the evidence
passes read again only what they must. Python only sees distinct organisations and reasons.

Cells are read as text (``VARCHAR``) unless samples show a column can be typed natively (much cheaper);
a row that then fails to cast makes the whole source be read again as text, so typing never loses a row.
Types are derived with ``TRY_CAST``/``try_strptime`` and failures are counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configscan.audit.findings.searchers import OWN_AGENCY
from configscan.audit.inputs.sheettimes import EXCEL_SERIAL, is_serial, serial_sql
from configscan.audit.inputs.sources import Source

# Time shapes seen in releases and in exports re-saved from spreadsheets: network/org audits, portal (old and
# new), US spreadsheet dates (two-digit years before four-digit ones: the reader's %Y would take "25" as
# year 25), month names, split columns. ISO 8601 with a UTC offset is read as a time zone (ISO_TZ).
TIME_FORMATS = (
    "%m/%d/%Y, %I:%M:%S %p UTC", "%m/%d/%Y %I:%M:%S %p UTC", "%m/%d/%Y, %I:%M:%S %p", "%m/%d/%Y %I:%M:%S %p",
    "%Y-%m-%d %H:%M:%S.%g", "%Y-%m-%dT%H:%M:%S.%gZ", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d %H:%M",
    "%m/%d/%y %I:%M:%S %p", "%m/%d/%y %I:%M %p", "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y, %I:%M %p", "%m/%d/%Y %H:%M",
    "%b %d, %Y %I:%M:%S %p", "%b %d, %Y, %I:%M:%S %p", "%B %d, %Y %I:%M:%S %p", "%B %d, %Y, %I:%M:%S %p",
    "%B %d, %Y, %I:%M:%S %p UTC", "%b %d, %Y, %I:%M:%S %p UTC", "%d-%b-%Y %H:%M:%S", "%d-%b-%Y %I:%M:%S %p",
    "%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d",
)
ISO_TZ = "iso8601 with offset"
# A parsed time outside these years is a misread (a two-digit year taken as year 25), counted unreadable.
_PLAUSIBLE = ("1990-01-01", "2100-01-01")
# Row flags: a kept search, a repeated header row, a duplicate of a search already counted, a blank row (no
# organisation, reason, time or network count: spreadsheets export formatted empty rows as lines of commas).
KEPT, HEADER, DUPLICATE, BLANK = 0, 1, 2, 3


@dataclass
class Scan:
    """How one source is read; every pass over it (aggregate, samples, evidence) reads it the same way."""

    source: Source
    src: int
    typed: dict[int, str] = field(default_factory=dict)
    dedup: bool = False  # several sources: drop searches whose ID an earlier source already had
    inner_duplicates: bool = False  # an ID repeats within this source: keep its first row (numbered read)
    padded: bool = False  # rows end early (trailing empty cells left out): pad them, reading serially
    exact_blank: bool = False  # the main pass tests every identifying cell for a blank row (see ``_blank``)
    wide_devices: int = 20000  # cameras per search that prove national lookup (see ``run.DEFAULT_WIDE_DEVICES``)
    lookback_limit: float | None = None  # days a search may look back (the retention limit), None: not judged
    files: tuple[str, ...] = ()  # read these files of one layout instead, each row with its ``filename``
    read_with: int | None = None  # the main pass read it together with others: their groupings' source (``alike``)

    @property
    def row_offset(self) -> int:
        """Add to the 0-based record index for the row number a spreadsheet shows (header = row 1)."""
        layout = self.source.layout
        return 1 + layout.skip + 1 if layout.has_header else 1


def connect(work: Path, memory_limit: str = "640MB") -> Any:
    """A private in-memory database that spills to ``work`` when it outgrows ``memory_limit``."""
    import duckdb  # imported per run: nothing heavy at import time

    # No automatic checkpoints: even an in-memory database checkpoints (compresses its tables) once 16 MiB
    # of changes pile up, and each checkpoint stalled the next write by ~0.1 s -- most of the extra time of
    # twelve monthly files over one. Every table here lives only for the run, so there is nothing to keep.
    con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": str(work / "spill"),
                                 "threads": max(1, os.cpu_count() or 1), "preserve_insertion_order": True,
                                 "checkpoint_threshold": "1TB"})
    con.execute("SET enable_progress_bar = false")  # DuckDB draws one on stderr for long queries: not in cron logs
    # Times with a UTC offset are converted to UTC, not to this machine's zone. Without the ICU extension
    # DuckDB knows only UTC, so there is nothing to set.
    icu = con.execute("SELECT count(*) FROM duckdb_extensions() WHERE extension_name = 'icu' AND loaded").fetchone()
    if icu and icu[0]:
        con.execute("SET TimeZone = 'UTC'")
    return con


def version() -> str:
    import duckdb

    return f"duckdb {duckdb.__version__}"


def quote(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _col(source: Source, name: str) -> str | None:
    index = source.layout.column(name)
    return f"c{index}" if index is not None else None


def time_format(samples: Sequence[str]) -> str | None:
    """The one format that parses every sampled time, so the scan tries one pattern, not thirty.

    ``EXCEL_SERIAL`` when every sample is an Excel serial number (a CSV saved from a spreadsheet), ``ISO_TZ``
    when every sample is ISO 8601 with a UTC offset or ``Z`` (converted to UTC).
    """
    return _time_format(tuple(samples))


@functools.lru_cache(maxsize=256)
def _time_format(samples: tuple[str, ...]) -> str | None:
    """Memo of :func:`time_format`: every query built for a source asks again (up to 31 formats x 20 samples
    of ``strptime`` when none fits)."""
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
    if all(_iso_with_offset(v) for v in values):
        return ISO_TZ
    return EXCEL_SERIAL if all(is_serial(v) for v in values) else None


def _iso_with_offset(value: str) -> bool:
    try:
        return dt.datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def typed_columns(source: Source) -> dict[int, str]:
    """Columns the CSV reader can parse natively (much cheaper than casting text), judged from samples.

    A later row that does not fit is rejected by the reader; the aggregation pass then reads the whole
    source again as text, so typing is an optimisation that can never lose a row.
    """
    typed: dict[int, str] = {}
    checks: dict[str, tuple[str, Callable[[str], bool]]] = {
        "id": ("UUID", lambda v: bool(_UUID.match(v))), "networks": ("INTEGER", str.isdigit),
        "devices": ("INTEGER", str.isdigit)}
    for name, (sql_type, fits) in checks.items():
        index, values = source.layout.column(name), source.samples.get(name, ())
        if index is not None and values and all(fits(v) for v in values):
            typed[index] = sql_type
    time_index = source.layout.column("search_time")
    if time_index is not None and source.layout.split_date is None and time_format(source.time_samples) not in (
            None, EXCEL_SERIAL, ISO_TZ):
        typed[time_index] = "TIMESTAMP"  # parsed by the reader with the one sampled format
    return typed


def _read_csv(scan: Scan) -> str:
    layout, src = scan.source.layout, scan.src
    columns = "{" + ", ".join(f"'c{i}': '{scan.typed.get(i, 'VARCHAR')}'" for i in range(len(layout.headers))) + "}"
    fmt = time_format(scan.source.time_samples) if "TIMESTAMP" in scan.typed.values() else None
    times = f"timestampformat={quote(fmt)}, " if fmt else ""
    paths = "[" + ", ".join(quote(f) for f in scan.files) + "], filename=true" if scan.files else quote(
        str(scan.source.path))
    return (f"read_csv({paths}, auto_detect=false, header={str(layout.has_header).lower()}, "
            f"{times}"
            f"skip={layout.skip}, delim={quote(scan.source.delimiter)}, quote='\"', escape='\"', columns={columns}, "
            f"{'null_padding=true, parallel=false' if scan.padded else 'null_padding=false'}, "
            f"ignore_errors=true, store_rejects=true, rejects_table='rej{src}', "
            f"rejects_scan='rejscan{src}')")


def _select(scan: Scan, numbered: bool, facts: bool = False, extra: tuple[str, ...] = ()) -> str:
    """Map one source's columns to the shared row shape; untyped columns go through TRY_*. ``extra`` names
    further layout columns to carry as trimmed text (NULL where the layout lacks them): corpus mode's case
    number and Time Frame for de-duplication."""
    source, layout = scan.source, scan.source.layout
    # Layouts without a searcher column (the portal) log only the publishing agency's own searches.
    org = f"nullif({_col(source, 'org')}, '')" if _col(source, "org") else quote(OWN_AGENCY)
    reason_col, offense_col = _col(source, "reason"), _col(source, "offense_type")
    parts = [f"nullif({c}, '')" for c in (reason_col, offense_col) if c]
    reason = f"concat_ws(' - ', {', '.join(parts)})" if len(parts) == 2 else (parts[0] if parts else "NULL")
    time_col = _col(source, "search_time")
    if layout.split_date is not None and time_col:
        raw = f"c{layout.split_date} || ' ' || {time_col}"
    else:
        raw = time_col or "NULL"
    fmt = time_format(source.time_samples)
    zoned = "TRY_CAST(raw_time AS TIMESTAMPTZ)::TIMESTAMP"  # the connection's time zone is UTC
    if fmt == ISO_TZ:
        ts = zoned
    elif fmt == EXCEL_SERIAL:
        ts = serial_sql("raw_time")
    elif fmt:
        ts = f"try_strptime(raw_time, {quote(fmt)})"
    else:  # no one shape fits every sample: try them all, then offsets, then spreadsheet serials
        every = "[" + ", ".join(quote(f) for f in TIME_FORMATS) + "]"
        ts = f"coalesce(try_strptime(raw_time, {every}), {zoned}, {serial_sql('raw_time')})"
    if time_col and scan.typed.get(layout.columns["search_time"]) == "TIMESTAMP":
        ts, raw = time_col, "NULL::VARCHAR"  # a cell that does not parse is rejected, then read as text
    plausible = f"CASE WHEN ts0 >= TIMESTAMP '{_PLAUSIBLE[0]}' AND ts0 < TIMESTAMP '{_PLAUSIBLE[1]}' THEN ts0 END"
    id_col = _col(source, "id")
    if id_col and scan.typed.get(layout.columns["id"]) == "UUID":
        uid, id_raw = id_col, "NULL"
    else:
        uid = f"TRY_CAST({id_col} AS UUID)" if id_col else "NULL"
        id_raw = f"CASE WHEN {uid} IS NULL THEN nullif(trim({id_col}), '') END" if id_col else "NULL"
    net_col = _col(source, "networks")
    networks = "NULL::INTEGER" if not net_col else (
        net_col if scan.typed.get(layout.columns["networks"]) == "INTEGER" else f"TRY_CAST({net_col} AS INTEGER)")
    # The columns only the main pass measures (reach in cameras, Time Frame, Moderation): other passes leave
    # them out, so the evidence pass does not carry a Time Frame text per row.
    tf_col, mod_col = _col(source, "time_frame"), _col(source, "moderation")
    devices = _integer(scan, "devices") if facts else "NULL::INTEGER"
    tf_raw = f"nullif({tf_col}, '')" if tf_col and facts else "NULL::VARCHAR"
    moderation = f"nullif(trim({mod_col}), '')" if mod_col and facts else "NULL::VARCHAR"
    header = _header_reason(source)
    is_header = f"coalesce({reason} = {quote(header)}, false)" if header is not None else "false"
    is_blank = _blank(scan, quick=facts and not scan.exact_blank)
    # Rows are numbered straight off the reader: a filter over the numbered rows (samples) is then applied
    # below the time parsing, which runs only on the rows that pass (numbered above the parsing, every row
    # was parsed before the filter could run: most of the samples' cost).
    rn, read = ("rn, ", f"(SELECT row_number() OVER () AS rn, * FROM {_read_csv(scan)})") if numbered else (
        "", _read_csv(scan))
    return (
        f"SELECT {rn}{uid} AS uid, {id_raw} AS id_raw, {org} AS org, {reason} AS reason, "
        f"{plausible} AS ts, raw_time AS ts_raw, {networks} AS networks, {devices} AS devices, "
        f"{tf_raw} AS tf_raw, {moderation} AS moderation, "
        f"{is_header} AS is_header, {is_blank} AS is_blank{_extra(source, extra)}"
        f"{', filename' if scan.files else ''} "
        f"FROM (SELECT *, {ts} AS ts0 FROM (SELECT *, {raw} AS raw_time FROM {read}))"
    )


# Blank: none of the cells that make a row a search -- what the audit reads, and what identifies a search
# (its ID, the officer, the plate, the case): a row holding only an officer and a plate is a search by an
# unknown organisation, never a blank line. Other columns are not tested: that would make the reader parse
# every column. Even the identifying cells cost the main pass a tenth of a second per million rows (the
# reader must build them only to test them), so it tests just the cells it reads anyway (``_READ``): a
# row empty there is only a candidate, and a source with candidates is read again with the exact test
# (``load.load``); a log without blank rows, the usual case, is read once.
_READ = ("org", "reason", "offense_type", "search_time", "networks", "devices")
_IDENTIFYING = ("id", "user", "plate", "case")


def _blank(scan: Scan, quick: bool) -> str:
    layout = scan.source.layout
    fields = {i for name in (_READ if quick else _READ + _IDENTIFYING) if (i := layout.column(name)) is not None}
    if layout.split_date is not None:
        fields.add(layout.split_date)
    if quick and not fields:
        return _blank(scan, quick=False)
    empty = [f"c{i} IS NULL" if i in scan.typed else f"coalesce(c{i}, '') = ''" for i in sorted(fields)]
    return f"({' AND '.join(empty)})" if empty else "false"


def _extra(source: Source, names: tuple[str, ...]) -> str:
    return "".join(f", nullif(trim({c}::VARCHAR), '') AS x_{n}" if (c := _col(source, n))
                   else f", NULL::VARCHAR AS x_{n}" for n in names)


def _integer(scan: Scan, name: str) -> str:
    """A count column as INTEGER: read typed when samples allowed it, else cast (unreadable -> NULL)."""
    column = _col(scan.source, name)
    if not column:
        return "NULL::INTEGER"
    return column if scan.typed.get(scan.source.layout.columns[name]) == "INTEGER" else f"TRY_CAST({column} AS INTEGER)"


def lookback_sql(scan: Scan) -> str:
    """Days between the start of the searched window (``Time Frame``: ``<start> UTC`` and ``<end> UTC`` on two
    lines, or ``<start> UTC to <end> UTC``) and the search: how far back the search looked. NULL when the log
    has no Time Frame or the start does not parse. The start is written like the search time, so the sampled
    time format is tried first (one pattern per row, not thirty)."""
    if scan.source.layout.column("time_frame") is None:
        return "NULL::DOUBLE"
    start = "trim(split_part(split_part(tf_raw, chr(10), 1), ' to ', 1))"
    fmt = time_format(scan.source.time_samples)
    every = "[" + ", ".join(quote(f) for f in TIME_FORMATS) + "]"
    parsed = (f"coalesce(try_strptime({start}, {quote(fmt)}), try_strptime({start}, {every}))"
              if fmt not in (None, EXCEL_SERIAL, ISO_TZ) else f"try_strptime({start}, {every})")
    width = {len(v.strip()) for v in scan.source.time_samples if v and v.strip()}
    if fmt not in (None, EXCEL_SERIAL, ISO_TZ) and len(width) == 1:
        # Times of one width (zero-padded, as exports write them): the start is the cell's first that many
        # characters when a line break, a space or the end follows them, parsed without splitting the cell
        # (half the cost); any other start (a longer time, a four-digit year after a two-digit sample) takes
        # the full path.
        n = width.pop()
        quick = (f"CASE WHEN substr(tf_raw, {n + 1}, 1) IN ('', chr(10), chr(13), ' ') "
                 f"THEN try_strptime(left(tf_raw, {n}), {quote(fmt)}) END")
        parsed = f"coalesce({quick}, {parsed})"
    # Most searches have no Time Frame: skip them before parsing (the fallback would run on every NULL).
    return f"CASE WHEN tf_raw IS NOT NULL THEN (epoch(ts) - epoch({parsed})) / 86400.0 END"


def base(scan: Scan, numbered: bool = False, facts: bool = False, extra: tuple[str, ...] = ()) -> str:
    """The source's rows in the shared shape, before flags (``rn`` too when numbered or de-duplicating), with
    ``x_<name>`` for each ``extra`` layout column."""
    return _select(scan, numbered or scan.inner_duplicates, facts, extra)


def rows(scan: Scan, numbered: bool = False, over: str | None = None, facts: bool = False) -> str:
    """Every row of the source with its ``flag`` (KEPT, HEADER, DUPLICATE, BLANK) and, if ``numbered``, ``rn``.

    ``rn`` (1-based record number) needs an order-preserving read; the aggregation pass does without it
    (parallel). ``over`` replaces the read with a relation of the same shape (an ordered table carrying
    ``rn``). A duplicate is an ID an earlier source already had (``seen_*`` tables: each duplicated ID's
    first source, filled by ``dedup``) or, when IDs repeat inside this source, any but the first occurrence.
    """
    relation = over or f"({base(scan, numbered, facts)})"
    if not scan.dedup:
        return (f"SELECT *, CASE WHEN is_header THEN {HEADER} WHEN is_blank THEN {BLANK} ELSE {KEPT} END::UTINYINT "
                f"AS flag FROM {relation}")
    inner = ("OR (coalesce(r.uid::VARCHAR, r.id_raw) IS NOT NULL AND "
             "row_number() OVER (PARTITION BY r.uid, r.id_raw ORDER BY r.rn) > 1)" if scan.inner_duplicates else "")
    return f"""
        SELECT r.*, CASE WHEN r.is_header THEN {HEADER} WHEN r.is_blank THEN {BLANK}
                         WHEN su.src IS NOT NULL OR sr.src IS NOT NULL {inner} THEN {DUPLICATE}
                         ELSE {KEPT} END::UTINYINT AS flag
        FROM {relation} r
        LEFT JOIN seen_uid su ON r.uid = su.uid AND su.src < {scan.src}
        LEFT JOIN seen_raw sr ON r.id_raw = sr.id_raw AND sr.src < {scan.src}"""


def _header_reason(source: Source) -> str | None:
    """The reason value a repeated header row produces (exports pasted together repeat their header)."""
    layout = source.layout
    if not layout.has_header:
        return None
    texts = [layout.headers[i] for i in (layout.column("reason"), layout.column("offense_type")) if i is not None]
    return " - ".join(texts) or None


def rejected(con: Any, src: int) -> tuple[int, bool, bool]:
    """Rows the reader rejected in the last read of ``src``, whether any was a type (cast) failure and whether
    any row had too few cells."""
    count, casts, short = con.execute(
        f"SELECT count(DISTINCT line), count(*) FILTER (error_type = 'CAST'), "
        f"count(*) FILTER (error_type = 'MISSING COLUMNS') FROM rej{src}").fetchone()
    return int(count), bool(casts), bool(short)


def encoding_errors(con: Any, src: int) -> int:
    """Rows the last read of ``src`` rejected because their bytes are not UTF-8."""
    return int(con.execute(f"SELECT count(*) FROM rej{src} WHERE error_type = 'INVALID ENCODING'").fetchone()[0])


def rejected_lines(con: Any, src: int, limit: int = 5) -> list[int]:
    """Physical line numbers of the first rejected rows, for the error message."""
    query = f"SELECT DISTINCT line FROM rej{src} ORDER BY line LIMIT {int(limit)}"
    return [int(r[0]) for r in con.execute(query).fetchall()]


def label_sql(scan: Scan, label: str | None = None) -> str:
    """The ``file`` of a row in samples and evidence (over rows numbered ``rn``): ``label`` (the source's label
    unless given, e.g. neutralised for a spreadsheet). A table read from a PDF names each row's page and line
    there (``audit.pdf#page 3 line 12``): the source's places, a constant list indexed by ``rn`` (PDF tables
    are small; a constant in the query, not a join, so rows keep their order)."""
    text = scan.source.label if label is None else label
    places = scan.source.places
    if not places:
        return quote(text)
    listed = "[" + ", ".join(quote(p) for p in places) + "]"
    return f"({quote(text + '#')} || coalesce({listed}[rn], 'row ' || (rn + {scan.row_offset - 1})))"


def put_table(con: Any, name: str, header: Sequence[str], rows: Iterable[Sequence[object]], work: Path) -> None:
    """Create a small lookup table from Python rows (through a CSV file: fast and dependency-free)."""
    path = work / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    types = "{" + ", ".join(f"'{h}': 'VARCHAR'" for h in header) + "}"
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv({quote(str(path))}, header=true, "
                f"columns={types}, quote='\"', escape='\"')")
