"""The same search in many releases, counted once: linked by its UUID, else by a looser key.

Tiers, in order: the search's ID (a UUID, or any other ID text); where the ID was removed, the loose key
(searching organisation + search time + networks searched + Time Frame). A loose key is left unlinked, and
counted as ambiguous, when it is not one search for sure: the same key twice in one release (two searches in
the same second by the same organisation), or carried by two different IDs. A row without a time or a
searching organisation has no loose key and stays a search of its own.

Each search's reason and case number come from its first copy (release order, file, row) that is not blank
or a redaction marker: a reason redacted in one release and present in another is recovered, and the
evidence row of the redacted copy names the release it came from. Everything is SQL over ``crow`` (see
``load``); the result is ``searches`` (one row per search) and ``linked`` (each row with its search ``sk``).
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


# A copy's place as one number, release then file then row (each non-negative, within 16, 32 and 64 bits), so
# "the first copy" is an ``arg_min`` over a fixed-width key: over a list of the three it cost 3.5x as much.
_ORDER = "((rel::HUGEINT << 96) | (src::HUGEINT << 64) | row::HUGEINT)"
_MISSING_FIRST = "(({flag})::HUGEINT << 120)"  # copies without the value sort after every copy with it


def link(con: Any) -> Tiers:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE keyed AS
        SELECT rowid AS k, *, CASE WHEN ts IS NOT NULL AND org IS NOT NULL
                                   THEN hash(org, ts, networks, coalesce(tf, '')) END AS lk,
               {_ORDER} AS ord
        FROM crow""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE loose AS
        SELECT lk, max(per_release) > 1 OR count(DISTINCT ident) > 1 AS ambiguous, any_value(ident) AS ident
        FROM (SELECT lk, rel, coalesce(uid::VARCHAR, 'id:' || id_raw) AS ident,
                     count(DISTINCT coalesce(uid::VARCHAR, 'id:' || id_raw, 'row:' || k)) OVER (PARTITION BY lk, rel)
                     AS per_release
              FROM keyed WHERE lk IS NOT NULL)
        GROUP BY lk""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE linked AS
        SELECT r.*,
               CASE WHEN r.uid IS NOT NULL OR r.id_raw IS NOT NULL THEN 'id'
                    WHEN r.lk IS NULL THEN 'none' WHEN l.ambiguous THEN 'ambiguous' ELSE 'loose' END AS tier,
               CASE WHEN r.uid IS NOT NULL OR r.id_raw IS NOT NULL THEN coalesce(r.uid::VARCHAR, 'id:' || r.id_raw)
                    WHEN r.lk IS NOT NULL AND NOT l.ambiguous THEN coalesce(l.ident, 'key:' || r.lk::VARCHAR)
                    ELSE 'row:' || r.k::VARCHAR END AS sk
        FROM keyed r LEFT JOIN loose l ON r.lk = l.lk""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE searches AS
        SELECT sk, count(*) AS copies, count(*) FILTER (tier = 'id') AS by_id,
               count(*) FILTER (tier = 'loose') AS by_loose,
               arg_min(org, ord) AS org, arg_min(ts, ord) AS ts, max(networks) AS networks,
               arg_min(reason, reason_ord) AS reason, arg_min(rel, reason_ord) AS reason_rel,
               bool_and(no_reason) AS reason_missing,
               arg_min(case_no, case_ord) AS case_no, arg_min(rel, case_ord) AS case_rel,
               bool_and(no_case) AS case_missing
        FROM (SELECT *, {_MISSING_FIRST.format(flag="no_reason")} | ord AS reason_ord,
                     {_MISSING_FIRST.format(flag="no_case")} | ord AS case_ord
              FROM (SELECT *, {missing_sql('reason')} AS no_reason, {missing_sql('case_no')} AS no_case FROM linked))
        GROUP BY sk""")
    row = con.execute(f"""
        SELECT (SELECT count(*) FROM linked), count(*),
               coalesce(sum(CASE WHEN by_id > 0 THEN by_id - 1 ELSE 0 END), 0),
               coalesce(sum(CASE WHEN by_id > 0 THEN by_loose ELSE greatest(by_loose - 1, 0) END), 0),
               (SELECT count(*) FROM linked WHERE tier = 'ambiguous'),
               (SELECT count(*) FROM linked WHERE tier = 'none'),
               (SELECT count(*) FROM linked l JOIN searches s USING (sk)
                WHERE {missing_sql('l.reason')} AND NOT s.reason_missing),
               (SELECT count(*) FROM linked l JOIN searches s USING (sk)
                WHERE {missing_sql('l.case_no')} AND NOT s.case_missing)
        FROM searches""").fetchone()
    return Tiers(*(int(v) for v in row))
