"""Findings per camera owner, under the owner's state law, with each searcher's category.

The owner of a release is its producing agency (a network audit logs searches of the producer's cameras),
unless its file names each row's owner. An owner's searches are the distinct searches (``dedup``) among its
rows, each with the reason recovered across releases. They are grouped for all owners at once (``groups``),
searchers are classified against each owner's state, and the audit's findings run unchanged against a rule set
built for the owner's state, from the facts of the searchers they may name and every group's tallies (``named``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configscan.audit.findings.build import all_findings
from configscan.audit.findings.facts import AuditFacts
from configscan.audit.findings.searchers import Searcher, classify_searchers
from configscan.audit.findings.tally import Tallies
from configscan.audit.passes import aggregate, reason_sql
from configscan.audit.passes.engine import put_table
from configscan.audit.run import DEFAULT_WIDE_DEVICES, lookback_limit
from configscan.corpus import groups, named
from configscan.corpus.manifest import Release
from configscan.findings import Finding, Severity
from configscan.jurisdictions.layers import build_ruleset
from configscan.jurisdictions.loader import PackLibrary, RuleSet
from configscan.partners import Classifier


@dataclass
class Owner:
    agency: str
    state: str
    releases: list[str]
    searches: int = 0
    searchers: int = 0
    by_searcher: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    # Held only while the owner's outputs are written (``evaluate`` yields owners one by one); what the index
    # and the exit code need stays in ``found`` and ``worst``.
    findings: list[Finding] = field(default_factory=list)
    found: int = 0
    worst: Severity | None = None

    @property
    def rank(self) -> int:
        """The worst finding's severity rank (-1: none): the index's order and the exit code."""
        return self.worst.rank if self.worst is not None else -1


def owners_of(releases: list[Release]) -> tuple[list[Owner], dict[int, int]]:
    """One owner per (agency, state); and each release's owner index."""
    index: dict[tuple[str, str], int] = {}
    owners: list[Owner] = []
    of_release: dict[int, int] = {}
    for rel, release in enumerate(releases):
        key = (release.agency, release.state)
        if key not in index:
            index[key] = len(owners)
            owners.append(Owner(release.agency, release.state, []))
        owners[index[key]].releases.append(release.name)
        of_release[rel] = index[key]
    return owners, of_release


def evaluate(con: Any, releases: list[Release], work: Path, classifier: Classifier, as_of: dt.date,
             threshold: int, keep_rows: bool = True, owner_columns: bool = True) -> Iterator[Owner]:
    """Each owner some search belongs to, in the manifest's order, with its findings: a batch of owners'
    facts at a time, so a national corpus's thousands of owners are never all held (the caller writes each
    owner's outputs and lets its findings go). ``keep_rows``: the released rows and searches are read again
    after the owners (the evidence CSV); else they are dropped once each owner's searches are taken.
    ``owner_columns``: some file has a camera-owner column (``load.Loaded.owner_column``)."""
    owners, of_release = owners_of(releases)
    put_table(con, "rel_owner", ("rel", "owner", "state"), ((r, o, releases[r].state) for r, o in of_release.items()),
              work)
    _named_owners(con, owners, releases, work, owner_columns)
    con.execute(f"CREATE OR REPLACE TEMP VIEW lown AS {OWNED}")
    put_table(con, "owner_meta", ("owner", "agency", "state"), ((i, o.agency, o.state) for i, o in enumerate(owners)),
              work)
    con.execute(OWNER_SEARCHES)
    if not keep_rows:
        _drop_rows(con)
    hashed = _reason_keys(con)
    reason_sql.classify(con, work)
    groups.build(con, threshold, hashed)
    memo = _classify(con, owners, classifier, work)
    totals = groups.totals(con)
    present = {int(number) for number in totals}  # the owners some search belongs to
    library = PackLibrary()
    rules: dict[str, RuleSet] = {}
    # Facts come owner by owner, in owner order, a span of owners read at a time (never all held): only the
    # organisations the owner's findings may name, with every group's tallies (``named``).
    facts = named.owner_facts(con)
    pending = next(facts, None)
    for number in sorted(present):
        orgs: dict[str | None, aggregate.OrgFacts] = {}
        tallies = Tallies(complete=False)
        if pending is not None and pending[0] == number:
            (_, orgs, tallies), pending = pending, next(facts, None)
        owner = owners[number]
        if owner.state not in rules:
            rules[owner.state] = build_ruleset(library, f"US-{owner.state}", as_of, None, None)
        mine = totals[number]
        owner.searches, owner.searchers = mine["searches"], mine["orgs_total"]
        owner.by_searcher, owner.by_category = mine["by_searcher"], mine["by_category"]
        verdicts = memo.get(owner.state, {})
        audit = AuditFacts(orgs=orgs, searchers={org: verdicts[org] for org in orgs},
                           threshold=threshold, wide_devices=DEFAULT_WIDE_DEVICES,
                           retention=lookback_limit(rules[owner.state]),
                           tallies=None if tallies.complete else tallies)  # complete: counted from every one
        owner.findings = all_findings(audit, rules[owner.state], None, {})
        owner.found = len(owner.findings)
        owner.worst = max((f.severity for f in owner.findings), key=lambda v: v.rank, default=None)
        yield owner


# Each released row's owner: the one its file names for the row (a corpus gathering many agencies' releases),
# else its release's agency from the manifest.
OWNED = """
    SELECT l.*, coalesce(n.owner::INTEGER, ro.owner::INTEGER) AS owner
    FROM linked l JOIN rel_owner ro ON l.rel = ro.rel::INTEGER
    LEFT JOIN named_owner n ON n.name = l.owner_name AND n.state = coalesce(l.owner_state, ro.state)"""


# Each owner's searches (``osearch``), only the columns the owners' tables read. A search released once (``dedup``
# leaves it out of ``multi``; every search of a national corpus of distinct searches) is its own row, which
# has the search's values and one owner, so it is taken from the rows as they are; only a search with several
# copies is matched to each owner that released it (distinct: one owner may hold two copies).
OWNER_SEARCHES = """
    CREATE OR REPLACE TEMP TABLE osearch AS
    SELECT l.owner, l.org, l.reason, l.ts, l.networks
    FROM lown l WHERE NOT EXISTS (SELECT 1 FROM multi m WHERE m.sk = l.sk)
    UNION ALL
    SELECT w.owner, s.org, s.reason, s.ts, s.networks
    FROM (SELECT DISTINCT owner, sk FROM lown WHERE sk IN (SELECT sk FROM multi)) w JOIN msearch s USING (sk)"""


def _named_owners(con: Any, owners: list[Owner], releases: list[Release], work: Path, columns: bool) -> None:
    """Add the owners that files name per row (``named_owner``: name, state, owner index); each is listed
    with the releases its rows came from. A row naming no state takes its release's. Without ``columns`` (no
    file has an owner column) no row can name one, and the rows are not read for it (100 M rows: 8-10 s)."""
    index = {(o.agency, o.state): i for i, o in enumerate(owners)}
    named: dict[tuple[str, str], int] = {}
    query = """
        SELECT DISTINCT c.owner_name, coalesce(c.owner_state, r.state), c.rel::INTEGER
        FROM crow c JOIN rel_owner r ON c.rel = r.rel::INTEGER
        WHERE c.owner_name IS NOT NULL ORDER BY ALL"""
    for name, state, rel in con.execute(query).fetchall() if columns else []:
        key = (str(name), str(state))
        if key not in index:
            index[key] = len(owners)
            owners.append(Owner(key[0], key[1], []))
        owner = owners[index[key]]
        if releases[rel].name not in owner.releases:
            owner.releases.append(releases[rel].name)
        named[key] = index[key]
    put_table(con, "named_owner", ("name", "state", "owner"), ((n, st, i) for (n, st), i in named.items()), work)


def _drop_rows(con: Any) -> None:
    """Let the released rows and the searches go: every owner's table is built from ``osearch``. A national
    corpus's 100 M rows and searches, held beside the owners' groupings, left those too little of the engine's
    memory (they ran out of 1.5 GB)."""
    for view in ("lown", "searches", "linked"):
        con.execute(f"DROP VIEW {view}")
    for table in ("msearch", "multi", "loose", "crow"):
        con.execute(f"DROP TABLE {table}")


def _reason_keys(con: Any, numbered: bool = False) -> bool:
    """``reason_text`` (reason, hr): each distinct reason of the searches with its key, the hash of its text, or,
    should two texts share a hash (or ``numbered``), its number (then returns False: rows must be joined on
    their text to find it). Taken from ``osearch``: every search is some owner's, and the searches themselves
    may be gone (``_drop_rows``)."""
    if not numbered:
        con.execute("CREATE OR REPLACE TEMP TABLE reason_text AS "
                    "SELECT reason, hash(reason) AS hr FROM (SELECT DISTINCT reason FROM osearch)")
        if not con.execute("SELECT count(*) - count(DISTINCT hr) FROM reason_text").fetchone()[0]:
            return True
    con.execute("CREATE OR REPLACE TEMP TABLE reason_text AS "
                "SELECT reason, row_number() OVER (ORDER BY reason NULLS FIRST)::UBIGINT AS hr "
                "FROM (SELECT DISTINCT reason FROM osearch)")
    return False


Memo = dict[str, dict[str | None, Searcher]]  # owner's state -> searcher -> verdict


def _classify(con: Any, owners: list[Owner], classifier: Classifier, work: Path) -> Memo:
    """Every searcher judged against each state it is an owner's searcher in (a verdict depends on the name
    and the owner's state only: thousands of owners share a few thousand names and a few dozen states), then
    ``owner_class`` (owner, org, klass, state) for the evidence, a view: only the evidence CSV reads it."""
    memo: Memo = {}
    by_state: dict[str, list[str | None]] = {}
    con.execute("""
        CREATE OR REPLACE TEMP VIEW owner_org AS
        SELECT g.owner, t.org, m.state AS owner_state
        FROM by_org_month g LEFT JOIN org_text t ON g.ho = t.ho
        JOIN owner_meta m ON g.owner = m.owner::INTEGER""")
    for org, state in con.execute("SELECT DISTINCT org, owner_state FROM owner_org ORDER BY 2, 1 NULLS FIRST"
                                  ).fetchall():
        by_state.setdefault(str(state), []).append(org)
    for state, names in by_state.items():
        memo[state] = classify_searchers(names, classifier, state, None)
    put_table(con, "state_class", ("org", "owner_state", "klass", "state", "listed"), (
        (org, state, v.klass, v.state or "", "" if v.listed is None else str(int(v.listed)))
        for state, verdicts in memo.items() for org, v in verdicts.items()), work)
    con.execute("""
        CREATE OR REPLACE TEMP VIEW owner_class AS
        SELECT o.owner, o.org, c.klass, nullif(c.state, '') AS state
        FROM owner_org o JOIN state_class c ON c.org IS NOT DISTINCT FROM o.org AND c.owner_state = o.owner_state""")
    return memo
