"""The interchange format (agency configuration, version 1).

Readers turn vendor exports into these models; checks read only these models. Every field but
``format``, ``agency.name`` and ``agency.state`` may be absent or null: a check that needs an absent value
reports it as *unverified* rather than passing. Unknown extra fields are kept (``extra="allow"``) so a
report can show them instead of silently dropping what the vendor exported.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from configscan.states import USPS_STATES as USPS_STATES  # re-exported for readers
from configscan.states import to_code

FORMAT_ID = "configscan/agency-config@1"



def _state_code(value: str | None) -> str | None:
    if value is None:
        return None
    code = to_code(value)
    if code is None:
        raise ValueError(f"{value!r} is not a US state (use the USPS code, e.g. CA)")
    return code


def _lower(value: object) -> object:
    """Vendors and people write ``Outbound`` or ``ACTIVE``; the enums are lower case."""
    return value.strip().lower() if isinstance(value, str) else value


class _Open(BaseModel):
    """Base for exported records: keep unknown fields, strip whitespace, validate on assignment."""

    # Numbers where text belongs (a partner named 911, an ORI typed as digits in YAML) are text, not errors.
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True, populate_by_name=True,
                              coerce_numbers_to_str=True)

    def extras(self) -> dict[str, Any]:
        """Fields the format does not define, kept so reports can show them."""
        return dict(self.model_extra or {})


class Provenance(BaseModel):
    """Where a value came from: a file and, when known, a sheet, row, column or HTML element."""

    model_config = ConfigDict(extra="forbid")

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    element: str | None = None

    def label(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.element:
            parts.append(self.element)
        return ", ".join(parts)


class Agency(_Open):
    name: str = Field(min_length=1)
    state: str
    ori: str | None = None
    locality: str | None = None
    county: str | None = None

    @field_validator("state")
    @classmethod
    def _usps(cls, value: str) -> str:
        code = _state_code(value)
        assert code is not None
        return code


class Network(_Open):
    """One camera group's settings: vendors set lookup participation per network, not per agency."""

    name: str
    national_lookup: bool | None = None
    statewide_lookup: bool | None = None
    radius_miles: float | None = None
    shared_states: list[str] | None = None
    similar_laws_network: bool | None = None
    cameras: int | None = None
    provenance: Provenance | None = None


class Sharing(_Open):
    """Agency-level summary of sharing settings (any network on means on)."""

    national_lookup: bool | None = None
    statewide_lookup: bool | None = None
    radius_miles: float | None = None
    shared_states: list[str] | None = None
    similar_laws_network: bool | None = None
    federal_sharing_disabled: bool | None = None
    networks: list[Network] = Field(default_factory=list)

    @field_validator("shared_states")
    @classmethod
    def _states(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        return [code for code in (_state_code(v) for v in value) if code]


class Direction(StrEnum):
    outbound = "outbound"  # they can search our data
    inbound = "inbound"  # we can search theirs
    both = "both"


class LinkType(StrEnum):
    one_to_one = "1:1"
    group = "group"
    network = "network"


class Status(StrEnum):
    active = "active"
    pending = "pending"
    revoked = "revoked"


class Partner(_Open):
    name: str = Field(min_length=1)
    state: str | None = None
    ori: str | None = None
    org_type: str | None = None
    direction: Direction | None = None
    link: LinkType | None = None
    status: Status | None = None
    since: dt.date | dt.datetime | None = None
    written_declaration: bool | None = None
    # Where the direction came from when no column of the row gave it: the list's title or sheet name, the
    # mapping's or the file's ``partners_direction``, or ``--direction`` (shown with every finding).
    direction_basis: str | None = None
    provenance: Provenance | None = None

    @field_validator("state", mode="before")
    @classmethod
    def _loose_state(cls, value: object) -> object:
        # Real releases carry "??" or blanks: keep them as unknown rather than rejecting the export.
        return to_code(value) if isinstance(value, str) else value

    @field_validator("direction", "link", "status", mode="before")
    @classmethod
    def _case(cls, value: object) -> object:
        return _lower(value)

    def can_reach_us(self) -> bool | None:
        """True when this link lets the partner search our data; None when the export does not say."""
        if self.status is Status.revoked:
            return False
        if self.direction is None:
            return None
        return self.direction in (Direction.outbound, Direction.both)


class Hotlist(_Open):
    name: str = Field(min_length=1)
    source: str | None = None
    subscribed: bool | None = None


class User(_Open):
    email: str | None = None
    role: str | None = None
    name: str | None = None
    provenance: Provenance | None = None


class ShareAction(StrEnum):
    created = "created"
    updated = "updated"
    removed = "removed"


class SharingEvent(_Open):
    """One administrative change to sharing recorded in the vendor's event log.

    Kept apart from ``partners`` because the log says what somebody *did*, the sharing list what *is*:
    comparing the two is how a share made and never listed (or listed and never made) comes to light.
    ``organization`` is the receiving organisation of a 1:1 share; settings changes have none.
    """

    at: dt.datetime | None = None
    actor: str | None = None
    action: ShareAction
    entity: str  # vendor entity type, e.g. networkShare, networkShareSettings
    network: str | None = None
    organization: str | None = None
    permissions: list[str] | None = None
    details: dict[str, str] = Field(default_factory=dict)
    provenance: Provenance | None = None


class Portal(_Open):
    """What the agency's public transparency portal says about itself.

    The portal is the agency's own public claim; checks compare it with the exports because portals are
    known to list far fewer organisations than really have access. ``None`` on a list means the portal
    does not publish that section (unknown), an empty list that it publishes it empty.
    """

    url: str | None = None
    last_updated: str | None = None
    retention_days: float | None = None
    prohibited_uses: list[str] | None = None
    access_policy: str | None = None
    hotlist_policy: str | None = None
    hotlists_alerted_on: list[str] | None = None
    organizations_with_access: list[str] | None = None
    organizations_sharing_with_us: list[str] | None = None
    camera_count: int | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    provenance: Provenance | None = None


class AgencyConfig(_Open):
    """The whole exported configuration of one agency, as readers produce it."""

    @field_validator("partners_direction", mode="before")
    @classmethod
    def _direction_case(cls, value: object) -> object:
        return _lower(value)

    format: Literal["configscan/agency-config@1"]
    agency: Agency
    vendor: str | None = None
    exported_at: dt.datetime | dt.date | None = None
    sharing: Sharing | None = None
    partners: list[Partner] | None = None
    retention_days: float | None = Field(default=None, ge=0)
    search_reason_required: bool | None = None
    hotlists: list[Hotlist] | None = None
    users: list[User] | None = None
    # What a one-direction partner list is: the direction of every partner whose own ``direction`` is absent.
    partners_direction: Direction | None = None
    # Optional, filled by the event-log and portal readers (see docs/formats.md).
    sharing_events: list[SharingEvent] | None = None
    portal: Portal | None = None
