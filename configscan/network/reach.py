"""One agency's reach: every organisation that can search its data, how, and the setting behind each step.

Direct searchers (1:1, group, inbound listings, radius) are listed one by one. Pools are summarised by
category and state counts from the pool's precomputed totals, never member by member, so 4,500
national-lookup members cost one summary each rather than 4,500 x 4,500 paths; whole paths are kept only for
endpoints that are federal, out of state or under a 287(g) agreement.

Sharing is not transitive in vendor systems (a partner searching B sees B's cameras, not A's), so a second
step is drawn only where the first partner is a side door: an in-state partner with federal links, a 287(g)
agreement or federal task-force users, whose officers can search our data for federal enforcement.

Two products from one walk over plain adjacency: ``summary_of`` (counts only, a tuple; what an index of
6,000 agencies needs) and ``reach_of`` (the pydantic ``Reach`` a report shows, built only for the agencies
whose reports are written).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from configscan.model import AgencyConfig
from configscan.network.graph import AgencyInput, Disagreement, Network, Node, build_network
from configscan.network.model import Contradiction, Path, PoolReach, Reach, Searcher, SideDoor, Step
from configscan.partners import Classifier
from configscan.partners.g287 import Roster

Hop = tuple[str, str]  # (owner, searcher): one edge of the network


class ReachSummary(NamedTuple):
    """An agency's reach as counts: what the portfolio index and the national benchmark need."""

    total: int
    federal: int
    out_of_state: int
    g287: int
    direct: int
    paths: int
    side_doors: int
    contradictions: int
    by_category: dict[str, int]


@dataclass
class _PoolPart:
    pool: str
    membership: str
    by_category: Counter[str]
    out_of_state: int
    other_states: int
    g287: list[str]


@dataclass
class _Walk:
    """One agency's reach as node ids and plain tuples: no model is built until a report needs one."""

    nid: str
    state: str
    direct: list[tuple[str, bool | None]] = field(default_factory=list)  # (searcher, out of state)
    paths: list[tuple[str, tuple[str, ...], tuple[Hop, ...]]] = field(default_factory=list)  # (endpoint, why, hops)
    side_doors: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (partner, why)
    pools: list[_PoolPart] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    out_of_state: int = 0


def _why(node: Node, state: str) -> tuple[str, ...]:
    if node.federal:
        why: tuple[str, ...] = ("federal",)
    elif node.state and node.state != state:
        why = ("out of state",)
    else:
        why = ()
    return (*why, "287(g)") if node.g287 else why


def _walk(network: Network, nid: str) -> _Walk:
    nodes, out = network.nodes, network.out
    state = str(nodes[nid].state)
    walk = _Walk(nid=nid, state=state)
    direct: set[str] = set()
    pools: list[str] = []
    searchers, paths, counts = walk.direct, walk.paths, walk.counts
    for other in out[nid]:
        node = nodes[other]
        category = node.category
        if category == "pool":
            pools.append(other)
            continue
        direct.add(other)
        counts[category] += 1
        if node.federal:
            searchers.append((other, None))
            paths.append((other, _why(node, state), ((nid, other),)))
            continue
        far = None if not node.state else node.state != state
        searchers.append((other, far))
        if far:
            walk.out_of_state += 1
            paths.append((other, _why(node, state), ((nid, other),)))
            continue
        if node.g287:
            paths.append((other, _why(node, state), ((nid, other),)))
        if node.g287 or node.federal_links or node.task_force_users:
            _side_door(network, walk, other)
    for pool in sorted(pools):
        _pool(network, walk, pool, direct)
    return walk


def _side_door(network: Network, walk: _Walk, partner: str) -> None:
    node = network.nodes[partner]
    links, users = node.federal_links, node.task_force_users
    if not (links or users or node.g287):
        return
    why = ((f"shares with {len(links)} federal organisation(s)",) if links else ()) + (
        (f"{users} federal task-force user(s) in its export",) if users else ()) + (
        (f"287(g) agreement ({node.g287})",) if node.g287 else ())
    walk.side_doors.append((partner, why))
    nodes = network.nodes
    for fed in network.out[partner]:
        if nodes[fed].federal and fed != walk.nid:
            walk.paths.append((fed, ("federal", "side door"), ((walk.nid, partner), (partner, fed))))



def _pool(network: Network, walk: _Walk, pool: str, direct: set[str]) -> None:
    stats = network.pools[pool]
    nodes, owner, state = network.nodes, walk.nid, walk.state
    me = nodes[owner]
    by_category = Counter(stats.by_category)
    by_category[me.category] -= 1  # the agency itself
    overlap = [m for m in direct if m in stats.members]
    for other in overlap:  # already counted as a direct searcher
        by_category[nodes[other].category] -= 1
    by_category = Counter({c: n for c, n in by_category.items() if n > 0})
    located = sum(stats.by_state.values())
    membership = "batch + list" if stats.from_list else "batch"
    if len(stats.members) <= 1 and not stats.from_list:
        membership = "unknown"  # only this agency's export: the other members are not known
    far = max(0, located - stats.by_state.get(state, 0) - sum(
        1 for m in overlap if nodes[m].state not in (None, state)))
    walk.pools.append(_PoolPart(pool=pool, membership=membership, by_category=by_category, out_of_state=far,
                                other_states=sum(1 for s in stats.by_state if s != state),
                                g287=sorted(n for n in stats.g287 if n != me.name)))
    walk.counts.update(by_category)
    walk.out_of_state += far
    for member in stats.flagged:  # whole paths only for federal and 287(g) members (a short list per pool)
        node = nodes[member]
        if member == owner or member in direct or not (node.federal or node.g287):
            continue
        walk.paths.append((member, _why(node, state), ((owner, pool), (pool, member))))


def _g287_count(network: Network, walk: _Walk) -> int:
    nodes = network.nodes
    return sum(1 for other, _ in walk.direct if nodes[other].g287) + sum(len(p.g287) for p in walk.pools)


def summary_of(network: Network, nid: str) -> ReachSummary:
    """An agency's reach in counts, without building a model: cheap enough for every agency of a nation."""
    walk = _walk(network, nid)
    counts = walk.counts
    return ReachSummary(total=sum(counts.values()), federal=sum(n for c, n in counts.items() if c in _FED),
                        out_of_state=walk.out_of_state, g287=_g287_count(network, walk), direct=len(walk.direct),
                        paths=len(walk.paths), side_doors=len(walk.side_doors),
                        contradictions=len(network.contradictions.get(nid, ())), by_category=dict(counts))


_FED = ("federal_immigration", "federal_other")
# Built from the network's own, already validated values: constructed without validating again.
_Step, _Sea, _Pa = Step.model_construct, Searcher.model_construct, Path.model_construct


def reach_of(network: Network, nid: str) -> Reach:
    """An agency's reach as the report shows it: searchers, pools, paths, side doors and contradictions."""
    walk = _walk(network, nid)
    nodes, out = network.nodes, network.out
    steps: dict[Hop, Step] = {}

    def step(hop: Hop) -> Step:
        made = steps.get(hop)
        if made is None:
            via, setting, source = out[hop[0]][hop[1]]
            made = steps[hop] = _Step(owner=nodes[hop[0]].name, searcher=nodes[hop[1]].name, via=via,
                                      setting=setting, source=source)
        return made

    me = nodes[nid]
    reach = Reach(agency=me.name, state=walk.state, batch_size=len(network.agencies),
                  contradictions=[_contradiction(network, nid, item) for item in network.contradictions.get(nid, ())])
    for other, far in walk.direct:
        node = nodes[other]
        reach.direct.append(_Sea(name=node.name, category=node.category, state=node.state, out_of_state=far,
                                 g287=bool(node.g287), in_batch=node.batch, step=step((nid, other))))
    for part in walk.pools:
        reach.pools.append(PoolReach(
            pool=network.pools[part.pool].name, setting=out[nid][part.pool][1], membership=part.membership,
            members=sum(part.by_category.values()), by_category=dict(sorted(part.by_category.items())),
            out_of_state=part.out_of_state, other_states=part.other_states,
            federal=list(network.pools[part.pool].federal), g287=part.g287))
    for endpoint, why, hops in walk.paths:
        node = nodes[endpoint]
        reach.paths.append(_Pa(endpoint=node.name, category=node.category, state=node.state, why=list(why),
                               steps=[step(hop) for hop in hops]))
    for partner, why in walk.side_doors:
        node = nodes[partner]
        reach.side_doors.append(SideDoor(partner=node.name, why=list(why), setting=step((nid, partner)).setting,
                                         federal_links=list(node.federal_links),
                                         task_force_users=node.task_force_users, g287=bool(node.g287)))
    counts = walk.counts
    reach.by_category = dict(sorted(counts.items()))
    reach.total = sum(counts.values())
    reach.federal = sum(n for c, n in counts.items() if c in _FED)
    reach.out_of_state = walk.out_of_state
    reach.g287 = _g287_count(network, walk)
    reach.direct.sort(key=lambda s: (s.category not in _FED, not s.g287, not s.out_of_state, s.name))
    return reach


def _contradiction(network: Network, nid: str, item: Disagreement) -> Contradiction:
    owner, other, says_dir, back_dir, source = item
    a, b = network.nodes[owner].name, network.nodes[other].name
    says = f"{a}'s export lists {b} as {says_dir}"
    other_says = f"{b}'s export lists {a} as {back_dir}" if back_dir else f"{b}'s export does not list {a}"
    return Contradiction(other=b if nid == owner else a, says=says, other_says=other_says, source=source)


def own_reach(config: AgencyConfig, classifier: Classifier, roster: Roster | None) -> Reach:
    """A single scan's reach: the network its own export describes (pool members other than itself unknown)."""
    network = build_network([AgencyInput(config=config)], classifier, roster)
    return reach_of(network, next(iter(network.agencies)))
