"""The portfolio's own result: one row per agency, the worst findings, and the batch's links for the picture."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from configscan.partners.g287 import ListInfo


class AgencyRow(BaseModel):
    slug: str  # agencies/<slug>.html|json
    name: str
    state: str | None = None
    ori: str | None = None
    verdict: str
    exit_code: int
    counts: dict[str, int] = Field(default_factory=dict)
    unverified: int = 0
    national_lookup: bool | None = None
    federal_links: int = 0
    out_of_state_links: int = 0
    g287_partners: int = 0
    reach_total: int = 0
    reach_federal: int = 0
    side_doors: int = 0
    checks: dict[str, str] = Field(default_factory=dict)  # check id -> worst outcome, e.g. "fail:critical"
    inputs: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)


class WorstFinding(BaseModel):
    agency: str
    slug: str
    check: str
    severity: str
    outcome: str
    title: str
    subject: str
    citations: list[str] = Field(default_factory=list)


class Portfolio(BaseModel):
    tool: dict[str, str]
    generated_at: dt.datetime
    as_of: dt.date
    fail_on: str
    exit_code: int
    g287_list: ListInfo | None = None
    agencies: list[AgencyRow] = Field(default_factory=list)
    checks: list[str] = Field(default_factory=list)
    worst: list[WorstFinding] = Field(default_factory=list)
    jurisdictions: dict[str, int] = Field(default_factory=dict)  # pack id -> agencies under it
    links: list[tuple[int, int]] = Field(default_factory=list)  # (owner, searcher) indexes into agencies
    seconds: float = 0.0
