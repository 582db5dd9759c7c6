"""Sources read alike -- the monthly files of one export: one layout, the same column types and time format --
read together, in one read of all their files, each row's source found from its file name.

Twelve monthly files read one by one cost the main pass about 1.5 times one file of the same rows, and their
IDs, needed to find searches released twice, cost a second read of every file. Read together, the main
pass's groupings cover all the files (kept under the first one's source, ``Scan.read_with``), one more counts
each file's rows (``load.BY_FILE``: its figures), and another keeps the hashes of IDs that occur more than once
(``load.ID_REPEATS``). When the one read covered every source and no hash repeats, no search can repeat and
``dedup`` reads no IDs at all; otherwise it reads them (``read_ids``) and settles the copies as before (should
copies differ, the files read together are first read again one by one: ``dedup.apart``).

A read together is only an optimisation. A file that needs settings of its own -- the reader rejected a row
of it (a cast, a short row, a malformed line, bytes that are not UTF-8) -- is read on its own by ``load.load``,
which handles each case, and the rest are read together again; a read the engine gives up on sends every file
back to ``load.load`` (its error then names the file), and a group naming one file twice is never formed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from configscan.audit.passes.engine import BLANK, HEADER, KEPT, Scan, quote, rows
from configscan.audit.passes.load import BY_FILE, ID_REPEATS, LoadStats, aggregate, read_errors
from configscan.errors import InputError


def groups(scans: list[Scan]) -> list[list[Scan]]:
    """The sources in groups read alike (in source order; a group of one reads on its own). The test is the
    read itself: two sources are alike when their reads differ only in the file's path."""
    alike: dict[str, list[Scan]] = {}
    for scan in scans:
        plain = replace(scan, src=0, dedup=False, inner_duplicates=False)
        key = rows(plain, facts=True).replace(quote(str(scan.source.path)), "?")
        alike.setdefault(key, []).append(scan)
    out: list[list[Scan]] = []
    for group in alike.values():
        if len({str(s.source.path) for s in group}) < len(group):  # one file read as two sources
            out.extend([s] for s in group)
        else:
            out.append(group)
    return out


def load(con: Any, group: list[Scan], threshold: int, hashed: bool) -> dict[int, LoadStats]:
    """Aggregate the sources of ``group`` into ``parts`` in one read; return each one's figures. A file the
    reader rejected a row of (or whose bytes are not UTF-8) is left out, for the caller to read on its own, and
    the rest are read together again; ``parts`` holds nothing of a source left out."""
    members = list(group)
    for _ in range(4):  # all; without the files that need their own reads; the blank-row test made exact
        if len(members) < 2:
            break
        srcs = ", ".join(str(s.src) for s in members)
        try:
            aggregate(con, members[0], threshold, hashed, together=members)
        except InputError:  # the engine gave up on a file: read one by one, each error names its file
            break
        odd = _rejecting(con, members[0].src)
        if odd:
            con.execute(f"DELETE FROM parts WHERE src IN ({srcs})")
            members = [s for s in members if str(s.source.path) not in odd]
            continue
        totals = {src: (int(kept), int(header), int(blank)) for src, kept, header, blank in con.execute(f"""
            SELECT src, coalesce(sum(n) FILTER (flag NOT IN ({HEADER}, {BLANK})), 0),
                   coalesce(sum(n) FILTER (flag = {HEADER}), 0), coalesce(sum(n) FILTER (flag = {BLANK}), 0)
            FROM parts WHERE (src IN ({srcs}) OR src IS NULL) AND gs = {BY_FILE} GROUP BY src""").fetchall()}
        if None in totals:  # a row whose file name maps to no source (the reader named a file otherwise)
            break
        if any(t[2] for t in totals.values()) and not members[0].exact_blank:
            for scan in members:  # blank-row candidates: read again with the exact test (see ``load.load``)
                scan.exact_blank = True
            continue
        for scan in members:
            scan.read_with = members[0].src
        counted = {s.src: totals.get(s.src, (0, 0, 0)) for s in members}  # a file of headers alone has no row
        return {src: LoadStats(rows=kept, rejected=0, header_repeats=header, blank=blank)
                for src, (kept, header, blank) in counted.items()}
    every = ", ".join(str(s.src) for s in group)
    con.execute(f"DELETE FROM parts WHERE src IN ({every}) OR src IS NULL")  # all of it is read one by one
    return {}


def _rejecting(con: Any, src: int) -> set[str]:
    """The files of the last read together the reader rejected a row of (any reason: a cast, a short row, a
    malformed line, bytes that are not UTF-8)."""
    return {str(path) for (path,) in con.execute(
        f"SELECT DISTINCT s.file_path FROM rej{src} r JOIN rejscan{src} s USING (scan_id, file_id)").fetchall()}


def repeats(con: Any) -> bool:
    """Whether a read together found an ID more than once (see ``load``)."""
    return bool(con.execute(f"SELECT count(*) FROM parts WHERE gs = {ID_REPEATS}").fetchone()[0])


def read_ids(con: Any, scans: list[Scan]) -> None:
    """Add each kept search's ID and a hash of its content to ``ids`` (one row each), read with the settings
    the main pass settled on for each source (types, padding, encoding), so it reads the same rows; sources
    read alike in one read of all their files.

    A pass of its own, after the main pass, and only when IDs may repeat: as a branch of the main pass, every
    ID went into ``parts`` (a wide table) or a per-file grouping, either costing more per monthly file than
    this narrow read (5 M rows in 12 files: about 3.5 s of the main pass)."""
    for group in groups([replace(s, dedup=False, inner_duplicates=False) for s in scans]):
        first = group[0]
        if len(group) == 1:
            _read_ids(con, first, f"{first.src}", rows(first))
            continue
        files = {str(s.source.path): s.src for s in group}
        mapping = " ".join(f"WHEN {quote(path)} THEN {src}" for path, src in files.items())
        _read_ids(con, first, f"CASE filename {mapping} END", rows(replace(first, files=tuple(files))))


def _read_ids(con: Any, first: Scan, src: str, relation: str) -> None:
    con.execute(f"DROP TABLE IF EXISTS rej{first.src}")
    con.execute(f"DROP TABLE IF EXISTS rejscan{first.src}")
    with read_errors(first):
        con.execute(f"""
            INSERT INTO ids SELECT {src}, uid, id_raw, hc
            FROM (SELECT *, hash(org, reason, ts, networks) AS hc FROM ({relation})
                  WHERE flag = {KEPT} AND (uid IS NOT NULL OR id_raw IS NOT NULL))""")
