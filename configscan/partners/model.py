"""The classifier's verdict on one organisation: a category, out-of-state, and why."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Category(StrEnum):
    federal_immigration = "federal_immigration"
    federal_other = "federal_other"
    state = "state"
    local = "local"
    tribal = "tribal"
    multi_agency = "multi_agency"
    private = "private"
    unknown = "unknown"

    @property
    def is_federal(self) -> bool:
        return self in (Category.federal_immigration, Category.federal_other)


class Classification(BaseModel):
    name: str
    category: Category
    out_of_state: bool | None = None  # None: the partner's state could not be established
    state: str | None = None  # the state the classifier settled on
    reasons: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    tags: list[str] = Field(default_factory=list)  # vendor tags found in the name: federal, inactive, ...
    state_conflict: bool = False  # the name, the state column and/or the ORI name different states
    decided_by: str | None = None  # which kind of evidence decided: override, vendor, email, ori, directory, name...
