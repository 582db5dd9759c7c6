"""A few evidence rows per finding subject, found by a filtered, numbered read that stops when it has them.

The main pass keeps no rows, so the sample rows (file, row number, ID, time, organisation, reason) come
from a second read restricted to rows of the subjects still short of samples. Row numbers need an
order-preserving read (single-threaded); the results are streamed and the read is abandoned as soon as
every subject has its samples. Common subjects (out-of-state searchers, vague reasons) fill within the
first rows, so an unfiltered head is read first; the filtered read then names only the rarer subjects, and
restarts after the last row seen with a narrower filter as subjects fill, so Python only ever sees a small
fraction of the rows and the cost depends on where the rarest subject first appears. With several sources
each is read as it is (no de-duplicating joins); a search two files share is one sample (by ID).

A run that writes the evidence CSV has each source's rows in a table already, in file order (``evidence``
loads them in parallel, numbered by position): the samples are then read from that table, with the same
queries and in the same order, instead of from the file (5 M rows, 2 %, under the profiler: 0.31 s against
1.27-1.51 s for the single-threaded read of the file), so both runs show the same samples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from configscan.audit.passes.engine import KEPT, Scan, label_sql, quote, rows

Subject = tuple[str, str | None]
Samples = dict[Subject, list[dict[str, Any]]]
KEYS = ("file", "row", "ID", "time", "org", "reason", "networks")
SAMPLED_CATEGORIES = ("vague", "reproductive_health")
_BATCH = 256  # small: fetchmany waits until it has this many rows (or the end)
# A narrower read restarts from the top, so it re-parses the rows already read (about 1 us each, single
# threaded) to save passing unwanted rows through Python (about 10 us each): restart once the rows seen
# since the last read started are a sixteenth of the prefix that must be read again, and at least this many.
_RESTART_MIN = 2_048
_HEAD = 20_000  # rows read unfiltered first (see _head)
_MAX_READS = 8  # per source: the last read always runs to the end of the file


@dataclass(frozen=True)
class Labels:
    """What Python knows of each distinct value: an organisation's class and state; the category of each reason
    in a sampled category (``reason_sql.SAMPLED``): any other reason is absent, read as "other"."""

    klass: dict[str | None, str]
    state: dict[str | None, str]
    category: dict[str | None, str]


def quotas(con: Any, wanted: dict[str, list[str | None]], per_key: int) -> dict[Subject, int]:
    """How many samples each subject can have: ``per_key``, or fewer when it has fewer rows."""
    need: dict[Subject, int] = {}
    for kind, column, table in (("org", "sum(n)", "gx"),
                                ("immigration", "sum(n) FILTER (category = 'immigration_purpose')", "gx"),
                                ("sweep", "sum(sweeps)", "by_org_month")):
        orgs = [o for o in wanted.get(kind, []) if o is not None]
        if orgs:
            for org, n in con.execute(f"SELECT org, {column} FROM {table} WHERE org IN (SELECT unnest(?::VARCHAR[])) "
                                      "GROUP BY org", [orgs]).fetchall():
                if n:
                    need[(kind, org)] = min(per_key, int(n))
    for category, n in con.execute("SELECT category, sum(n) FROM gx WHERE category IN "
                                   f"{SAMPLED_CATEGORIES} GROUP BY 1").fetchall():
        need[("category", category)] = min(per_key, int(n))
    for state, n in con.execute("SELECT coalesce(state, '??'), sum(n) FROM gx WHERE klass = 'out_of_state' "
                                "GROUP BY 1").fetchall():
        need[("state", state)] = min(per_key, int(n))
    return need


def _subjects(org: str | None, reason: str | None, networks: int | None, labels: Labels, threshold: int,
              ) -> Iterable[Subject]:
    category = labels.category.get(reason, "other")  # only sampled categories are listed (reason_sql.SAMPLED)
    yield ("org", org)
    if category == "immigration_purpose":
        yield ("immigration", org)
    if networks is not None and networks >= threshold:
        yield ("sweep", org)
    if category in SAMPLED_CATEGORIES:
        yield ("category", category)
    if labels.klass.get(org) == "out_of_state":
        yield ("state", labels.state.get(org) or "??")


def _head(scan: Scan, rows_wanted: int, over: str | None) -> str:
    """The first kept rows, unfiltered: common subjects fill here, and the filtered read's IN-lists (slow to
    plan when long: every out-of-state organisation) then hold only the rarer subjects."""
    return f"{_numbered(scan, over)} WHERE r.flag = {KEPT} LIMIT {int(rows_wanted)}"


def _numbered(scan: Scan, over: str | None) -> str:
    """The sample columns (rn first, then KEYS) over the source's rows in file order, as ``r``; ``over``: a
    relation holding them already, numbered (see ``engine.rows``)."""
    return f"""
        SELECT r.rn, {label_sql(scan)}, r.rn - 1 + {scan.row_offset}, coalesce(r.uid::VARCHAR, r.id_raw),
               coalesce(strftime(r.ts, '%Y-%m-%d %H:%M:%S'), r.ts_raw), r.org, r.reason, r.networks
        FROM ({rows(scan, numbered=True, over=over)}) r"""


def _query(scan: Scan, need: dict[Subject, int], labels: Labels, threshold: int, after: int, over: str | None,
           ) -> str:
    """The read for the subjects still short of samples, from record ``after`` on."""
    by_kind: dict[str, set[str | None]] = {}
    for kind, key in need:
        by_kind.setdefault(kind, set()).add(key)
    states, categories = by_kind.get("state", set()), by_kind.get("category", set())
    org_sets = {
        "fed": [o for o in by_kind.get("org", ()) if o is not None],
        "imm": [o for o in by_kind.get("immigration", ()) if o is not None],
        "sweep": [o for o in by_kind.get("sweep", ()) if o is not None],
        "state": [o for o, k in labels.klass.items()
                  if o is not None and k == "out_of_state" and (labels.state.get(o) or "??") in states],
    }
    reason_sets = {
        "imm": [r for r, c in labels.category.items() if r is not None and c == "immigration_purpose"],
        "cat": [r for r, c in labels.category.items() if r is not None and c in categories],
    }
    null_reason = "vague" in categories or labels.category.get(None, "vague") in categories
    # Constant IN-lists, not joins: a join's build side makes DuckDB buffer the stream instead of yielding.
    conditions = [
        f"r.org IN {_lit(org_sets['fed'])}", f"r.org IN {_lit(org_sets['state'])}",
        f"(r.org IN {_lit(org_sets['imm'])} AND r.reason IN {_lit(reason_sets['imm'])})",
        f"(r.org IN {_lit(org_sets['sweep'])} AND r.networks >= {int(threshold)})",
        f"r.reason IN {_lit(reason_sets['cat'])}",
    ] + (["r.reason IS NULL"] if null_reason else [])
    return f"""{_numbered(scan, over)}
        WHERE r.rn > {int(after)} AND r.flag = {KEPT} AND ({" OR ".join(conditions)})"""


def _lit(values: list[str]) -> str:
    """An SQL value list; ``(NULL)`` matches nothing, so an empty list is still valid SQL."""
    if not values:
        return "(NULL)"
    return "(" + ", ".join(quote(v) for v in sorted(values)) + ")"


def _take(row: tuple[Any, ...], need: dict[Subject, int], found: Samples, labels: Labels, threshold: int) -> None:
    for subject in _subjects(row[5], row[6], row[7], labels, threshold):
        left = need.get(subject)
        if left and not (row[3] is not None and any(s["ID"] == row[3] for s in found.get(subject, ()))):
            found.setdefault(subject, []).append(dict(zip(KEYS, row[1:], strict=True)))
            if left == 1:
                del need[subject]
            else:
                need[subject] = left - 1


def _read(con: Any, scan: Scan, need: dict[Subject, int], found: Samples, labels: Labels, threshold: int,
          head_rows: int, over: str | None) -> int:
    """Fill ``need`` from one source; return how many rows its unfiltered head took (see :class:`Sampler`)."""
    # Samples read each source as it is, without the de-duplicating joins against earlier sources' IDs
    # (each would build a hash table of every ID read so far): a search both files hold is a true row of
    # either, and _take skips an ID a subject already has.
    scan = replace(scan, dedup=False, inner_duplicates=False)
    head = con.execute(_head(scan, head_rows, over)).fetchall() if head_rows else []
    for row in head:
        _take(row, need, found, labels, threshold)
    if (head_rows and len(head) < head_rows) or not need:
        return len(head)  # the whole source was in the head, or every subject is filled
    after, reads = int(head[-1][0]) if head else 0, 0
    while need:
        reads += 1
        cursor = con.execute(_query(scan, need, labels, threshold, after, over))
        start, seen, restart = len(need), 0, False
        while need and not restart:
            batch = cursor.fetchmany(_BATCH)
            if not batch:
                return len(head)
            for row in batch:
                after = int(row[0])
                _take(row, need, found, labels, threshold)
            seen += len(batch)
            restart = (len(need) < start and seen >= max(_RESTART_MIN, after // 16) and reads < _MAX_READS)
    return len(head)


@dataclass
class Sampler:
    """The samples of a run, filled one source at a time in source order: the first rows (file order) of
    each subject -- federal ``org``, ``immigration`` and ``sweep`` per organisation, ``category`` (vague,
    reproductive health) and ``state`` (out-of-state searchers)."""

    labels: Labels
    threshold: int
    need: dict[Subject, int]
    found: Samples
    head_rows: int = _HEAD  # one unfiltered head for all sources (monthly files would each pass 20,000 rows)

    @classmethod
    def start(cls, con: Any, wanted: dict[str, list[str | None]], labels: Labels, threshold: int,
              per_key: int = 3) -> Sampler:
        return cls(labels, threshold, quotas(con, wanted, per_key), {})

    def read(self, con: Any, scan: Scan, over: str | None = None) -> None:
        """Fill what is still needed from one source: its file, or ``over``, a table of its rows in file
        order (``engine.rows``'s ``over``)."""
        if self.need:
            self.head_rows -= _read(con, scan, self.need, self.found, self.labels, self.threshold, self.head_rows,
                                    over)

