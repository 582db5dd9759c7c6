"""The same search in many releases, counted once: linked by its UUID, else by a looser key.

Tiers, in order: the search's ID (a UUID, or any other ID text); where the ID was removed, the loose key
(searching organisation + search time + networks searched + Time Frame). A loose key is left unlinked, and
counted as ambiguous, when it is not one search for sure: the same key twice in one release (two searches in
the same second by the same organisation), or carried by two different IDs. A row without a time or a
searching organisation has no loose key and stays a search of its own.

Each search's reason and case number come from its first copy (release order, file, row) that is not blank
or a redaction marker: a reason redacted in one release and present in another is recovered, and the
evidence row of the redacted copy names the release it came from. Everything is SQL over ``crow`` (see
``load``); the result is ``linked`` (each row with its search ``sk``), ``multi`` (the keys of the searches
with several copies), ``msearch`` (one row per such search) and the view ``searches`` (one row per search:
``msearch`` and every other row of ``linked``, a search released once being its one row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from configscan.audit.findings import reasons
from configscan.audit.passes.engine import quote


@dataclass
class Tiers:
    rows: int
    searches: int
    linked_by_id: int  # rows that are another copy of a search already counted, by ID
    linked_by_loose_key: int  # rows without an ID joined to a search by the loose key
    ambiguous_unlinked: int  # rows without an ID whose loose key is not unique (left as searches of their own)
    no_key: int  # rows without an ID, time or organisation (searches of their own)
    reasons_recovered: int  # rows whose reason is blank or redacted, recovered from another release's copy
    cases_recovered: int


def missing_sql(column: str) -> str:
    """True where ``column`` holds no value: blank, or a redaction marker (the reason rules' marker list)."""
    marker = quote("(?i)" + reasons._REDACTION.pattern)
    return f"({column} IS NULL OR trim({column}) = '' OR regexp_full_match(trim({column}), {marker}))"


# A copy's place as one 64-bit number, file then row, so "the first copy" is an ``arg_min`` over a fixed-width
# key (over a list of release, file and row it cost 3.5x as much, over a 128-bit key a third more). Sources are
# numbered in load order, release by release (``load``), so the file's number orders the releases too. A file
# number takes 22 bits (4 M files) and a row number 40 (10^12 rows); bit 62 is the missing-value flag below.
_ORDER = "((src::BIGINT << 40) | row)"
_MISSING_FIRST = "(({flag})::BIGINT << 62)"  # copies without the value sort after every copy with it
# A search's key, 128 bits: its UUID itself; any other ID text, a loose key or a row, an MD5 of it (tagged so
# the kinds cannot meet; at 10^8 searches two MD5s coincide with odds near 10^-22). Fixed-width keys group
# several times faster than the texts they replace.
_ID_KEY = ("CASE WHEN {p}uid IS NOT NULL THEN {p}uid::UHUGEINT "
           "WHEN {p}id_raw IS NOT NULL THEN md5_number('id:' || {p}id_raw) END")


def link(con: Any, files: int, last_row: int, provenance: bool = True) -> Tiers:
    """Link the copies (see the module's docstring) of the rows of ``files`` sources, none numbered past
    ``last_row`` (``load.Loaded``). ``provenance``: also take each search's case number and the releases its
    reason and case number came from, which only the evidence CSV shows (NULL otherwise: three fewer values per
    search to carry through the grouping: 19.6 s -> 14.4 s at 20 M rows)."""
    if files > 1 << 22 or last_row >= 1 << 40:  # beyond any corpus, but a first copy must never be misread
        raise RuntimeError(f"{files:,} files or {last_row:,} rows in one file: more than a copy's order holds")
    # Loose keys matter only where a row has no ID; for each such key, in each release, more than one search
    # (two rows without an ID, or two different IDs) makes it ambiguous, as do two different IDs across
    # releases. Distinct IDs are told by their smallest and largest key, not counted.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE loose AS
        WITH per AS (
            SELECT lk, rel, count_if(idk IS NULL) AS noid, min(idk) AS lo, max(idk) AS hi
            FROM (SELECT lk, rel, {_ID_KEY.format(p="")} AS idk FROM crow
                  WHERE lk IN (SELECT lk FROM crow WHERE uid IS NULL AND id_raw IS NULL AND lk IS NOT NULL))
            GROUP BY lk, rel)
        SELECT lk, bool_or(noid + (lo IS NOT NULL)::INTEGER > 1 OR coalesce(lo <> hi, false))
                   OR coalesce(min(lo) <> max(hi), false) AS ambiguous,
               min(lo) AS ident
        FROM per GROUP BY lk""")
    # Every row with its tier and search key: a view (computed where it is read), not a second copy of the
    # rows, which at tens of millions of rows spilled to disk.
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW linked AS
        SELECT c.rowid AS k, c.*,
               CASE WHEN c.uid IS NOT NULL OR c.id_raw IS NOT NULL THEN 'id' WHEN c.lk IS NULL THEN 'none'
                    WHEN l.ambiguous THEN 'ambiguous' ELSE 'loose' END AS tier,
               CASE WHEN c.uid IS NOT NULL OR c.id_raw IS NOT NULL THEN {_ID_KEY.format(p="c.")}
                    WHEN c.lk IS NOT NULL AND NOT l.ambiguous
                    THEN coalesce(l.ident, md5_number('key:' || c.lk::VARCHAR))
                    ELSE md5_number('row:' || c.rowid::VARCHAR) END AS sk
        FROM crow c LEFT JOIN loose l ON c.lk = l.lk AND c.uid IS NULL AND c.id_raw IS NULL""")
    # A search released once (every search of a national corpus of distinct searches, most of any corpus) is
    # its row: only the keys with several copies go through the grouping that picks each value's first copy,
    # and only those searches are held (``msearch``); ``searches`` adds the others as a view, read where the
    # evidence needs them. Holding them too cost a copy of every row's texts, which at 20 M rows spilled.
    con.execute("CREATE OR REPLACE TEMP TABLE multi AS SELECT sk FROM linked GROUP BY sk HAVING count(*) > 1")
    rows = f"""SELECT sk, tier, rel, org, ts, networks, reason, case_no, {_ORDER} AS ord,
                      {missing_sql('reason')} AS no_reason, {missing_sql('case_no')} AS no_case FROM linked"""
    if provenance:
        sources = """arg_min(rel, reason_ord) AS reason_rel, bool_and(no_reason) AS reason_missing,
                     arg_min(case_no, case_ord) AS case_no, arg_min(rel, case_ord) AS case_rel"""
    else:
        sources = """NULL::USMALLINT AS reason_rel, bool_and(no_reason) AS reason_missing,
                     NULL::VARCHAR AS case_no, NULL::USMALLINT AS case_rel"""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE msearch AS
        SELECT sk, count(*) AS copies, count(*) FILTER (tier = 'id') AS by_id,
               count(*) FILTER (tier = 'loose') AS by_loose, count_if(no_reason) AS reason_blank,
               count_if(no_case) AS case_blank,
               arg_min(org, ord) AS org, arg_min(ts, ord) AS ts, max(networks) AS networks,
               arg_min(reason, reason_ord) AS reason, {sources}, bool_and(no_case) AS case_missing
        FROM (SELECT *, {_MISSING_FIRST.format(flag="no_reason")} | ord AS reason_ord,
                     {_MISSING_FIRST.format(flag="no_case")} | ord AS case_ord
              FROM ({rows}) WHERE sk IN (SELECT sk FROM multi))
        GROUP BY sk""")
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW searches AS
        SELECT * FROM msearch
        UNION ALL
        SELECT sk, 1, (tier = 'id')::BIGINT, (tier = 'loose')::BIGINT, no_reason::BIGINT, no_case::BIGINT, org,
               ts, networks, reason, rel, no_reason, case_no, rel, no_case
        FROM ({rows}) r WHERE NOT EXISTS (SELECT 1 FROM multi m WHERE m.sk = r.sk)""")
    return _tiers(con)


def _tiers(con: Any) -> Tiers:
    """The tiers' figures: the searches with several copies from ``msearch``, and the rest by counting rows (a
    search released once is its row, linked to nothing and with nothing to recover; a row left unlinked, for an
    ambiguous loose key or none, is always one, as its key is its own row's, so ``msearch`` counts neither)."""
    multi = con.execute("""
        SELECT coalesce(sum(copies), 0), count(*),
               coalesce(sum(CASE WHEN by_id > 0 THEN by_id - 1 ELSE 0 END), 0),
               coalesce(sum(CASE WHEN by_id > 0 THEN by_loose ELSE greatest(by_loose - 1, 0) END), 0),
               coalesce(sum(reason_blank) FILTER (NOT reason_missing), 0),
               coalesce(sum(case_blank) FILTER (NOT case_missing), 0)
        FROM msearch""").fetchone()
    rows, ambiguous, none = (int(v) for v in con.execute(
        "SELECT count(*), count(*) FILTER (tier = 'ambiguous'), count(*) FILTER (tier = 'none') FROM linked"
    ).fetchone())
    copies, searches, by_id, by_loose, reasons_, cases = (int(v) for v in multi)
    return Tiers(rows=rows, searches=searches + rows - copies, linked_by_id=by_id, linked_by_loose_key=by_loose,
                 ambiguous_unlinked=ambiguous, no_key=none, reasons_recovered=reasons_, cases_recovered=cases)
