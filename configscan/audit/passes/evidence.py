"""The evidence CSV: every row behind a finding, once per category it falls in.

Columns: ``file, row, ID, time, org, reason, category, rule, networks``. ``row`` is the record's row
number as a spreadsheet shows it (header = row 1). DuckDB writes the file from one numbered read of each source to
a hidden staging file beside the target (a large source as consecutive pieces written at once, then appended to
it); :func:`publish` renames it over the user's path only once the whole run (reports included) has succeeded,
so a failed run never leaves a half-written evidence file.

Formula injection: a text cell taken from the log (``file``, ``ID``, ``time``, ``org``, ``reason``) that starts
with ``= + - @``, a tab or a carriage return is written with a leading ``'`` (textsafe), so a spreadsheet shows it
as text instead of running it. ``row`` and ``networks`` are numbers and are written as they are (``-5`` is data);
``category`` and ``rule`` hold configscan's own identifiers. It is done in the query, once per row before the
fan-out into categories, and only where log text is written as found: the file label is a constant, and an ID
read as a UUID or a time configscan formatted cannot start with a trigger.

Staging is per run: :func:`staged` claims a uniquely named, locked file (``.{name}.configscan-{pid}-{random}
.partial``, created with O_EXCL) for the run's life, so two runs given the same target never share one; each
publishes (renames) and discards only its own. A SIGKILL'd run's file is removed by a later run (leftovers.py).
"""

from __future__ import annotations

import contextvars
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from configscan import leftovers
from configscan.atomic import mode_for
from configscan.audit.passes.engine import KEPT, Scan, base, label_sql, quote, rows
from configscan.errors import InputError
from configscan.textsafe import neutralise_cell, neutralise_sql

COLUMNS = ("file", "row", "ID", "time", "org", "reason", "category", "rule", "networks")


# Every category a row can fall in, alphabetically: the order a row's categories are written in.
CATEGORIES = ("back_door", "federal_searcher", "immigration_agency", "immigration_purpose", "out_of_state",
              "reproductive_health", "sweep", "unverified_searcher", "vague")
_BIT = {name: 1 << index for index, name in enumerate(CATEGORIES)}
_REASON_CATEGORIES = ("immigration_agency", "immigration_purpose", "reproductive_health", "vague")
# A reason can name an immigration agency and show an immigration purpose: its agency bit is set from the
# ``agency`` column, and its rule holds '<category rule>|<agency rule>' so each row names its own rule.


def _labels(con: Any, with_config: bool) -> None:
    """Per distinct organisation and reason, the evidence categories it puts a row in, as a bit mask
    (``ev_org``, ``ev_reason``: one row per value, NULL included), joined onto the rows by value.

    The joins do not keep file order (see :func:`_label_rows`). (Earlier this was an ENUM of every distinct
    value indexing a list of masks, which kept file order without a sort but cost 16 s at 970,000 distinct
    reasons.)
    """
    back_door = f"CASE WHEN listed = '0' THEN {_BIT['back_door']} ELSE 0 END" if with_config else "0"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ev_org AS
        SELECT org, CASE klass WHEN 'federal' THEN {_BIT['federal_searcher']}
                               WHEN 'out_of_state' THEN {_BIT['out_of_state']}
                               WHEN 'unclassified' THEN {_BIT['unverified_searcher']}
                               WHEN 'redacted' THEN {_BIT['unverified_searcher']}
                               WHEN 'state_unknown' THEN {_BIT['unverified_searcher']} ELSE 0 END
                    | {back_door} AS bits
        FROM org_class""")
    reason_bits = " ".join(f"WHEN '{c}' THEN {_BIT[c]}" for c in _REASON_CATEGORIES)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ev_reason AS
        SELECT t.reason, CASE c.category {reason_bits} ELSE 0 END
                         | CASE WHEN c.agency <> '' THEN {_BIT['immigration_agency']} ELSE 0 END AS bits,
               coalesce(c.rule, '') || '|' || coalesce(c.agency, '') AS rule  -- NULL in either made the pair NULL
        FROM reason_class c JOIN reason_text t ON c.hr = t.hr
        WHERE c.category IN {_REASON_CATEGORIES} OR c.agency <> ''""")


def _label_rows(con: Any, scan: Scan, threshold: int) -> None:
    """Load the source (``ev_rows``, numbered by position: a parallel, order-preserving load) and label every
    row (``ev_lab``: its categories as bits, 0 for a row in none or not kept, and its reason's rule).

    The labels come from joins, which do not keep order, so ``ev_lab`` is sorted by position: a narrow
    table, cheap to sort, that then pairs with ``ev_rows`` row for row (``POSITIONAL JOIN``), so the wide
    rows are written in file order without being sorted themselves (sorting them cost a third more).
    """
    # Tables of the database, not of this connection (TEMP): the pieces are written through cursors of their own.
    con.execute(f"CREATE OR REPLACE TABLE ev_rows AS {base(scan)}")
    positioned = loaded(scan)
    con.execute(f"""
        CREATE OR REPLACE TABLE ev_lab AS
        SELECT r.rid, CASE WHEN r.flag = {KEPT} THEN coalesce(o.bits, 0) | coalesce(e.bits, 0)
                           | CASE WHEN r.networks >= {int(threshold)} THEN {_BIT['sweep']} ELSE 0 END
                      ELSE 0 END AS bits, e.rule AS reason_rule
        FROM ({rows(scan, over=positioned)}) r
        LEFT JOIN ev_org o ON r.org IS NOT DISTINCT FROM o.org
        LEFT JOIN ev_reason e ON r.reason IS NOT DISTINCT FROM e.reason
        ORDER BY r.rid""")


def loaded(scan: Scan) -> str:
    """The source's rows as loaded (``ev_rows``), each with its position (``rid``) and record number (``rn``,
    read already where IDs repeat inside the source): ``engine.rows``'s ``over``."""
    return "(SELECT *, rowid AS rid FROM ev_rows)" if scan.inner_duplicates else \
        "(SELECT *, rowid AS rid, rowid + 1 AS rn FROM ev_rows)"


def _rows_of(scan: Scan, first: int, last: int) -> str:
    """The flagged rows of ``ev_rows`` from position ``first`` to ``last`` in file order, one per category they
    fall in (categories in order). ``ev_lab`` is sorted by position, so the same positions of both tables pair."""
    names = "[" + ", ".join(f"'{c}'" for c in CATEGORIES) + "]"
    reason_mask = sum(_BIT[c] for c in _REASON_CATEGORIES)
    return f"""
        SELECT {label_sql(scan, neutralise_cell(scan.source.label))} AS file,
               rn - 1 + {scan.row_offset} AS row, "ID", time,
               org, reason, CASE WHEN bits & {reason_mask} <> 0 THEN reason_rule END AS rule, networks,
               unnest(list_filter({names}, lambda x, i: (bits >> (i - 1)) & 1 = 1)) AS category
        FROM (SELECT l.rid + 1 AS rn, coalesce(r.uid::VARCHAR, {neutralise_sql("r.id_raw")}) AS "ID",
                     coalesce(strftime(r.ts, '%Y-%m-%d %H:%M:%S'), {neutralise_sql("r.ts_raw")}) AS time,
                     {neutralise_sql("r.org")} AS org, {neutralise_sql("r.reason")} AS reason, r.networks,
                     l.reason_rule, l.bits
              FROM (SELECT * FROM ev_rows WHERE rowid BETWEEN {first} AND {last}) r
              POSITIONAL JOIN (SELECT * FROM ev_lab WHERE rowid BETWEEN {first} AND {last}) l)
        WHERE bits <> 0"""


# Rows per piece at least: the engine writes one CSV file on one thread when it keeps the rows' order, so a
# large source is written as consecutive pieces, one per thread at once, joined afterwards (5 M rows, 650 MB
# written: 5.3 s as one file, 3.1 s as two pieces on two cores; the same bytes).
PIECE_ROWS = 500_000


def write(con: Any, scans: list[Scan], target: Path, threshold: int, with_config: bool,
          each: Callable[[Scan, str], None] | None = None) -> int:
    """Write the evidence CSV to ``target`` (a work-directory path); return the number of rows written.

    A second, numbered read of each source (row numbers need file order), keeping only rows that fall in
    at least one category: the file's size follows the flagged rows, not the input. Each source is written
    as pieces of at least ``PIECE_ROWS`` rows, as many at once as the engine has threads. ``each`` is called
    with every source and its loaded rows (:func:`loaded`) while they are held, in source order (the samples
    are read from them).
    """
    _labels(con, with_config)
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    pieces: list[Path] = []
    written = 0
    for scan in scans:
        _label_rows(con, scan, threshold)
        if each is not None:
            each(scan, loaded(scan))
        count = int(con.execute("SELECT count(*) FROM ev_rows").fetchone()[0])
        parts = max(1, min(threads, count // max(1, PIECE_ROWS)))
        bounds = [(i * count // parts, (i + 1) * count // parts - 1) for i in range(parts)]
        # The first piece is the target itself (the claimed, locked file); the others are appended to it.
        paths = [Path(target) if len(pieces) + i == 0 else Path(f"{target}.{len(pieces) + i}") for i in range(parts)]
        written += _write_pieces(con, scan, bounds, paths, header=not pieces)
        pieces += paths
        con.execute("DROP TABLE ev_rows")
        con.execute("DROP TABLE ev_lab")
    _append(Path(target), pieces[1:])
    return written


def _write_pieces(con: Any, scan: Scan, bounds: list[tuple[int, int]], paths: list[Path], header: bool) -> int:
    """Write each range of positions to its path, at once, each through a cursor of its own; the first piece
    of the whole file carries the header. An error in any piece is raised here."""

    def piece(index: int) -> int:
        first, last = bounds[index]
        query = f"""
            SELECT file, row, "ID", time, org, reason, category,
                   CASE WHEN category = 'immigration_agency' THEN split_part(rule, '|', 2)
                        WHEN category IN {_REASON_CATEGORIES} THEN split_part(rule, '|', 1) END AS rule, networks
            FROM ({_rows_of(scan, first, last)})"""
        cursor = con.cursor() if len(paths) > 1 else con
        try:
            # USE_TMP_FILE false: write the claimed (locked) file's own pieces, not "<path>.tmp" renamed over them.
            result = cursor.execute(f"COPY ({query}) TO {quote(str(paths[index]))} "
                                    f"(HEADER {str(header and index == 0).lower()}, DELIMITER ',', "
                                    "USE_TMP_FILE false)").fetchone()
        finally:
            if cursor is not con:
                cursor.close()
        return int(result[0]) if result else 0

    if len(paths) == 1:
        return piece(0)
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        return sum(pool.map(piece, range(len(paths))))


def _append(target: Path, pieces: list[Path]) -> None:
    """Append the pieces after the first to ``target`` in order, removing each once copied."""
    if not pieces:
        return
    with target.open("ab") as out:
        for piece in pieces:
            with piece.open("rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 20)
            piece.unlink()


@dataclass(frozen=True)
class _Staging:
    path: Path
    fd: int  # held open (and locked) for the run's life


# The staging files of the runs in progress in this context, by target. A context variable rather than an
# argument so the audit code keeps asking ``staging_path(target)``; each run sets and resets its own.
_STAGED: contextvars.ContextVar[dict[Path, _Staging]] = contextvars.ContextVar("configscan_evidence_staged")


def _key(target: Path) -> Path:
    return Path(os.path.abspath(target))


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """Claim this run's staging file for ``target`` (yielded) for the duration; discard it on the way out.

    Created beside the target (publishing is then a rename, no copy of a file that can be larger than the
    input) with mkstemp (O_EXCL, a random name carrying this pid) and locked. Missing folders are created, as
    for reports; a folder that cannot be written is an input error up front, not after the whole read.
    """
    target = Path(target)
    with ExitStack() as stack:
        with leftovers.signals_held():  # a signal now would strand the file before its removal is registered
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(prefix=leftovers.file_prefix(target), suffix=".partial",
                                            dir=target.parent)
            except OSError as exc:
                raise InputError(str(target), f"cannot write the evidence file ({exc.strerror or exc})") from exc
            staging = _Staging(Path(name), fd)
            stack.callback(os.close, fd)
            stack.callback(_remove, staging.path)
            stack.callback(_STAGED.reset, _STAGED.set({**_STAGED.get({}), _key(target): staging}))
            leftovers.lock(fd)
        yield staging.path


def _current(target: Path) -> _Staging:
    try:
        return _STAGED.get({})[_key(target)]
    except KeyError:
        raise LookupError(f"no evidence staging claimed for {target}; run inside evidence.staged()") from None


def staging_path(target: Path) -> Path:
    """This run's staging file for ``target`` (claimed by :func:`staged`): hidden, beside the target."""
    return _current(target).path


def publish(target: Path) -> None:
    """Rename this run's finished evidence over ``target`` (atomic on one filesystem), with the permissions a
    plain write would give (mkstemp makes the file private)."""
    staging = _current(target)
    os.fchmod(staging.fd, mode_for(Path(target)))
    os.replace(staging.path, target)


def _remove(path: Path) -> None:
    """Remove a staging file and any per-source parts (``<staging>.0``, ``.1``, ...) written beside it."""
    path.unlink(missing_ok=True)
    for part in path.parent.iterdir():
        if part.name.startswith(f"{path.name}.") and part.name[len(path.name) + 1:].isdigit():
            part.unlink(missing_ok=True)


def discard(target: Path) -> None:
    """Remove this run's staging file (never another run's), e.g. when the run did not finish."""
    staging = _STAGED.get({}).get(_key(target))
    if staging is not None:
        _remove(staging.path)
