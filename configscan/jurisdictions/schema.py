"""The rule-pack schema: one YAML file per jurisdiction, every rule cited and dated.

Rules are typed (``kind``) so checks can evaluate them without knowing any state's law; the law itself
lives only in the pack files. A pack with ``statute_found: false`` says explicitly that no statewide ALPR
statute was found as of ``last_reviewed`` -- the scan then runs the advisory baseline and the report must
not read that as "sharing is legal".
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ISO_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


class RuleKind(StrEnum):
    """What a rule forbids or requires. Checks select rules by kind."""

    forbid_federal_sharing = "forbid_federal_sharing"
    forbid_out_of_state_sharing = "forbid_out_of_state_sharing"
    out_of_state_requires_declaration = "out_of_state_requires_declaration"
    conditional_sharing = "conditional_sharing"  # e.g. only with a warrant / court order / narrow purpose
    forbid_immigration_use = "forbid_immigration_use"
    forbid_health_care_use = "forbid_health_care_use"
    max_retention = "max_retention"
    require_search_purpose = "require_search_purpose"
    restrict_central_repository = "restrict_central_repository"
    restrict_in_state_sharing = "restrict_in_state_sharing"
    vendor_access_on_request = "vendor_access_on_request"
    restrict_private_sharing = "restrict_private_sharing"
    context = "context"  # informative, never evaluated (e.g. federal DPPA scope)


class Confidence(StrEnum):
    statute_text = "statute-text"
    secondary = "secondary"
    unverified = "unverified"


class SourceGrade(StrEnum):
    """What kind of text a source is: it bounds how sure a rule resting on it may claim to be."""

    official = "official"  # legislature, code publisher or government site
    mirror = "mirror"  # the statute's own words on a third-party code site
    secondary = "secondary"  # news, digests, trackers, advocacy and vendor pages


class Level(StrEnum):
    federal = "federal"
    state = "state"
    city = "city"
    baseline = "baseline"
    policy = "policy"


class Rule(BaseModel):
    """One legal (or policy) requirement, with everything a report needs to cite it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    kind: RuleKind
    citation: str = Field(min_length=3)
    source: str = Field(pattern=r"^https?://")
    summary: str = Field(min_length=10)
    confidence: Confidence
    effective_from: dt.date
    effective_until: dt.date | None = None
    last_reviewed: dt.date
    params: dict[str, Any] = Field(default_factory=dict)
    max_retention: str | None = None
    severity: str | None = Field(default=None, pattern=r"^(critical|high|medium|low|info)$")

    @field_validator("max_retention")
    @classmethod
    def _iso_duration(cls, value: str | None) -> str | None:
        if value is not None and not ISO_DURATION.match(value):
            raise ValueError(f"max_retention {value!r} is not an ISO 8601 duration such as P21D or PT3M")
        return value

    @model_validator(mode="after")
    def _retention_needs_duration(self) -> Rule:
        if self.kind is RuleKind.max_retention and self.max_retention is None:
            raise ValueError(f"rule {self.id}: kind max_retention needs a max_retention duration")
        if self.effective_until is not None and self.effective_until < self.effective_from:
            raise ValueError(f"rule {self.id}: effective_until is before effective_from")
        return self

    def in_force(self, on: dt.date) -> bool:
        """True when the rule applies on ``on`` (inclusive start, exclusive end)."""
        if on < self.effective_from:
            return False
        return self.effective_until is None or on < self.effective_until


class SourceRead(BaseModel):
    """One source read for a pack's review: a council can follow it, a reviewer knows what to re-read."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(pattern=r"^https?://[^\s/]+\.[^\s]+$")
    grade: SourceGrade
    title: str | None = Field(default=None, min_length=3)


class RulePack(BaseModel):
    """A jurisdiction's rules. ``parent`` links a city overlay to its state pack.

    ``sources`` lists what the last review read (every rule's ``source`` among them), so the next review
    starts from the same texts; ``review_due`` is a date by which the pack must be read again whatever its
    age (a sunset, a pending amendment, a law taking effect), which ``configscan rules stale`` reports.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^(US(-[A-Z]{2}(-[A-Z0-9-]+)?)?|baseline|policy(-[a-z0-9-]+)?)$")
    name: str
    level: Level
    version: str
    last_reviewed: dt.date
    statute_found: bool = True
    parent: str | None = None
    aliases: list[str] = Field(default_factory=list)
    notes: str | None = None
    sources: list[SourceRead] = Field(default_factory=list)
    review_due: dt.date | None = None
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_rule_ids(self) -> RulePack:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"pack {self.id}: duplicate rule id {rule.id}")
            seen.add(rule.id)
        return self


def duration_days(iso: str) -> float:
    """Approximate an ISO 8601 duration in days (months = 30.4375 d, years = 365.25 d) for comparisons.

    Packs keep the statute's own unit (P9M, not P270D); this conversion exists only to compare a
    configured retention in days against the limit.
    """
    match = ISO_DURATION.match(iso)
    if not match:
        raise ValueError(f"not an ISO 8601 duration: {iso!r}")
    parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    return (
        parts["years"] * 365.25
        + parts["months"] * 30.4375
        + parts["weeks"] * 7
        + parts["days"]
        + parts["hours"] / 24
        + parts["minutes"] / 1440
        + parts["seconds"] / 86400
    )
