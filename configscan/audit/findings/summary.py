"""The audit section of a ScanResult: aggregates that fit in a report (never millions of rows)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from configscan.partners.g287 import AgreementSearches


class AuditFile(BaseModel):
    label: str
    layout: str
    rows: int = 0
    rows_unreadable: int = 0
    header_repeats: int = 0
    blank_rows: int = 0  # rows with every field empty (skipped, not searches)
    encoding: str = "utf-8"  # what the file was read as (UTF-16 and Windows-1252 exports are transcoded)


class OrgStat(BaseModel):
    """One searching organisation across every file (after de-duplication)."""

    name: str
    category: str  # the partner classifier's category, or "redacted" / "own agency"
    state: str | None = None
    out_of_state: bool | None = None
    listed_partner: bool | None = None  # None when no configuration was given
    searches: int
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    max_networks: int | None = None
    max_devices: int | None = None  # widest search in cameras, where the log counts cameras
    sweeps: int = 0
    immigration: int = 0
    vague: int = 0
    classified_because: list[str] = Field(default_factory=list)


class MonthStat(BaseModel):
    month: str  # YYYY-MM, or "unknown" when the time could not be read
    searches: int
    by_category: dict[str, int] = Field(default_factory=dict)
    federal: int = 0
    out_of_state: int = 0


class ReasonStat(BaseModel):
    reason: str
    category: str
    rule: str | None = None
    searches: int
    orgs: int = 0


class AuditSummary(BaseModel):
    engine: str
    files: list[AuditFile] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    rows_read: int = 0
    rows_unreadable: int = 0
    duplicates_removed: int = 0
    searches: int = 0
    times_unreadable: int = 0
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    sweep_threshold: int
    sweeps: int = 0
    max_networks: int | None = None
    max_devices: int | None = None  # widest search in cameras (portal cameraCount, Total Devices Searched)
    wide_searches: int = 0  # searches whose reach proves national lookup (networks or cameras over the thresholds)
    wide_devices_threshold: int | None = None
    lookback_limit_days: float | None = None  # the retention limit searches were measured against, if any
    lookback_past_limit: int = 0  # searches whose Time Frame starts further back than that limit
    max_lookback_days: float | None = None
    moderated: int = 0  # rows with a value in the vendor's Moderation column
    orgs_total: int = 0
    by_category: dict[str, int] = Field(default_factory=dict)  # reason categories
    by_searcher: dict[str, int] = Field(default_factory=dict)  # searches by searcher class
    orgs: list[OrgStat] = Field(default_factory=list)  # flagged organisations plus the busiest others
    months: list[MonthStat] = Field(default_factory=list)
    reasons: list[ReasonStat] = Field(default_factory=list)  # flagged reasons plus the most common others
    evidence_rows: int = 0
    evidence_csv: str | None = None
    g287: list[AgreementSearches] = Field(default_factory=list)  # searches by agencies on the 287(g) list
    seconds: float = 0.0
