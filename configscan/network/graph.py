"""The sharing network of a batch of agencies: who "can search the data of" whom.

An edge ``owner -> searcher`` means the searcher can search the owner's plates; it says how (``via``) and
which setting in the owner's export grants it (``setting``, ``source``). Edges come from every export in the
batch: 1:1 and group links (an outbound or two-way partner can search us; an inbound one lets us search them,
which is an edge the other way), statewide pools and national lookup (members from the batch or from a
membership list the user gives), and radius sharing where agencies' locations are known.

The network is held as plain adjacency (``out[owner][searcher] = (via, setting, source)``) and one slotted
``Node`` per organisation, classified once: a national network has 280,000 edges, and a networkx edge-data
dict or a pydantic model per edge costs more than everything else together. ``Network.to_networkx`` gives
the same graph as a ``networkx.DiGraph`` with the same attributes, for analysis outside the hot path.

Pools are nodes (``pool:national``, ``pool:state:CA``) with per-pool counts computed once, so a national-lookup
member's reach is a pool summary rather than 4,500 materialised paths (``network.reach``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from configscan.checks._sharing import setting_state
from configscan.model import AgencyConfig, Direction, LinkType, Partner, Status
from configscan.partners import Classifier
from configscan.partners.g287 import Roster
from configscan.partners.identity import agency_key
from configscan.partners.names import normalise
from configscan.partners.states import usps

if TYPE_CHECKING:
    import networkx as nx

NATIONAL = "pool:national"
FEDERAL = frozenset({"federal_immigration", "federal_other"})

Edge = tuple[str, str, str | None]  # (via, setting, source): how the searcher can search the owner's data
# A disagreement between two batch agencies' exports, held once for both of them:
# (owner, other, owner's direction for other, other's direction for owner or None when other does not list owner,
#  where the owner's entry was read)
Disagreement = tuple[str, str, str, str | None, str | None]


@dataclass(frozen=True)
class Membership:
    """A pool member named by a membership list rather than by its own export."""

    pool: str  # "national" or "statewide"
    name: str
    state: str | None = None
    ori: str | None = None


@dataclass(frozen=True)
class AgencyInput:
    """One agency of the batch: its normalised configuration and a label for its inputs."""

    config: AgencyConfig
    source: str = ""


@dataclass(slots=True)
class Node:
    """An organisation in the network, classified once however many exports name it."""

    name: str
    state: str | None
    category: str
    batch: bool
    g287: str | None = None  # the name ICE lists it under, when it has a 287(g) agreement
    federal_links: list[str] = field(default_factory=list)  # batch agencies: federal organisations they share with
    task_force_users: int = 0  # batch agencies: users whose e-mail is federal
    federal: bool = field(init=False)  # decided once: every reach walk asks it of every searcher

    def __post_init__(self) -> None:
        self.federal = self.category in FEDERAL


@dataclass
class PoolStats:
    """Counts over a pool's members, computed once for every member's reach."""

    name: str
    members: set[str] = field(default_factory=set)
    from_list: bool = False
    by_category: Counter[str] = field(default_factory=Counter)
    by_state: Counter[str] = field(default_factory=Counter)
    federal: list[str] = field(default_factory=list)
    g287: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # federal or 287(g) members: the only ones with whole paths


@dataclass
class Network:
    nodes: dict[str, Node]
    out: dict[str, dict[str, Edge]]  # owner -> searcher -> how: every edge, in the order it was found
    agencies: dict[str, AgencyInput]  # node id -> the batch agency
    pools: dict[str, PoolStats]
    contradictions: dict[str, list[Disagreement]]

    def edges(self) -> Iterator[tuple[str, str]]:
        for owner, searchers in self.out.items():
            for searcher in searchers:
                yield owner, searcher

    def edge_count(self) -> int:
        return sum(len(searchers) for searchers in self.out.values())

    def to_networkx(self) -> nx.DiGraph:
        """The network as a networkx DiGraph: node attributes as ``Node``'s fields, edges with via/setting/source.

        networkx is imported here, not at the top: importing it costs a single scan a fifth of a second."""
        import networkx as nx

        graph = nx.DiGraph()
        for nid, node in self.nodes.items():
            graph.add_node(nid, name=node.name, state=node.state, category=node.category, batch=node.batch,
                           g287=node.g287, federal_links=list(node.federal_links),
                           task_force_users=node.task_force_users)
        graph.add_edges_from((owner, searcher, {"via": via, "setting": setting, "source": source})
                             for owner, searchers in self.out.items()
                             for searcher, (via, setting, source) in searchers.items())
        return graph


def node_id(config: AgencyConfig) -> str:
    """A batch agency's node: its ORI, else its name key, else its normalised name."""
    agency = config.agency
    if agency.ori:
        return "ori:" + agency.ori.strip().upper()
    key = agency_key(agency.name, agency.state)
    return f"key:{key}" if key else f"name:{agency.state}:{normalise(agency.name)}"


class _Builder:
    def __init__(self, classifier: Classifier, roster: Roster | None) -> None:
        self.nodes: dict[str, Node] = {}
        self.out: dict[str, dict[str, Edge]] = {}
        self.classifier = classifier
        self.roster = roster
        self.by_ori: dict[str, str] = {}
        self.by_key: dict[str, str] = {}
        self.resolved: dict[tuple[str, str | None, str | None, str | None], str] = {}

    def add_agency(self, nid: str, config: AgencyConfig) -> None:
        agency = config.agency
        verdict = self.classifier.classify(agency.name, state=agency.state, ori=agency.ori)
        category = verdict.category.value if verdict.category.value != "unknown" else "local"
        self._node(nid, agency.name, agency.state, category, batch=True)
        if agency.ori:
            self.by_ori[agency.ori.strip().upper()] = nid
        key = agency_key(agency.name, agency.state)
        if key is not None:
            self.by_key[str(key)] = nid

    def _node(self, nid: str, name: str, state: str | None, category: str, batch: bool) -> None:
        hit = self.roster.match(name, state) if self.roster and category not in FEDERAL else None
        self.nodes[nid] = Node(name=name, state=state, category=category, batch=batch,
                               g287=hit.listed_as if hit else None)
        self.out.setdefault(nid, {})

    def resolve(self, name: str, state: str | None, ori: str | None, org_type: str | None) -> str:
        """The node a partner entry means: a batch agency by ORI or name key, else an organisation of its own."""
        if ori and (found := self.by_ori.get(ori.strip().upper())):
            return found
        memo = (name, state, ori, org_type)
        if (known := self.resolved.get(memo)) is not None:
            return known
        where = usps(state) if state else None
        key = agency_key(name, where) if where else None
        if key is not None and (found := self.by_key.get(str(key))):
            self.resolved[memo] = found
            return found
        # Classified without the owner's state: out of state is decided per owner from the node's state.
        verdict = self.classifier.classify(name, state=state, ori=ori, org_type=org_type)
        key = agency_key(name, where or verdict.state)
        if key is not None and (found := self.by_key.get(str(key))):
            self.resolved[memo] = found
            return found
        category = verdict.category.value
        nid = f"ext:{key}" if key is not None and category not in FEDERAL else f"ext:{normalise(name)}"
        if nid not in self.nodes:
            self._node(nid, name, where or verdict.state, category, batch=False)
        self.resolved[memo] = nid
        return nid


def build_network(agencies: Sequence[AgencyInput], classifier: Classifier, roster: Roster | None,
                  memberships: Iterable[Membership] = ()) -> Network:
    builder = _Builder(classifier, roster)
    ids: dict[str, AgencyInput] = {}
    for item in agencies:
        nid = node_id(item.config)
        ids[nid] = item
        builder.add_agency(nid, item.config)
    nodes, out = builder.nodes, builder.out
    listed: dict[str, dict[str, Partner]] = {}  # owner -> partner node -> its entry in the owner's export
    for nid, item in ids.items():
        config = item.config
        entries = listed.setdefault(nid, {})
        for partner in config.partners or []:
            if partner.status is Status.revoked:
                continue
            other = builder.resolve(partner.name, partner.state, partner.ori, partner.org_type)
            if other == nid:
                continue
            entries[other] = partner
            _link_edges(nodes, out, nid, other, partner, item.source)
        nodes[nid].task_force_users = _task_force_users(config, classifier)
    for nid in ids:
        nodes[nid].federal_links = sorted(nodes[s].name for s in out[nid] if nodes[s].federal)
    pools = _pools(builder, ids, memberships)
    _radius(out, ids)
    return Network(nodes=nodes, out=out, agencies=ids, pools=pools, contradictions=_contradictions(ids, listed))


_DIRECTION = {d: d.value for d in Direction}  # an enum's .value is a descriptor call: 200,000 of them add up
_LINK = {k: k.value for k in LinkType}


def _link_edges(nodes: dict[str, Node], out: dict[str, dict[str, Edge]], owner: str, other: str, partner: Partner,
                source: str) -> None:
    where = partner.provenance.label() if partner.provenance else source
    direction = partner.direction
    if partner.status is not Status.revoked and direction is not Direction.inbound:  # can reach us, or unknown
        link = _LINK[partner.link] if partner.link else "1:1"
        shown = _DIRECTION[direction] if direction else "not exported"
        pending = " (pending request)" if partner.status is Status.pending else ""
        out[owner][other] = (link + pending, f"partners[{partner.name}].direction = {shown}", where)
    # The owner can search the other agency: an edge into the owner, granted by the other's settings.
    if (direction is Direction.inbound or direction is Direction.both) and nodes[other].batch \
            and owner not in out[other]:
        a, b = nodes[owner].name, nodes[other].name
        out[other][owner] = ("inbound listing", f"sharing with {a} (as {a}'s export lists it; {b}'s own export is "
                             "the place to change)", where)


def _task_force_users(config: AgencyConfig, classifier: Classifier) -> int:
    count = 0
    for user in config.users or []:
        if user.email and "@" in user.email:
            verdict = classifier.classify(user.name or user.email, email_domains=[user.email.rsplit("@", 1)[1].lower()])
            count += verdict.category.is_federal
    return count


def _pools(builder: _Builder, ids: dict[str, AgencyInput], memberships: Iterable[Membership]) -> dict[str, PoolStats]:
    nodes, out = builder.nodes, builder.out
    pools: dict[str, PoolStats] = {}

    def join(pool: str, label: str, member: str, setting: str, from_list: bool) -> None:
        stats = pools.setdefault(pool, PoolStats(name=label))
        stats.from_list |= from_list
        if member in stats.members:
            return
        stats.members.add(member)
        node = nodes[member]
        stats.by_category[node.category] += 1
        if node.state:
            stats.by_state[node.state] += 1
        if node.federal:
            stats.federal.append(node.name)
        if node.g287:
            stats.g287.append(node.name)
        if node.federal or node.g287:
            stats.flagged.append(member)
        out[member][pool] = (label, setting, None)
        out.setdefault(pool, {})[member] = (label, setting, None)

    for nid, item in ids.items():
        sharing = item.config.sharing
        if setting_state(sharing, "national_lookup")[0]:
            join(NATIONAL, "national lookup", nid, "sharing.national_lookup = true", False)
        if setting_state(sharing, "statewide_lookup")[0]:
            state = item.config.agency.state
            join(f"pool:state:{state}", f"statewide pool {state}", nid, "sharing.statewide_lookup = true", False)
    for member in memberships:
        nid = builder.resolve(member.name, member.state, member.ori, None)
        if member.pool == "national":
            join(NATIONAL, "national lookup", nid, "sharing.national_lookup = true", True)
        elif member.state:
            join(f"pool:state:{member.state}", f"statewide pool {member.state}", nid,
                 "sharing.statewide_lookup = true", True)
    for pool, stats in pools.items():
        stats.federal.sort()
        nodes[pool] = Node(name=stats.name, state=None, category="pool", batch=False)
    return pools


def _location(config: AgencyConfig) -> tuple[float, float] | None:
    extras = config.agency.extras()
    place = extras.get("location")
    lat, lon = (place.get("lat"), place.get("lon")) if isinstance(place, dict) else (
        extras.get("latitude"), extras.get("longitude"))
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        return float(lat), float(lon)
    return None


def _miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 3958.8 * 2 * math.asin(math.sqrt(h))


def _radius(out: dict[str, dict[str, Edge]], ids: dict[str, AgencyInput]) -> None:
    """Radius sharing: every batch agency within the owner's radius can search it (locations from
    ``agency.location`` {lat, lon} or ``agency.latitude``/``longitude``; agencies without one are left out)."""
    located = {nid: loc for nid, item in ids.items() if (loc := _location(item.config)) is not None}
    for nid, item in ids.items():
        sharing = item.config.sharing
        radius = sharing.radius_miles if sharing else None
        if not radius or nid not in located:
            continue
        mine = out[nid]
        for other, where in located.items():
            if other != nid and other not in mine and _miles(located[nid], where) <= radius:
                mine[other] = ("radius", f"sharing.radius_miles = {radius:g}", None)


_MIRROR = {Direction.outbound: (Direction.inbound, Direction.both),
           Direction.inbound: (Direction.outbound, Direction.both),
           Direction.both: (Direction.both,)}


def _contradictions(ids: dict[str, AgencyInput],
                    listed: dict[str, dict[str, Partner]]) -> dict[str, list[Disagreement]]:
    """A lists B (B can search A, or A can search B); B's export, which has a partner list, says otherwise.
    Held as plain tuples, once per pair; the words are written only for the reports that show them."""
    found: dict[str, list[Disagreement]] = {}
    with_list = {nid for nid, item in ids.items() if item.config.partners is not None}
    for owner, entries in listed.items():
        for other, partner in entries.items():
            direction = partner.direction
            if direction is None or other not in with_list:
                continue
            back = listed[other].get(owner)
            if back is not None and (back.direction is None or back.direction in _MIRROR[direction]):
                continue
            source = partner.provenance.label() if partner.provenance else ids[owner].source
            item: Disagreement = (owner, other, _DIRECTION[direction],
                                  _DIRECTION[back.direction] if back is not None and back.direction else None, source)
            found.setdefault(owner, []).append(item)
            found.setdefault(other, []).append(item)
    return found
