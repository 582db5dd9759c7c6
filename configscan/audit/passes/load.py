"""The main pass: one parallel read per source folded straight into small aggregates (no row table).

Each source is read once, in parallel, and the rows fan out to three groupings at the same time (one
common table expression consumed by three GROUP BYs): per (organisation, reason, month) a count; per
(organisation, month) the count, first and last search, widest search, sweeps and unreadable times; per
reason its key. One grouping serves both the per-organisation and the per-month counts by reason: as two
groupings, (organisation, reason) and (reason, month), they cost a third more at 5 M rows with 96 % distinct
reasons (8.4 s against 5.4 s for the pass, best of three; both large tables were then joined to the classes
too), and 0.2 s less at 2 % (2.7 s against 2.9 s). Each grouping computes only its own aggregates, which is why
this is not written as ``GROUPING SETS`` (those compute every aggregate for every set: a quarter more work,
measured).

Reasons are keyed by a 64-bit hash of their text (``hr``; organisations likewise, ``ho``): the grouping
of (organisation, reason, month) holds only fixed-size keys, and every later table and join
(classes, per-organisation counts, months, the reasons table) works on them. The texts are kept once, in
the per-reason grouping (``reason_text``), and read only where a report shows them. Text grouping and
joining cost several times more when reasons are case numbers and names (5 M rows, 4.8 M distinct reasons:
about 9 s of joins and regroupings on text). Should two distinct texts ever share a hash, ``combine`` (for
organisations) or ``aggregate.build_groups`` (for reasons) says so (``HashCollision``) and the caller reads
again keyed on text, numbering the texts instead -- an exact result either way.

De-duplication by search ID matters only when several sources are read (overlapping monthly releases,
stacked exports). Each source is then read without it. Sources read alike are read together (``alike``:
one read of all their files, grouped per source too), which also finds whether any ID occurs twice; when
one read covered every source and none did, nothing more is read. Otherwise ``dedup`` reads every source's
IDs (``alike.read_ids``: a narrow read, one row per kept search into ``ids``) and settles the duplicates. A
single source is not checked for repeated IDs (no overlap to remove).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from configscan.audit.passes.engine import (
    BLANK,
    DUPLICATE,
    HEADER,
    KEPT,
    Scan,
    encoding_errors,
    lookback_sql,
    quote,
    rejected,
    rows,
    typed_columns,
)
from configscan.errors import InputError

# Which grouping a row of ``parts`` comes from. A read of several files together (``alike``) adds two: BY_FILE,
# each file's rows by flag (the per-file figures: its groupings are kept under its first source only), and
# ID_REPEATS, the hash of a search ID (``hid``) that occurs more than once among them (none: no search repeats).
BY_ORG_REASON_MONTH, BY_ORG_MONTH, BY_REASON, ID_REPEATS, BY_FILE = 1, 2, 16, 32, 64

# What the (organisation, month) grouping also measures, in the same pass: the widest search in cameras;
# searches wide enough to prove national lookup ("wide": networks >= the sweep threshold or cameras >= the
# camera threshold) with their first and last time; searches whose Time Frame reaches back past the retention
# limit ("deep") with the longest look-back and their first and last time; rows with a Moderation value and
# two of those values (the smallest and largest) to quote.
_FACTS = ("max_dev", "wide", "wide_first", "wide_last", "deep", "max_back", "deep_first", "deep_last", "moderated",
          "mod_min", "mod_max")
_FACT_TYPES = {"max_dev": "INTEGER", "wide": "BIGINT", "wide_first": "TIMESTAMP", "wide_last": "TIMESTAMP",
               "deep": "BIGINT", "max_back": "DOUBLE", "deep_first": "TIMESTAMP", "deep_last": "TIMESTAMP",
               "moderated": "BIGINT", "mod_min": "VARCHAR", "mod_max": "VARCHAR"}
_COLUMNS = ("gs", "flag", "org", "reason", "ho", "hr", "m", "n", "first_ts", "last_ts", "max_net", "sweeps", "bad_time",
            *_FACTS, "hid")
_PARTS = f"""
CREATE TABLE IF NOT EXISTS parts (
    src USMALLINT, gs INTEGER, flag UTINYINT, org VARCHAR, reason VARCHAR, ho UBIGINT, hr UBIGINT, m TIMESTAMP,
    n BIGINT,
    first_ts TIMESTAMP, last_ts TIMESTAMP, max_net INTEGER, sweeps BIGINT, bad_time BIGINT,
    {", ".join(f"{c} {t}" for c, t in _FACT_TYPES.items())}, hid UBIGINT)"""
# Each kept search's ID and a hash of its content, as ``dedup`` reads them (see ``read_ids``).
_IDS = "CREATE TABLE ids (src USMALLINT, uid UUID, id_raw VARCHAR, hc UBIGINT)"


class NotUtf8(Exception):
    """The reader rejected rows as invalid UTF-8: the caller transcodes the source and loads it again."""


class HashCollision(Exception):
    """Two distinct organisations or reasons share a 64-bit hash (odds about 1 in 10^7 for a million
    distinct values): read again keyed on text."""


@dataclass
class LoadStats:
    rows: int  # records read, repeated headers and blank rows excluded (duplicates included: see ``dedup``)
    rejected: int
    header_repeats: int
    blank: int


def prepare(con: Any, dedup: bool) -> None:
    con.execute(_PARTS)
    if dedup:
        con.execute("CREATE TABLE seen_uid (uid UUID, src USMALLINT)")
        con.execute("CREATE TABLE seen_raw (id_raw VARCHAR, src USMALLINT)")
        con.execute(_IDS)


def reset(con: Any) -> None:
    """Forget everything loaded so far (before loading every source again)."""
    # Views of ``parts`` (one source read), tables (several): whichever they are.
    for name, kind in con.execute("SELECT table_name, table_type FROM information_schema.tables WHERE table_name "
                                  "IN ('g', 'reason_text')").fetchall():
        con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} {name}")
    for table in ("parts", "seen_uid", "seen_raw", "ids"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _branch(gs: int, keys: dict[str, str], values: dict[str, str], src: str = "", where: str = "") -> str:
    """One grouping of the fan-out: its keys and aggregates, every other column of ``parts`` as NULL; ``src``:
    a read of several files selects each row's source first (a constant, or ``src`` when it is a key)."""
    typed = {"org": "VARCHAR", "reason": "VARCHAR", "ho": "UBIGINT", "hr": "UBIGINT", "m": "TIMESTAMP", "n": "BIGINT",
             "first_ts": "TIMESTAMP", "last_ts": "TIMESTAMP", "max_net": "INTEGER", "sweeps": "BIGINT",
             "bad_time": "BIGINT", "hid": "UBIGINT", **_FACT_TYPES}
    chosen = {"gs": str(gs), "flag": "flag", **keys, **values}
    columns = ", ".join(f"{chosen[c]} AS {c}" if c in chosen else f"NULL::{typed[c]} AS {c}" for c in _COLUMNS)
    return (f"SELECT {src + ' AS src, ' if src else ''}{columns} FROM src {where} "
            f"GROUP BY {', '.join(['flag', *keys.values()])}")


def aggregate(con: Any, scan: Scan, threshold: int, hashed: bool, joins: bool = False,
              together: Sequence[Scan] = ()) -> None:
    """Run the fanned-out grouped scan of one source straight into ``parts`` (replacing what an earlier read
    of the same source left there: one query and no staging copy, whose write cost as much as a grouping).

    Without ``joins`` every row counts (duplicates are resolved afterwards, see ``dedup``); with them (IDs
    already settled), the rows an earlier source already had, or an earlier row of this one, are flagged
    DUPLICATE. ``together``: sources read alike (``scan`` is the first), read in one read of all their files,
    each row's source found from its file name. Their groupings are kept under ``scan`` alone (the report sums
    them anyway; grouped per file too, 12 monthly files of 5 M rows took 8.65 and 8.81 s against 7.67 and
    8.96 s at 20 % distinct reasons, 16.50 and 15.76 s against 13.95 and 14.13 s at 96 %); two more groupings
    count each file's rows (BY_FILE) and find the IDs that repeat among them (ID_REPEATS).
    """
    first = str(scan.src) if together else ""
    pair = {"ho": "ho", "hr": "hr"} if hashed else {"org": "org", "reason": "reason"}
    branches = [
        _branch(BY_ORG_REASON_MONTH, {**pair, "m": "m"}, {"n": "count(*)"}, first),
        _branch(BY_ORG_MONTH, {"org": "org", "m": "m"}, {
            "n": "count(*)", "first_ts": "min(ts)", "last_ts": "max(ts)", "max_net": "max(networks)",
            "sweeps": f"count_if(networks >= {int(threshold)})", "bad_time": "count_if(ts IS NULL)",
            **_facts(scan, threshold)}, first),
        # Each text once, with its key and count (grouped on the text: carrying a text through a grouping on
        # its hash costs half as much again).
        _branch(BY_REASON, {"reason": "reason"}, {"hr": "any_value(hr)", "n": "count(*)"}, first),
    ]
    plain = scan if joins else replace(scan, dedup=False, inner_duplicates=False)
    if together:
        files = {str(s.source.path): s.src for s in together}
        which = "CASE filename " + " ".join(f"WHEN {quote(path)} THEN {n}" for path, n in files.items()) + " END"
        relation = rows(replace(plain, files=tuple(files)), facts=True)
        branches.append(_branch(BY_FILE, {"src": "src"}, {"n": "count(*)"}, "src"))
        # Kept searches with an ID, grouped by the ID's hash across every file: only hashes seen twice are kept
        # (usually none), so a run of monthly files needs no second read of their IDs (``alike.load``).
        branches.append(_branch(ID_REPEATS, {"hid": "hid"}, {"n": "count(*)"}, first,
                                f"WHERE flag = {KEPT} AND hid IS NOT NULL") + " HAVING count(*) > 1")
        head = f"{which} AS src, "
        ids = ", CASE WHEN uid IS NOT NULL OR id_raw IS NOT NULL THEN hash(uid, id_raw) END AS hid"
        into, drop = "", f"src IN ({', '.join(str(s.src) for s in together)})"
    else:
        relation = rows(plain, facts=True)
        head, ids, into, drop = "", "", f"{scan.src}, ", f"src = {scan.src}"
    con.execute(f"DROP TABLE IF EXISTS rej{scan.src}")
    con.execute(f"DROP TABLE IF EXISTS rejscan{scan.src}")
    con.execute(f"DELETE FROM parts WHERE {drop}")
    with read_errors(scan):
        con.execute(f"""
            INSERT INTO parts (src, {", ".join(_COLUMNS)}) SELECT {into}* FROM (
            WITH src AS (SELECT {head}flag, org, reason, {"hash(org)" if hashed else "NULL::UBIGINT"} AS ho,
                                {"hash(reason)" if hashed else "NULL::UBIGINT"} AS hr, ts, networks,
                                date_trunc('month', ts) AS m{_measured(scan)}{ids} FROM ({relation}))
            {" UNION ALL ".join(branches)})""")


def _measured(scan: Scan) -> str:
    """The row-level columns ``_facts`` aggregates, only those the source has (the rest are constants)."""
    layout = scan.source.layout
    out = ""
    if layout.column("devices") is not None:
        out += ", devices"
    if layout.column("time_frame") is not None:
        out += f", {lookback_sql(scan)} AS back"
    if layout.column("moderation") is not None:
        out += ", moderation"
    return out


def wide_sql(scan: Scan, threshold: int) -> str:
    """A search wide enough to prove national lookup: networks over the sweep threshold, or cameras over the
    camera threshold."""
    devices = f" OR devices >= {int(scan.wide_devices)}" if scan.source.layout.column("devices") is not None else ""
    return f"(networks >= {int(threshold)}{devices})"


def deep_sql(scan: Scan) -> str:
    """A search whose window starts further back than the retention limit allows (with a minute's grace for
    a window set to exactly the limit)."""
    if scan.lookback_limit is None or scan.source.layout.column("time_frame") is None:
        return "false"
    return f"(back > {float(scan.lookback_limit) + 1 / 1440!r})"


def _facts(scan: Scan, threshold: int) -> dict[str, str]:
    """The (organisation, month) grouping's extra aggregates; absent columns cost nothing (NULL or 0)."""
    layout = scan.source.layout
    has = {name: layout.column(name) is not None for name in ("devices", "time_frame", "moderation")}
    wide, deep = wide_sql(scan, threshold), deep_sql(scan)
    out = {"wide": f"count_if({wide})", "wide_first": f"min(ts) FILTER ({wide})",
           "wide_last": f"max(ts) FILTER ({wide})"}
    if has["devices"]:
        out["max_dev"] = "max(devices)"
    if has["time_frame"]:
        out["max_back"] = "max(back)"
        if deep != "false":
            out |= {"deep": f"count_if({deep})", "deep_first": f"min(ts) FILTER ({deep})",
                    "deep_last": f"max(ts) FILTER ({deep})"}
    if has["moderation"]:
        out |= {"moderated": "count(moderation)", "mod_min": "min(moderation)", "mod_max": "max(moderation)"}
    return out


def reaggregate(con: Any, scan: Scan, threshold: int, hashed: bool) -> int:
    """Replace one source's groupings with a read that flags its duplicates; return how many it dropped."""
    aggregate(con, scan, threshold, hashed, joins=True)
    dropped = con.execute(f"SELECT coalesce(sum(n), 0) FROM parts WHERE src = {scan.src} "
                          f"AND gs = {BY_ORG_REASON_MONTH} AND flag = {DUPLICATE}").fetchone()[0]
    return int(dropped)


@contextmanager
def read_errors(scan: Scan) -> Iterator[None]:
    """A read the engine gives up on (malformed beyond rejecting rows, unreadable file): one input error naming
    the source, with the first line of the engine's message."""
    import duckdb

    try:
        yield
    except (duckdb.InvalidInputException, duckdb.IOException, duckdb.ConversionException) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(scan.source.label, f"cannot be read as CSV ({first})") from exc


def load(con: Any, scan: Scan, threshold: int, hashed: bool = True) -> LoadStats:
    """Aggregate one source into ``parts``."""
    scan.typed = typed_columns(scan.source)
    while True:  # at most four reads: each retry turns off one of three optimisations for this source
        aggregate(con, scan, threshold, hashed)
        if encoding_errors(con, scan.src):
            raise NotUtf8
        count, casts, short = rejected(con, scan.src)
        totals = con.execute(f"""
            SELECT coalesce(sum(n) FILTER (flag NOT IN ({HEADER}, {BLANK})), 0),
                   coalesce(sum(n) FILTER (flag = {HEADER}), 0), coalesce(sum(n) FILTER (flag = {BLANK}), 0)
            FROM parts WHERE src = {scan.src} AND gs = {BY_ORG_REASON_MONTH}""").fetchone()
        candidates = bool(totals[2]) and not scan.exact_blank
        retry = (casts and bool(scan.typed)) or (short and not scan.padded) or candidates
        if casts:
            scan.typed = {}  # a row did not fit the sampled types: read every cell as text
        if short:
            scan.padded = True  # rows that leave out trailing empty cells: pad them (a serial read)
        if candidates:
            scan.exact_blank = True  # rows empty in every cell read: test their identifying cells too
        if not retry:
            break
    return LoadStats(rows=int(totals[0]), rejected=count, header_repeats=int(totals[1]), blank=int(totals[2]))


def combine(con: Any, hashed: bool = True) -> None:
    """Fold every source's kept rows into the tables the report reads, all keyed on ``ho`` and ``hr``:
    ``g`` (ho, hr, m, n), ``by_org_month`` (per organisation text and month), ``org_hash`` (org, ho) and
    ``reason_text`` (reason, hr, n: one row per distinct reason, with its searches).

    ``g`` is a view of ``parts``: with several sources a key can have a row in each
    (and a negative one where duplicates were subtracted), which their readers sum anyway (summing them here
    first cost about 2 s at 5 M rows in 12 files with 96 % distinct reasons). ``reason_text`` must hold each
    reason once (its classes are joined by key): one read's already does, several reads' are summed.
    Keyed on text (``hashed`` false, after a collision), the texts are numbered and the groupings mapped onto
    the numbers. Raises HashCollision when two distinct organisations share a hash.
    """
    kept = f"FROM parts WHERE flag = {KEPT} AND gs ="
    # Each reason once already: its rows come from one read (one source, or files read together) and none was
    # subtracted (``dedup`` subtracts copies as negative rows).
    single = con.execute(f"SELECT count(DISTINCT src) <= 1 AND count(*) FILTER (n < 0) = 0 FROM parts "
                         f"WHERE gs = {BY_REASON}").fetchone()[0]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE by_org_month AS
        SELECT m, org, sum(n) AS n, min(first_ts) AS first_ts, max(last_ts) AS last_ts, max(max_net) AS max_net,
               sum(sweeps) AS sweeps, sum(bad_time) AS bad_time, max(max_dev) AS max_dev, sum(wide) AS wide,
               min(wide_first) AS wide_first, max(wide_last) AS wide_last, sum(deep) AS deep, max(max_back) AS max_back,
               min(deep_first) AS deep_first, max(deep_last) AS deep_last, sum(moderated) AS moderated,
               min(mod_min) AS mod_min, max(mod_max) AS mod_max
        {kept} {BY_ORG_MONTH} GROUP BY ALL""")
    if not hashed:
        _number_texts(con, kept)
        return
    con.execute("CREATE OR REPLACE TEMP TABLE org_hash AS SELECT DISTINCT org, hash(org) AS ho FROM by_org_month")
    con.execute(f"CREATE OR REPLACE TEMP VIEW g AS SELECT ho, hr, m, n {kept} {BY_ORG_REASON_MONTH}")
    if single:
        con.execute(f"CREATE OR REPLACE TEMP VIEW reason_text AS SELECT reason, hr, n {kept} {BY_REASON}")
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE reason_text AS SELECT reason, any_value(hr) AS hr, sum(n) AS n "
                    f"{kept} {BY_REASON} GROUP BY reason")
    # Organisations are few: checked here. Reasons can be millions: a shared key shows, at no extra cost, as
    # rows counted twice when the groups are joined to their classes (``aggregate.build_groups``).
    if con.execute("SELECT count(*) - count(DISTINCT ho) FROM org_hash").fetchone()[0]:
        raise HashCollision


def _number_texts(con: Any, kept: str) -> None:
    """:func:`combine` keyed on text: each distinct organisation and reason numbered, the groupings mapped
    onto the numbers (text joins: slower, and only ever needed after a hash collision)."""
    con.execute("CREATE OR REPLACE TEMP TABLE org_hash AS "
                "SELECT org, row_number() OVER (ORDER BY org NULLS FIRST)::UBIGINT AS ho "
                "FROM (SELECT DISTINCT org FROM by_org_month)")
    con.execute("CREATE OR REPLACE TEMP TABLE reason_text AS "
                "SELECT reason, row_number() OVER (ORDER BY reason NULLS FIRST)::UBIGINT AS hr, n "
                f"FROM (SELECT reason, sum(n) AS n {kept} {BY_REASON} GROUP BY reason)")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE g AS
        SELECT o.ho, r.hr, p.m, sum(p.n) AS n
        FROM (SELECT org, reason, m, n {kept} {BY_ORG_REASON_MONTH}) p
        JOIN org_hash o ON p.org IS NOT DISTINCT FROM o.org JOIN reason_text r ON p.reason IS NOT DISTINCT FROM r.reason
        GROUP BY ALL""")
