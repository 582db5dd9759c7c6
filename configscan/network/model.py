"""What the sharing network says about one agency: who can search its data, how, and by which setting.

These are report data (JSON and HTML), kept apart from findings: the network sits beside the checks, and
``network.findings`` turns the flagged parts of a reach into findings with the agency's own law.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Step(BaseModel):
    """One link of a path: ``searcher`` can search ``owner``'s data because of ``setting``."""

    owner: str
    searcher: str
    via: str  # 1:1 | group | network | national lookup | statewide pool | radius | inbound listing
    setting: str  # the setting to change, in the owner's export ("partners[Phoenix AZ PD].direction = outbound")
    source: str | None = None  # file (and row) the setting was read from


class Searcher(BaseModel):
    """An organisation that can search the agency's data directly (one step)."""

    name: str
    category: str
    state: str | None = None
    out_of_state: bool | None = None
    g287: bool = False
    in_batch: bool = False
    step: Step


class PoolReach(BaseModel):
    """A pool the agency is in (national lookup, a statewide pool): counted, never listed member by member."""

    pool: str
    setting: str
    membership: str  # where the member list came from: "batch", "batch + list", or "unknown"
    members: int  # known members other than the agency
    by_category: dict[str, int] = Field(default_factory=dict)
    out_of_state: int = 0
    other_states: int = 0
    federal: list[str] = Field(default_factory=list)
    g287: list[str] = Field(default_factory=list)


class Path(BaseModel):
    """A way to the data that ends at a federal, out-of-state or 287(g) organisation, step by step."""

    endpoint: str
    category: str
    state: str | None = None
    why: list[str]  # "federal", "out of state", "287(g)"
    steps: list[Step]


class SideDoor(BaseModel):
    """An in-state partner that can search our data and is itself tied to federal enforcement."""

    partner: str
    why: list[str]
    setting: str
    federal_links: list[str] = Field(default_factory=list)
    task_force_users: int = 0
    g287: bool = False


class Contradiction(BaseModel):
    """Two agencies' exports disagree about a link between them."""

    other: str
    says: str  # what one export says
    other_says: str  # what the other export says (or that it does not list the link)
    source: str | None = None


class Reach(BaseModel):
    """Everything the network knows about who can search one agency's data."""

    agency: str
    state: str
    direct: list[Searcher] = Field(default_factory=list)
    pools: list[PoolReach] = Field(default_factory=list)
    paths: list[Path] = Field(default_factory=list)
    side_doors: list[SideDoor] = Field(default_factory=list)
    contradictions: list[Contradiction] = Field(default_factory=list)
    by_category: dict[str, int] = Field(default_factory=dict)  # direct and pool searchers together
    total: int = 0
    federal: int = 0
    out_of_state: int = 0
    g287: int = 0
    batch_size: int = 1  # agencies whose exports built the network (1 for a single scan)
