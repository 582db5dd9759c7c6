"""The network's two products agree: ``summary_of`` (counts, no models, for every agency of a big batch) and
``reach_of`` (the report's ``Reach``), on a batch with national lookup, statewide pools, federal links, 287(g)
agencies, side doors and disagreeing exports; and the plain adjacency is the same graph networkx is given."""

from __future__ import annotations

import random
from typing import Any

from configscan.model import AgencyConfig
from configscan.network.graph import NATIONAL, AgencyInput, build_network, node_id
from configscan.network.reach import reach_of, summary_of
from configscan.partners import Classifier
from configscan.partners.g287 import load_roster

# Real agencies on ICE's bundled list, written the way their own exports name them.
LISTED = [("Collier County Sheriff's Office", "FL"), ("Cape Coral Police Department", "FL"),
          ("Yuma County Sheriff's Office", "AZ"), ("Alice Police Department", "TX")]
STATES = ["CA", "OR", "WA", "TX", "FL", "AZ"]
FEDERAL = ["U.S. Border Patrol", "Homeland Security Investigations", "Federal Bureau of Investigation"]


def _batch(seed: int = 5) -> list[AgencyInput]:
    rng = random.Random(seed)
    names = LISTED + [(f"Town{i} {STATES[i % len(STATES)]} PD", STATES[i % len(STATES)]) for i in range(56)]
    docs: list[dict[str, Any]] = []
    for i, (name, state) in enumerate(names):
        partners = [{"name": names[j][0], "state": names[j][1], "link": "1:1", "status": "active",
                     "direction": rng.choice(["outbound", "inbound", "both"])}
                    for j in rng.sample(range(len(names)), 8) if j != i]
        if i % 9 == 0:
            partners.append({"name": FEDERAL[i % 3], "org_type": "Federal", "direction": "outbound",
                             "status": "active"})
        users = [{"name": "TFO", "email": "tfo@ice.dhs.gov"}] if i % 13 == 0 else []
        docs.append({"format": "configscan/agency-config@1", "agency": {"name": name, "state": state},
                     "sharing": {"national_lookup": i % 3 != 0, "statewide_lookup": i % 2 == 0},
                     "partners": partners, "users": users})
    return [AgencyInput(config=AgencyConfig.model_validate(d), source=f"batch/{i}.json") for i, d in enumerate(docs)]


def test_summaries_count_what_the_reports_show() -> None:
    items = _batch()
    network = build_network(items, Classifier(), load_roster())
    national = network.pools[NATIONAL]
    assert len(national.members) == 40 and len(national.g287) >= 2  # Cape Coral, Yuma County (i % 3 != 0)
    seen = {"paths": 0, "side_doors": 0, "contradictions": 0, "g287": 0}
    for item in items:
        nid = node_id(item.config)
        summary, reach = summary_of(network, nid), reach_of(network, nid)
        assert (summary.total, summary.federal, summary.out_of_state, summary.g287) == (
            reach.total, reach.federal, reach.out_of_state, reach.g287)
        assert (summary.direct, summary.paths, summary.side_doors, summary.contradictions) == (
            len(reach.direct), len(reach.paths), len(reach.side_doors), len(reach.contradictions))
        assert summary.by_category == reach.by_category
        assert reach.total == len(reach.direct) + sum(p.members for p in reach.pools)
        for pool in reach.pools:  # counted, never listed member by member
            stats = next(s for s in network.pools.values() if s.name == pool.pool)
            assert pool.members < len(stats.members) or pool.members == 0
            assert pool.membership == ("unknown" if len(stats.members) == 1 else "batch")
        for key in seen:
            seen[key] += getattr(summary, key)
    assert all(seen.values()), seen  # the batch exercises every kind


def test_the_adjacency_is_the_networkx_graph() -> None:
    network = build_network(_batch(), Classifier(), load_roster())
    graph = network.to_networkx()
    assert graph.number_of_edges() == network.edge_count() == len(set(network.edges()))
    collier = node_id(_batch()[0].config)
    assert graph.nodes[collier]["g287"] == "Collier County Sheriff's Office"
    for owner, searcher in network.edges():
        via, setting, source = network.out[owner][searcher]
        assert graph.edges[owner, searcher] == {"via": via, "setting": setting, "source": source}
    assert set(graph.successors(collier)) == set(network.out[collier])
