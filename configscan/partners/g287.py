"""ICE's list of agencies with 287(g) agreements, and which organisations in an export are on it.

A 287(g) agreement deputises local officers for immigration enforcement, so a partner on the list that can
search our plates is a way for immigration enforcement to reach them without a federal login. The bundled
copy is dated (``BUNDLED_DATE``) and every report says which list and date it used; ``--287g FILE`` points at
a newer list. Matching goes through :mod:`configscan.partners.identity` (state, place, kind of agency), so
the vendor's "Collier County FL SO" finds ICE's "Collier County Sheriff's Office".

Only readers touch files, in principle; this module reads one small bundled CSV the way the partner
directory does (``partners/directory.py``), because the list is reference data, not an input.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, Field

from configscan.errors import InputError
from configscan.partners.identity import AgencyKey, agency_key
from configscan.states import to_code

BUNDLED_FILE = "ice-287g-participating-2026-05-18.csv"
BUNDLED_DATE = dt.date(2026, 5, 18)
_AGENCY_COLUMNS = ("agency", "law enforcement agency")
_STATE_COLUMNS = ("state",)


@dataclass(frozen=True)
class Agreement:
    """One agency on the list, with every support model it signed (ICE lists one row per model)."""

    name: str
    state: str
    agency_type: str
    models: tuple[str, ...]
    signed: str | None  # the latest signing date, ISO


class ListInfo(BaseModel):
    """Which 287(g) list a report used: shown in every report that mentions 287(g)."""

    source: str  # "bundled" or the user's file
    date: dt.date | None  # the list's own date (its source_list_date), else None ("undated")
    agencies: int
    agreements: int


class AgreementMatch(BaseModel):
    """An organisation in the export found on the 287(g) list."""

    name: str  # as the export writes it
    listed_as: str  # as ICE writes it
    state: str
    models: list[str] = Field(default_factory=list)
    signed: str | None = None


@dataclass
class Roster:
    """The 287(g) list indexed by agency key."""

    info: ListInfo
    by_key: dict[AgencyKey, Agreement] = field(default_factory=dict)

    def match(self, name: str, state: str | None) -> AgreementMatch | None:
        """The agreement of the agency this name means, if it has one (None also when no state is known)."""
        key = agency_key(name, state)
        found = self.by_key.get(key) if key else None
        if found is None:
            return None
        return AgreementMatch(name=name, listed_as=found.name, state=found.state, models=list(found.models),
                              signed=found.signed)


def load_roster(path: Path | None = None) -> Roster:
    """The bundled list, or the user's file: ICE's own workbook (``participatingAgencies10092026am.xlsx``, the
    header row found below any title rows) or a CSV, in ICE's columns (STATE, LAW ENFORCEMENT AGENCY, TYPE,
    SUPPORT TYPE, SIGNED) or this project's lower-case names with an optional ``source_list_date``.

    The list's date is its ``source_list_date`` column, else the date in its file name (ICE names each list
    by its publication date, MMDDYYYY), else unknown: the reports then say "undated"."""
    if path is None:
        text = resources.files("configscan.partners").joinpath("data", BUNDLED_FILE).read_text(encoding="utf-8")
        return parse_roster(text, "bundled", BUNDLED_DATE)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return roster_from_rows(_workbook_rows(path), str(path), date_in_name(path.name))
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(str(path), f"cannot read the 287(g) list ({exc})") from exc
    return parse_roster(text, str(path), date_in_name(path.name))


_ISO_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_EIGHT_DIGITS = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})(\d{2})(?!\d)")


def date_in_name(name: str) -> dt.date | None:
    """The date a list's file name carries: ISO (``ice-287g-2026-10-09.csv``), ICE's MMDDYYYY
    (``participatingAgencies10092026am.xlsx``) or YYYYMMDD; None when there is none or it is no real date."""
    for found in _ISO_IN_NAME.finditer(name):
        if (day := _date(found.group(1), found.group(2), found.group(3))) is not None:
            return day
    for found in _EIGHT_DIGITS.finditer(name):
        a, b, c, d = found.groups()
        if (day := _date(c + d, a, b) or _date(a + b, c, d)) is not None:  # MMDDYYYY first: ICE's own names
            return day
    return None


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        found = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if 2000 <= found.year <= 2099 else None


def _workbook_rows(path: Path) -> list[dict[str, str]]:
    """The first sheet's rows under its header row (the first row naming a state and an agency column)."""
    from openpyxl import load_workbook  # only for a user's workbook; the bundled list is CSV

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        rows: list[dict[str, str]] = []
        for cells in sheet.iter_rows(values_only=True):
            values = [_cell_text(c) for c in cells]
            if header is None:
                names = {v.lower() for v in values}
                if names & set(_STATE_COLUMNS) and names & set(_AGENCY_COLUMNS):
                    header = values
                continue
            if any(values):
                rows.append(dict(zip(header, values, strict=False)))
        if header is None:
            raise ValueError("no header row with a STATE and an AGENCY column in the first sheet")
        return rows
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def parse_roster(text: str, source: str, date: dt.date | None) -> Roster:
    return roster_from_rows(list(csv.DictReader(io.StringIO(text))), source, date)


def roster_from_rows(rows: list[dict[str, str]], source: str, date: dt.date | None) -> Roster:
    """The list indexed by agency key; ``date`` is used when no ``source_list_date`` column says otherwise."""
    if not rows:
        raise InputError(source, "the 287(g) list has no rows")
    header = {k.strip().lower(): k for k in rows[0] if k}
    agency_col = next((header[c] for c in _AGENCY_COLUMNS if c in header), None)
    state_col = next((header[c] for c in _STATE_COLUMNS if c in header), None)
    if agency_col is None or state_col is None:
        raise InputError(source, "the 287(g) list needs a state and an agency (or 'law enforcement agency') column")
    grouped: dict[tuple[str, str], list[dict[str, str]]] = {}
    for number, row in enumerate(rows, start=2):
        state = to_code((row.get(state_col) or "").strip())
        name = (row.get(agency_col) or "").strip()
        if not name:
            continue
        if state is None:
            raise InputError(source, f"row {number}: state {row.get(state_col)!r} is not a US state")
        grouped.setdefault((state, name), []).append(row)
    dates = sorted({_get(r, header, "source_list_date") for r in rows} - {""})
    roster = Roster(info=ListInfo(source=source, date=dt.date.fromisoformat(dates[-1]) if dates else date,
                                  agencies=len(grouped), agreements=sum(len(v) for v in grouped.values())))
    aliases: list[tuple[AgencyKey, Agreement]] = []
    for (state, name), group in grouped.items():
        key = agency_key(name, state)
        if key is None:
            continue
        signed = sorted({_get(r, header, "signed") for r in group} - {""})
        models = tuple(dict.fromkeys(m for r in group if (m := _get(r, header, "support_type")
                                                          or _get(r, header, "support type"))))
        agreement = Agreement(name=name, state=state, models=models, signed=signed[-1] if signed else None,
                              agency_type=_get(group[0], header, "agency_type") or _get(group[0], header, "type"))
        roster.by_key[key] = agreement
        aliases.extend((alias, agreement) for alias in _division_aliases(name, state))
    for alias, agreement in aliases:  # a name ICE lists outright wins over a division's parent
        roster.by_key.setdefault(alias, agreement)
    return roster


_DIVISION = re.compile(r"\s+-\s+|,\s*division of\s+", re.I)
_STATEWIDE_KINDS = frozenset({"public safety", "highway patrol", "state patrol", "state police", "law enforcement"})


def _division_aliases(name: str, state: str) -> list[AgencyKey]:
    """ICE sometimes lists a division ("Texas Department of Public Safety - Texas Highway Patrol", "Florida
    Department of Highway Safety and Motor Vehicles, Division of Highway Patrol"): vendors write the parent
    or the division's everyday name. Both are indexed -- but only where the key still names one agency (a
    place, or a statewide agency), never a bare "District Attorney" that would fit every DA in the state."""
    parts = _DIVISION.split(name, maxsplit=1)
    if len(parts) != 2:
        return []
    keys = []
    for part in parts:
        key = agency_key(part, state)
        if key is not None and key.kind and (key.place or key.kind in _STATEWIDE_KINDS):
            keys.append(key)
    return keys


def _get(row: dict[str, str], header: dict[str, str], column: str) -> str:
    original = header.get(column)
    return (row.get(original) or "").strip() if original else ""


def matches(roster: Roster, names: Iterable[tuple[str, str | None]]) -> list[AgreementMatch]:
    """Every (name, state) on the list, once per name."""
    found: dict[str, AgreementMatch] = {}
    for name, state in names:
        if name not in found and (hit := roster.match(name, state)) is not None:
            found[name] = hit
    return list(found.values())


class AgreementSearches(BaseModel):
    """Searches in an audit log by one organisation on the 287(g) list."""

    name: str  # as the log writes it
    listed_as: str
    state: str
    models: list[str] = Field(default_factory=list)
    searches: int
    immigration: int = 0  # of them, with an immigration reason


def cached_roster(path: Path | None = None) -> Roster:
    """The list once per process: a portfolio evaluates many agencies against the same one (a file that
    changed since is read again)."""
    if path is None:
        return _cached_roster(None, 0, 0)
    try:
        stat = path.stat()
    except OSError:
        return load_roster(path)  # raises the input error naming the file
    return _cached_roster(path, stat.st_mtime_ns, stat.st_size)


@cache
def _cached_roster(path: Path | None, mtime_ns: int, size: int) -> Roster:
    return load_roster(path)
