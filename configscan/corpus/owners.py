"""Findings per camera owner, under the owner's state law, with each searcher's category.

The owner of a release is its producing agency (a network audit logs searches of the producer's cameras).
Its searches are the distinct searches (``dedup``) that appear in any of its releases, each with the reason
recovered across releases. For each owner the audit's own tables are built from those searches (``g``,
``by_org_month``, ``by_reason_month``), searchers are classified against the owner's state, and the audit's
aggregates and findings run unchanged against a rule set built for the owner's state (one per state).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configscan.audit.findings.build import all_findings
from configscan.audit.findings.facts import AuditFacts
from configscan.audit.findings.searchers import Searcher, classify_searchers
from configscan.audit.passes import aggregate, reason_sql
from configscan.audit.passes.engine import put_table
from configscan.audit.run import DEFAULT_WIDE_DEVICES, lookback_limit
from configscan.corpus.manifest import Release
from configscan.findings import Finding
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
    findings: list[Finding] = field(default_factory=list)


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
             threshold: int) -> list[Owner]:
    owners, of_release = owners_of(releases)
    put_table(con, "rel_owner", ("rel", "owner", "state"), ((r, o, releases[r].state) for r, o in of_release.items()),
              work)
    _named_owners(con, owners, releases, work)
    con.execute(f"CREATE OR REPLACE TEMP VIEW lown AS {OWNED}")
    put_table(con, "owner_meta", ("owner", "agency", "state"), ((i, o.agency, o.state) for i, o in enumerate(owners)),
              work)
    reason_sql.classify(con, work, "(SELECT DISTINCT reason FROM searches)")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE osearch AS
        SELECT w.owner, s.* FROM (SELECT DISTINCT owner, sk FROM lown) w JOIN searches s USING (sk)""")
    present = {int(r[0]) for r in con.execute("SELECT DISTINCT owner FROM osearch").fetchall()}
    _grouped(con, threshold)
    memo: Memo = {}
    searchers = _classify(con, owners, present, classifier, memo, work)
    aggregate.build_groups(con, per="owner")
    facts, totals = aggregate.org_facts_by(con, "owner"), aggregate.totals_by(con, "owner")
    library = PackLibrary()
    rules: dict[str, RuleSet] = {}
    for number, owner in enumerate(owners):
        if number not in present:
            continue  # a manifest agency every row of whose releases names another owner
        if owner.state not in rules:
            rules[owner.state] = build_ruleset(library, f"US-{owner.state}", as_of, None, None)
        mine = totals[number]
        owner.searches, owner.searchers = mine["searches"], mine["orgs_total"]
        owner.by_searcher, owner.by_category = mine["by_searcher"], mine["by_category"]
        audit = AuditFacts(orgs=facts.get(number, {}), searchers=searchers[number], threshold=threshold,
                           wide_devices=DEFAULT_WIDE_DEVICES, retention=lookback_limit(rules[owner.state]))
        owner.findings = all_findings(audit, rules[owner.state], None, {})
    return [owner for number, owner in enumerate(owners) if number in present]


# Each released row's owner: the one its file names for the row (a corpus gathering many agencies' releases),
# else its release's agency from the manifest.
OWNED = """
    SELECT l.*, coalesce(n.owner::INTEGER, ro.owner::INTEGER) AS owner
    FROM linked l JOIN rel_owner ro ON l.rel = ro.rel::INTEGER
    LEFT JOIN named_owner n ON n.name = l.owner_name AND n.state = coalesce(l.owner_state, ro.state)"""


def _named_owners(con: Any, owners: list[Owner], releases: list[Release], work: Path) -> None:
    """Add the owners that files name per row (``named_owner``: name, state, owner index); each is listed
    with the releases its rows came from. A row naming no state takes its release's."""
    index = {(o.agency, o.state): i for i, o in enumerate(owners)}
    named: dict[tuple[str, str], int] = {}
    for name, state, rel in con.execute("""
            SELECT DISTINCT c.owner_name, coalesce(c.owner_state, r.state), c.rel::INTEGER
            FROM crow c JOIN rel_owner r ON c.rel = r.rel::INTEGER
            WHERE c.owner_name IS NOT NULL ORDER BY ALL""").fetchall():
        key = (str(name), str(state))
        if key not in index:
            index[key] = len(owners)
            owners.append(Owner(key[0], key[1], []))
        owner = owners[index[key]]
        if releases[rel].name not in owner.releases:
            owner.releases.append(releases[rel].name)
        named[key] = index[key]
    put_table(con, "named_owner", ("name", "state", "owner"), ((n, st, i) for (n, st), i in named.items()), work)


def _grouped(con: Any, threshold: int) -> None:
    """Every owner's groupings at once, under the names the audit's aggregates read (``g``, ``by_org_month``,
    ``by_reason_month``) with an ``owner`` column: one pass over the searches, and every figure after it one
    query for all owners (``aggregate.*_by``) instead of a dozen per owner."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE g AS
        SELECT owner, org, reason, count(*) AS n FROM osearch GROUP BY ALL""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE by_org_month AS
        SELECT owner, date_trunc('month', ts) AS m, org, count(*) AS n, min(ts) AS first_ts, max(ts) AS last_ts,
               max(networks) AS max_net, count_if(networks >= {int(threshold)}) AS sweeps,
               count_if(ts IS NULL) AS bad_time, NULL::INTEGER AS max_dev,
               count_if(networks >= {int(threshold)}) AS wide,
               min(ts) FILTER (networks >= {int(threshold)}) AS wide_first,
               max(ts) FILTER (networks >= {int(threshold)}) AS wide_last, 0::BIGINT AS deep,
               NULL::DOUBLE AS max_back, NULL::TIMESTAMP AS deep_first, NULL::TIMESTAMP AS deep_last,
               0::BIGINT AS moderated, NULL::VARCHAR AS mod_min, NULL::VARCHAR AS mod_max
        FROM osearch GROUP BY ALL""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE by_reason_month AS
        SELECT owner, date_trunc('month', ts) AS m, reason, count(*) AS n FROM osearch GROUP BY ALL""")


Memo = dict[tuple[str | None, str], Searcher]


def _searchers(names: list[str | None], classifier: Classifier, state: str, memo: Memo) -> dict[str | None, Searcher]:
    """Each searcher judged against the owner's state, once per (name, state) for the whole corpus: owners of
    one state share most of their searchers (a national search is in every owner's log)."""
    new = classify_searchers([n for n in names if (n, state) not in memo], classifier, state, None)
    memo.update({(name, state): searcher for name, searcher in new.items()})
    return {name: memo[(name, state)] for name in names}


def _classify(con: Any, owners: list[Owner], present: set[int], classifier: Classifier, memo: Memo, work: Path,
              ) -> dict[int, dict[str | None, Searcher]]:
    """Each owner's searchers judged against its state (``org_class``: owner, org, klass, state, listed; and
    ``owner_class`` for the evidence), returned per owner."""
    names: dict[int, list[str | None]] = {number: [] for number in present}
    for number, org in con.execute("SELECT DISTINCT owner, org FROM g ORDER BY 1, 2 NULLS FIRST").fetchall():
        names[int(number)].append(org)
    out = {number: _searchers(found, classifier, owners[number].state, memo) for number, found in names.items()}
    put_table(con, "org_class", ("owner", "org", "klass", "state", "listed"), (
        (number, org, v.klass, v.state or "", "" if v.listed is None else str(int(v.listed)))
        for number, verdicts in out.items() for org, v in verdicts.items()), work)
    con.execute("CREATE OR REPLACE TEMP TABLE org_class AS SELECT owner::INTEGER AS owner, * EXCLUDE (owner) "
                "FROM org_class")
    con.execute("CREATE OR REPLACE TEMP VIEW owner_class AS SELECT owner, org, klass, nullif(state, '') AS state "
                "FROM org_class")
    return out
