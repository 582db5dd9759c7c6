"""Parsing the value shapes vendor exports use (On/Off, directions, states, dates).

Each parser returns ``None`` for a blank cell (unknown) and raises :class:`ValueError` for text it does
not understand, so the reader can count the cell as unreadable instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import re

from configscan.model import USPS_STATES
from configscan.readers.tabular import norm

_TRUE = {"on", "yes", "y", "true", "enabled", "enable", "1", "x", "checked", "active", "allowed", "opted in"}
_FALSE = {"off", "no", "n", "false", "disabled", "disable", "0", "unchecked", "inactive", "not allowed",
          "opted out", "none"}
_BLANK = {"", "-", "n/a", "na", "null"}


def boolean(text: str) -> bool | None:
    value = norm(text)
    if text.strip().lower() in _BLANK:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{text!r} is not on/off")


def number(text: str) -> float | None:
    stripped = text.strip().lower().replace(",", "")
    if stripped in _BLANK:
        return None
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)\s*(?:mi|miles?|days?)?", stripped)
    if not match:
        raise ValueError(f"{text!r} is not a number")
    return float(match.group(1))


def states(text: str) -> list[str] | None:
    """A list of USPS codes from "OR, WA" / "OR;WA" / "OR WA"; unknown codes are an error."""
    if text.strip().lower() in _BLANK:
        return None
    codes = [c.strip().upper() for c in re.split(r"[,;/\s]+", text) if c.strip()]
    bad = [c for c in codes if c not in USPS_STATES]
    if bad:
        raise ValueError(f"not state codes: {', '.join(bad)}")
    return codes


_DIRECTIONS = {
    "outbound": ("outbound", "out", "sharing", "i m sharing", "im sharing", "shared by us", "shared by me",
                 "they can search us", "access granted", "granted", "shares our data", "we share with them"),
    "inbound": ("inbound", "in", "receiving", "received", "shared with me", "shared with us",
                "we can search them", "they share with us"),
    "both": ("both", "mutual", "two way", "reciprocal", "bidirectional", "bi directional", "in out", "in and out"),
}


def direction(text: str) -> str | None:
    value = norm(text)
    if not value:
        return None
    for name, variants in _DIRECTIONS.items():
        if value in variants:
            return name
    raise ValueError(f"{text!r} is not a sharing direction")


def link(text: str) -> str | None:
    value = norm(text)
    if not value:
        return None
    if value in ("1 1", "1to1", "1 to 1", "one to one", "direct", "manual"):
        return "1:1"
    if value in ("group", "sharing group"):
        return "group"
    if value in ("network", "lookup", "national lookup", "statewide lookup", "national", "statewide"):
        return "network"
    raise ValueError(f"{text!r} is not a sharing type")


def status(text: str) -> str | None:
    value = norm(text)
    if not value:
        return None
    if value in ("active", "accepted", "approved", "enabled", "shared", "current"):
        return "active"
    if value in ("pending", "requested", "awaiting", "sent"):
        return "pending"
    if value in ("revoked", "removed", "inactive", "rejected", "deleted", "disabled", "expired", "denied"):
        return "revoked"
    raise ValueError(f"{text!r} is not a sharing status")


def timestamp(text: str) -> dt.datetime | None:
    """ISO 8601 (``Z``, offset or none -> UTC), ``MM/DD/YYYY, HH:MM:SS AM UTC`` or an Excel serial."""
    raw = text.strip()
    if not raw:
        return None
    if re.fullmatch(r"[0-9]{5}(\.[0-9]+)?", raw):  # Excel serial day number
        return dt.datetime(1899, 12, 30, tzinfo=dt.UTC) + dt.timedelta(days=float(raw))
    cleaned = raw.replace(" UTC", "").replace("Z", "+00:00")
    for parse in (dt.datetime.fromisoformat,
                  lambda s: dt.datetime.strptime(s, "%m/%d/%Y, %I:%M:%S %p"),
                  lambda s: dt.datetime.strptime(s, "%m/%d/%Y %I:%M:%S %p"),
                  lambda s: dt.datetime.strptime(s, "%m/%d/%Y %H:%M")):
        try:
            value = parse(cleaned)
        except ValueError:
            continue
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    raise ValueError(f"{text!r} is not a date and time")


def date(text: str) -> dt.date | None:
    stamp = timestamp(text)
    if stamp is None:
        return None
    return stamp.date()


_STATE_IN_NAME = re.compile(r"(?:\(([A-Z]{2})\)|\b([A-Z]{2}))\s*$")


def state_in_name(name: str) -> str | None:
    """A trailing "(TX)" or " CA" on a long-form name (Vigilant style), when it is a USPS code."""
    match = _STATE_IN_NAME.search(name.strip())
    if not match:
        return None
    code = match.group(1) or match.group(2)
    return code if code in USPS_STATES else None
