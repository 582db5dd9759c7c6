"""The sharing network of a batch of agencies: a directed graph "can search the data of".

An edge ``owner -> searcher`` means the searcher can search the owner's plates; its attributes say how
(``via``) and which setting in the owner's export grants it (``setting``, ``source``). Edges come from every
export in the batch: 1:1 and group links (an outbound or two-way partner can search us; an inbound one lets
us search them, which is an edge the other way), statewide pools and national lookup (members from the batch
or from a membership list the user gives), and radius sharing where agencies' locations are known.

Pools are nodes (``pool:national``, ``pool:state:CA``) with per-pool counts computed once, so a national-lookup
member's reach is a pool summary rather than 4,500 materialised paths (``network.reach``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from configscan.checks._sharing import setting_state
from configscan.model import AgencyConfig, Direction, Partner, Status
from configscan.network.model import Contradiction
from configscan.partners import Classifier
from configscan.partners.g287 import Roster
from configscan.partners.identity import agency_key
from configscan.partners.names import normalise
from configscan.partners.states import usps

NATIONAL = "pool:national"


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
    graph: nx.DiGraph
    agencies: dict[str, AgencyInput]  # node id -> the batch agency
    pools: dict[str, PoolStats]
    contradictions: dict[str, list[Contradiction]]

    def node(self, node_id: str) -> dict[str, object]:
        return dict(self.graph.nodes[node_id])


def node_id(config: AgencyConfig) -> str:
    """A batch agency's node: its ORI, else its name key, else its normalised name."""
    agency = config.agency
    if agency.ori:
        return "ori:" + agency.ori.strip().upper()
    key = agency_key(agency.name, agency.state)
    return f"key:{key}" if key else f"name:{agency.state}:{normalise(agency.name)}"


class _Builder:
    def __init__(self, classifier: Classifier, roster: Roster | None) -> None:
        self.graph = nx.DiGraph()
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
        hit = self.roster.match(name, state) if self.roster and category not in ("federal_immigration",
                                                                                  "federal_other") else None
        self.graph.add_node(nid, name=name, state=state, category=category, batch=batch,
                            g287=hit.listed_as if hit else None, federal_links=[], task_force_users=0)

    def resolve(self, name: str, state: str | None, ori: str | None, org_type: str | None,
                owner_state: str) -> str:
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
        nid = f"ext:{key}" if key is not None and verdict.category.value not in (
            "federal_immigration", "federal_other") else f"ext:{normalise(name)}"
        if nid not in self.graph:
            self._node(nid, name, where or verdict.state, verdict.category.value, batch=False)
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
    graph = builder.graph
    listed: dict[str, dict[str, Partner]] = {}  # owner -> partner node -> its entry in the owner's export
    for nid, item in ids.items():
        config = item.config
        entries = listed.setdefault(nid, {})
        for partner in config.partners or []:
            if partner.status is Status.revoked:
                continue
            other = builder.resolve(partner.name, partner.state, partner.ori, partner.org_type,
                                    config.agency.state)
            if other == nid:
                continue
            entries[other] = partner
            _link_edges(graph, nid, other, partner, item.source)
        _users(graph, nid, config, classifier)
    for nid in ids:
        graph.nodes[nid]["federal_links"] = sorted(
            graph.nodes[s]["name"] for s in graph.successors(nid)
            if str(graph.nodes[s]["category"]).startswith("federal"))
    pools = _pools(builder, ids, memberships)
    _radius(graph, ids)
    return Network(graph=graph, agencies=ids, pools=pools, contradictions=_contradictions(graph, ids, listed))


def _link_edges(graph: nx.DiGraph, owner: str, other: str, partner: Partner, source: str) -> None:
    where = partner.provenance.label() if partner.provenance else source
    link = partner.link.value if partner.link else "1:1"
    reach = partner.can_reach_us()
    if reach is not False:
        shown = partner.direction.value if partner.direction else "not exported"
        pending = " (pending request)" if partner.status is Status.pending else ""
        graph.add_edge(owner, other, via=link + pending, source=where,
                       setting=f"partners[{partner.name}].direction = {shown}")
    # The owner can search the other agency: an edge into the owner, granted by the other's settings.
    if (partner.direction in (Direction.inbound, Direction.both) and graph.nodes[other]["batch"]
            and not graph.has_edge(other, owner)):
        graph.add_edge(other, owner, via="inbound listing", source=where,
                           setting=f"sharing with {graph.nodes[owner]['name']} (as {graph.nodes[owner]['name']}'s "
                           f"export lists it; {graph.nodes[other]['name']}'s own export is the place to change)")


def _users(graph: nx.DiGraph, nid: str, config: AgencyConfig, classifier: Classifier) -> None:
    count = 0
    for user in config.users or []:
        if user.email and "@" in user.email:
            verdict = classifier.classify(user.name or user.email, email_domains=[user.email.rsplit("@", 1)[1].lower()])
            count += verdict.category.is_federal
    graph.nodes[nid]["task_force_users"] = count


def _pools(builder: _Builder, ids: dict[str, AgencyInput], memberships: Iterable[Membership]) -> dict[str, PoolStats]:
    graph = builder.graph
    pools: dict[str, PoolStats] = {}

    def join(pool: str, label: str, member: str, setting: str, from_list: bool) -> None:
        stats = pools.setdefault(pool, PoolStats(name=label))
        stats.from_list |= from_list
        if member in stats.members:
            return
        stats.members.add(member)
        node = graph.nodes[member]
        stats.by_category[str(node["category"])] += 1
        if node["state"]:
            stats.by_state[str(node["state"])] += 1
        if str(node["category"]).startswith("federal"):
            stats.federal.append(str(node["name"]))
        if node["g287"]:
            stats.g287.append(str(node["name"]))
        if str(node["category"]).startswith("federal") or node["g287"]:
            stats.flagged.append(member)
        graph.add_edge(member, pool, via=label, setting=setting)
        graph.add_edge(pool, member, via=label, setting=setting)

    for nid, item in ids.items():
        sharing = item.config.sharing
        if setting_state(sharing, "national_lookup")[0]:
            join(NATIONAL, "national lookup", nid, "sharing.national_lookup = true", False)
        if setting_state(sharing, "statewide_lookup")[0]:
            state = item.config.agency.state
            join(f"pool:state:{state}", f"statewide pool {state}", nid, "sharing.statewide_lookup = true", False)
    for member in memberships:
        nid = builder.resolve(member.name, member.state, member.ori, None, member.state or "")
        if member.pool == "national":
            join(NATIONAL, "national lookup", nid, "sharing.national_lookup = true", True)
        elif member.state:
            join(f"pool:state:{member.state}", f"statewide pool {member.state}", nid,
                 "sharing.statewide_lookup = true", True)
    for pool in pools:
        graph.add_node(pool, name=pools[pool].name, state=None, category="pool", batch=False, g287=None,
                       federal_links=[], task_force_users=0)
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


def _radius(graph: nx.DiGraph, ids: dict[str, AgencyInput]) -> None:
    """Radius sharing: every batch agency within the owner's radius can search it (locations from
    ``agency.location`` {lat, lon} or ``agency.latitude``/``longitude``; agencies without one are left out)."""
    located = {nid: loc for nid, item in ids.items() if (loc := _location(item.config)) is not None}
    for nid, item in ids.items():
        sharing = item.config.sharing
        radius = sharing.radius_miles if sharing else None
        if not radius or nid not in located:
            continue
        for other, where in located.items():
            if other != nid and not graph.has_edge(nid, other) and _miles(located[nid], where) <= radius:
                graph.add_edge(nid, other, via="radius", setting=f"sharing.radius_miles = {radius:g}")


_MIRROR = {Direction.outbound: (Direction.inbound, Direction.both),
           Direction.inbound: (Direction.outbound, Direction.both),
           Direction.both: (Direction.both,)}


def _contradictions(graph: nx.DiGraph, ids: dict[str, AgencyInput],
                    listed: dict[str, dict[str, Partner]]) -> dict[str, list[Contradiction]]:
    """A lists B (B can search A, or A can search B); B's export, which has a partner list, says otherwise."""
    found: dict[str, list[Contradiction]] = {}
    for owner, entries in listed.items():
        for other, partner in entries.items():
            if other not in ids or ids[other].config.partners is None or partner.direction is None:
                continue
            back = listed.get(other, {}).get(owner)
            if back is not None and (back.direction is None or back.direction in _MIRROR[partner.direction]):
                continue
            a, b = graph.nodes[owner]["name"], graph.nodes[other]["name"]
            says = f"{a}'s export lists {b} as {partner.direction.value}"
            other_says = (f"{b}'s export lists {a} as {back.direction.value}" if back is not None and back.direction
                          else f"{b}'s export does not list {a}")
            source = partner.provenance.label() if partner.provenance else ids[owner].source
            for who, counterpart in ((owner, b), (other, a)):
                found.setdefault(who, []).append(Contradiction.model_construct(
                    other=counterpart, says=says, other_says=other_says, source=source))
    return found
