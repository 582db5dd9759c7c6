"""Which rule packs are due for review: the law moves, and a pack read long ago may cite repealed text.

A pack is due when its last review is older than the allowed age, or when the date by which the pack itself
says it must be read again (``review_due``: a sunset, a law about to take effect) has come. Pure functions
of the packs and a date, so ``configscan rules stale`` stays a thin printer and tests need no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from configscan.errors import UsageError
from configscan.jurisdictions.schema import ISO_DURATION, RulePack, duration_days

_AGE = re.compile(r"^(?P<n>\d+)\s*(?P<unit>d|w|y)?$", re.IGNORECASE)
_UNIT_DAYS = {"d": 1, "w": 7, "y": 365}


def parse_age(text: str) -> int:
    """``180d``, ``26w``, ``1y``, a bare number of days or an ISO 8601 duration (``P6M``) as whole days."""
    value = text.strip()
    match = _AGE.match(value)
    if match:
        days = int(match["n"]) * _UNIT_DAYS[(match["unit"] or "d").lower()]
    elif ISO_DURATION.match(value.upper()):
        days = round(duration_days(value.upper()))
    else:
        raise UsageError(f"--older-than {text!r}: give an age such as 180d, 26w, 1y or P6M")
    if days < 1:
        raise UsageError(f"--older-than {text!r}: the age must be at least one day")
    return days


@dataclass(frozen=True)
class DueReview:
    """One pack due for review, and why."""

    pack: RulePack
    age_days: int
    reasons: tuple[str, ...]


def due_for_review(packs: Iterable[RulePack], on: dt.date, older_than_days: int) -> list[DueReview]:
    """Packs last reviewed more than ``older_than_days`` before ``on`` or whose ``review_due`` has come,
    oldest review first."""
    due: list[DueReview] = []
    for pack in packs:
        age = (on - pack.last_reviewed).days
        reasons = []
        if age > older_than_days:
            reasons.append(f"last reviewed {age} days ago (more than {older_than_days})")
        if pack.review_due is not None and pack.review_due <= on:
            reasons.append(f"review due by {pack.review_due.isoformat()}")
        if reasons:
            due.append(DueReview(pack=pack, age_days=age, reasons=tuple(reasons)))
    return sorted(due, key=lambda d: (d.pack.last_reviewed, d.pack.id))
