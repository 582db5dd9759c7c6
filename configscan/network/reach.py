"""One agency's reach: every organisation that can search its data, how, and the setting behind each step.

Direct searchers (1:1, group, inbound listings, radius) are listed one by one. Pools are summarised by
category and state counts from the pool's precomputed totals, never member by member, so 4,500
national-lookup members cost one summary each rather than 4,500 x 4,500 paths; whole paths are kept only for
endpoints that are federal, out of state or under a 287(g) agreement.

Sharing is not transitive in vendor systems (a partner searching B sees B's cameras, not A's), so a second
step is drawn only where the first partner is a side door: an in-state partner with federal links, a 287(g)
agreement or federal task-force users, whose officers can search our data for federal enforcement.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from configscan.model import AgencyConfig
from configscan.network.graph import AgencyInput, Network, build_network
from configscan.network.model import Path, PoolReach, Reach, Searcher, SideDoor, Step
from configscan.partners import Classifier
from configscan.partners.g287 import Roster

_FEDERAL = ("federal_immigration", "federal_other")
# Built from the graph's own, already validated attributes: constructed without validating again (a national
# network makes hundreds of thousands of them).
_Step, _Sea, _Pa = Step.model_construct, Searcher.model_construct, Path.model_construct


def _step(network: Network, owner: str, searcher: str) -> Step:
    data: dict[str, Any] = network.graph.edges[owner, searcher]
    nodes = network.graph.nodes
    return _Step(owner=str(nodes[owner]["name"]), searcher=str(nodes[searcher]["name"]), via=str(data["via"]),
                setting=str(data["setting"]), source=data.get("source"))


def _why(node: dict[str, Any], state: str) -> list[str]:
    why = []
    if node["category"] in _FEDERAL:
        why.append("federal")
    elif node["state"] and node["state"] != state:
        why.append("out of state")
    if node["g287"]:
        why.append("287(g)")
    return why


def reach_of(network: Network, nid: str) -> Reach:
    graph = network.graph
    me = graph.nodes[nid]
    state = str(me["state"])
    reach = Reach(agency=str(me["name"]), state=state, batch_size=len(network.agencies),
                  contradictions=list(network.contradictions.get(nid, [])))
    counts: Counter[str] = Counter()
    direct_ids: set[str] = set()
    pools: list[str] = []
    for other in graph.successors(nid):
        node = graph.nodes[other]
        if node["category"] == "pool":
            pools.append(other)
            continue
        direct_ids.add(other)
        step = _step(network, nid, other)
        out = None if not node["state"] or node["category"] in _FEDERAL else node["state"] != state
        reach.direct.append(_Sea(name=str(node["name"]), category=str(node["category"]), state=node["state"],
                                     out_of_state=out, g287=bool(node["g287"]), in_batch=bool(node["batch"]),
                                     step=step))
        counts[str(node["category"])] += 1
        reach.out_of_state += bool(out)
        if (why := _why(node, state)):
            reach.paths.append(_Pa(endpoint=str(node["name"]), category=str(node["category"]), state=node["state"],
                                    why=why, steps=[step]))
        if node["category"] not in _FEDERAL and not out:
            _side_door(network, nid, other, step, reach)
    for pool in sorted(pools):
        _pool(network, nid, pool, direct_ids, reach, counts)
    reach.by_category = dict(sorted(counts.items()))
    reach.total = sum(counts.values())
    reach.federal = sum(n for c, n in counts.items() if c in _FEDERAL)
    reach.g287 = sum(1 for s in reach.direct if s.g287) + sum(len(p.g287) for p in reach.pools)
    reach.direct.sort(key=lambda s: (s.category not in _FEDERAL, not s.g287, not s.out_of_state, s.name))
    return reach


def _side_door(network: Network, owner: str, partner: str, step: Step, reach: Reach) -> None:
    graph = network.graph
    node = graph.nodes[partner]
    links = list(node["federal_links"])
    users = int(node["task_force_users"])
    if not (links or users or node["g287"]):
        return
    why = ([f"shares with {len(links)} federal organisation(s)"] if links else []) + (
        [f"{users} federal task-force user(s) in its export"] if users else []) + (
        [f"287(g) agreement ({node['g287']})"] if node["g287"] else [])
    reach.side_doors.append(SideDoor(partner=str(node["name"]), why=why, setting=step.setting, federal_links=links,
                                     task_force_users=users, g287=bool(node["g287"])))
    for fed in graph.successors(partner):
        far = graph.nodes[fed]
        if far["category"] in _FEDERAL and fed != owner:
            reach.paths.append(_Pa(endpoint=str(far["name"]), category=str(far["category"]), state=far["state"],
                                    why=["federal", "side door"], steps=[step, _step(network, partner, fed)]))


def _pool(network: Network, owner: str, pool: str, direct: set[str], reach: Reach, counts: Counter[str]) -> None:
    stats = network.pools[pool]
    graph = network.graph
    me = graph.nodes[owner]
    state = str(me["state"])
    by_category = Counter(stats.by_category)
    by_category[str(me["category"])] -= 1  # the agency itself
    overlap = [m for m in direct if m in stats.members]
    for other in overlap:  # already counted as a direct searcher
        by_category[str(graph.nodes[other]["category"])] -= 1
    by_category = Counter({c: n for c, n in by_category.items() if n > 0})
    in_state = stats.by_state.get(state, 0)
    located = sum(stats.by_state.values())
    step = _step(network, owner, pool)
    membership = "batch + list" if stats.from_list else "batch"
    if len(stats.members) <= 1 and not stats.from_list:
        membership = "unknown"  # only this agency's export: the other members are not known
    summary = PoolReach(pool=stats.name, setting=step.setting, membership=membership,
                        members=sum(by_category.values()), by_category=dict(sorted(by_category.items())),
                        out_of_state=max(0, located - in_state - sum(
                            1 for m in overlap if graph.nodes[m]["state"] not in (None, state))),
                        other_states=len([s for s in stats.by_state if s != state]),
                        federal=sorted(stats.federal), g287=sorted(n for n in stats.g287 if n != me["name"]))
    reach.pools.append(summary)
    counts.update(by_category)
    reach.out_of_state += summary.out_of_state
    for member in stats.flagged:  # whole paths only for federal and 287(g) members (a short list per pool)
        node = graph.nodes[member]
        if member == owner or member in direct or not (node["category"] in _FEDERAL or node["g287"]):
            continue
        why = _why(node, state)
        reach.paths.append(_Pa(endpoint=str(node["name"]), category=str(node["category"]), state=node["state"],
                                why=why, steps=[step, _step(network, pool, member)]))


def own_reach(config: AgencyConfig, classifier: Classifier, roster: Roster | None) -> Reach:
    """A single scan's reach: the network its own export describes (pool members other than itself unknown)."""
    network = build_network([AgencyInput(config=config)], classifier, roster)
    return reach_of(network, next(iter(network.agencies)))
