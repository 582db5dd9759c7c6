"""Evidence as people read it: lists as lists, durations in days, dates without microseconds, on/off.

Checks put raw values in a finding's evidence (``365.0``, ``P30D``, ``True``, ISO times with microseconds)
because machines read the JSON report. The human formats (HTML, Markdown, PDF) pass every value through
:func:`plain` or :func:`shape` so a council member never sees programmer output; the JSON report keeps the
raw values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from configscan.jurisdictions.schema import duration_days

_ISO_DURATION = re.compile(r"^P(?:\d+[YMWD])+(?:T(?:\d+[HMS])+)?$|^PT(?:\d+[HMS])+$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")
_DAY_KEYS = ("days", "retention", "limit")
# First characters of the only texts :func:`plain` rewrites (ISO durations start with P, times with a digit);
# the empty string is here too, so a blank value takes the full path.
_MAYBE_FORMATTED = frozenset("P0123456789") | {""}


_DURATION_WORD = re.compile(r"\bP(?:\d+[YMWD])+(?:T(?:\d+[HMS])+)?\b|\bPT(?:\d+[HMS])+\b")


def prose(text: str) -> str:
    """A sentence from a check with ISO 8601 durations in it (``the limit is P30D``) in days."""
    def one(match: re.Match[str]) -> str:
        try:
            return days(duration_days(match.group()))
        except ValueError:
            return match.group()

    return _DURATION_WORD.sub(one, text)


def days(value: float) -> str:
    """``30.0`` -> ``30 days``; ``1`` -> ``1 day``; fractions kept to one decimal."""
    number = int(value) if float(value).is_integer() else round(float(value), 1)
    return f"{number} day" if number == 1 else f"{number} days"


@lru_cache(maxsize=4096)  # a few dozen keys, asked for on every row of every card
def label(key: str) -> str:
    """An evidence key as a heading: ``limit_in_days`` -> ``Limit in days``, dotted paths kept readable."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else key


def plain(value: object, key: str = "") -> str:
    """One scalar value as a person reads it (lists and mappings go through :func:`shape`)."""
    if type(value) is str and value[:1] not in _MAYBE_FORMATTED:  # most values: names, reasons, labels
        return value if value.strip() else "(blank)"
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None).isoformat(sep=" ") + (" UTC" if value.tzinfo else "")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | int):
        if _day_key(key):
            return days(value)
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"
    text = str(value)
    if not text.strip():
        return "(blank)"
    if _ISO_DURATION.match(text):
        try:
            return days(duration_days(text))
        except ValueError:
            return text
    match = _ISO_TIME.match(text)
    if match:
        date, clock, zone = match.groups()
        return f"{date} {clock}" + (" UTC" if zone in ("Z", "+00:00", "+0000") else (f" {zone}" if zone else ""))
    return text


@dataclass(frozen=True, slots=True)
class Shape:
    """The form a value takes on the page. Attributes, not a mapping: templates read them for every cell of
    every card, and jinja2 finds an attribute at once where a mapping key costs it a failed attribute lookup."""

    kind: str  # text | list | pairs | rows
    text: str = ""
    items: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


_SCALARS = frozenset({str, int, float, type(None)})  # exactly these types (a bool is shown as on/off by plain)


@lru_cache(maxsize=4096)
def _day_key(key: str) -> bool:
    """A number under this evidence key counts days (asked for every number of every card)."""
    return any(k in key.lower() for k in _DAY_KEYS)


def shape(value: object, key: str = "") -> Shape:
    """The form a value takes on the page: text, a list, pairs or rows.

    A list of mappings becomes a table (one row each, the union of keys as columns); a list a bulleted list;
    a mapping a two-column list of pairs; anything else one line of text.
    """
    if type(value) in _SCALARS:  # most values of most cards: one line of text, no container checks
        return Shape("text", text=plain(value, key))
    if isinstance(value, list | tuple):
        items = list(value)
        if items and all(isinstance(i, Mapping) for i in items):
            columns: list[str] = []
            for item in items:
                columns.extend(str(k) for k in item if str(k) not in columns)
            rows = tuple(tuple(plain(item.get(c), c) for c in columns) for item in items)
            return Shape("rows", columns=tuple(columns), rows=rows)
        if not items:
            return Shape("text", text="none")
        return Shape("list", items=tuple(plain(i, key) for i in items))
    if isinstance(value, Mapping):
        return Shape("pairs", pairs=tuple((label(str(k)), plain(v, str(k))) for k, v in value.items()))
    return Shape("text", text=plain(value, key))
