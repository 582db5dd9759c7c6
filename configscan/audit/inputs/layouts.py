"""Which audit layout a file uses, and where each field sits in it.

Columns are found by header name (order, extra columns and spelling variants tolerated). Exports without a
header row use the vendor's historical column order, told apart by column count. The layouts known from
public releases are listed in the reference notes: the 13-column network/organisation audit, the older
11-column one with ``Total Devices Searched``, the network audit without officer names and plates
(2025-12-17 on), trimmed 8/10-column exports (the federal-only search export is the 10-column one),
organisation audits with ``Offense Type``, split ``Search Date`` + ``Search Time``, and the transparency portal's
``id, userId, searchDate, cameraCount|networkCount, reason[, caseNumber, offenseType]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Canonical field -> header spellings (compared after lower-casing and dropping non-alphanumerics).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "searchid", "auditid", "queryid"),
    "user": ("name", "userid", "user", "username", "officer", "searcher", "officername"),
    "org": ("orgname", "organization", "organizationname", "organisation", "org", "agency", "searchingagency",
            "searchingorganization", "useragency", "agencyname", "useragencyname", "requestingagency"),
    "networks": ("totalnetworkssearched", "networkcount", "networkssearched", "networks"),
    "devices": ("totaldevicessearched", "cameracount", "devicessearched", "devices", "cameras"),
    "time_frame": ("timeframe",),
    "plate": ("licenseplate", "plate", "licenceplate", "platenumber", "licenseplatenumber", "licenceplatenumber"),
    "reason": ("reason", "searchreason", "purpose", "queryreason", "querypurpose", "searchpurpose",
               "reasonforsearch", "reasonforquery"),
    "case": ("case", "casenumber", "caseno", "casenum"),
    "filters": ("filters",),
    "search_time": ("searchtime", "searchdatetime", "searchdate", "datetime", "searchedat", "timestamp", "time",
                    "querydate", "querydatetime", "querytime", "dateandtime", "searchtimestamp"),
    "search_type": ("searchtype", "type"),
    "offense_type": ("offensetype",),
    "text_prompt": ("textprompt",),
    "moderation": ("moderation",),
    # Corpus files that gather many agencies' releases name, per row, the agency whose cameras were searched
    # (the release's producer) and its state; ``configscan corpus`` reads them, a single audit ignores them.
    "owner": ("owner", "cameraowner", "owneragency", "owneragencyname", "releasingagency", "producingagency",
              "producer", "releasedby", "sourceagency", "networkowner", "publishingagency"),
    "owner_state": ("ownerstate", "cameraownerstate", "owneragencystate", "releasingagencystate",
                    "producingagencystate", "producerstate"),
}
# A date column and a time column that together make the search time (San Jose style, and query logs).
_SPLIT_PAIRS = (("searchdate", "searchtime"), ("querydate", "querytime"), ("date", "time"))
_KEY = re.compile(r"[^a-z0-9]")

# Header-less exports: the vendor's column order, by column count.
_HEADERLESS: dict[int, tuple[str, tuple[str, ...]]] = {
    13: ("L13 (no header)", ("ID", "Name", "Org Name", "Total Networks Searched", "Time Frame", "License Plate",
                             "Reason", "Case #", "Filters", "Search Time", "Search Type", "Text Prompt",
                             "Moderation")),
    11: ("L11 (no header)", ("Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame",
                             "License Plate", "Reason", "Case #", "Filters", "Search Time", "Search Type")),
}
# The network audit since 2025-12-17 leaves out other organisations' officer names and plates: 11 columns as
# well, told apart from the old L11 by a search ID (a UUID) in the first cell.
_NO_NAME_PLATE = ("ID", "Org Name", "Total Networks Searched", "Time Frame", "Reason", "Case #", "Filters",
                  "Search Time", "Search Type", "Text Prompt", "Moderation")
NO_NAME_PLATE = "network audit without name and plate (2025-12-17 on)"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class Layout:
    """Where each canonical field sits: ``columns`` maps field -> column index (0-based) in the file."""

    name: str
    headers: tuple[str, ...]
    has_header: bool
    columns: dict[str, int] = field(default_factory=dict)
    split_date: int | None = None  # index of a separate date column (San Jose style)
    skip: int = 0  # records (empty lines included) before the header: title rows in spreadsheets
    mapped: bool = False  # columns named by the user's mapping (configscan.audit.inputs.mapping), not recognised

    def column(self, name: str) -> int | None:
        return self.columns.get(name)


def _key(text: str) -> str:
    return _KEY.sub("", text.lower())


def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, spellings in _SYNONYMS.items():
        for spelling in spellings:
            table.setdefault(spelling, canonical)
    return table


def find_columns(headers: tuple[str, ...]) -> tuple[dict[str, int], int | None]:
    """Map canonical fields to column indexes; the first header of each kind wins. Returns (map, date index)."""
    table = _lookup()
    columns: dict[str, int] = {}
    keys = [_bare(_key(h), table) for h in headers]
    split_date = next((keys.index(d) for d, t in _SPLIT_PAIRS if d in keys and t in keys), None)
    for index, key in enumerate(keys):
        if index == split_date:
            continue
        canonical = table.get(key)
        if canonical and canonical not in columns:
            columns[canonical] = index
    return columns, split_date


# Decorations around a known header: a time zone or unit after it ("Search Time (UTC)"), a count word
# before it ("# of Networks", "Number of Devices").
_SUFFIXES = ("utc", "gmt", "local", "localtime", "pst", "pdt", "est", "edt", "cst", "cdt", "mst", "mdt", "z")
_PREFIXES = ("numberof", "noof", "of", "count")


def _bare(key: str, table: dict[str, str]) -> str:
    """The header key itself when known, else the known key inside its decorations (else unchanged)."""
    if key in table:
        return key
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in table:
            return key[: -len(suffix)]
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix):] in table:
            return key[len(prefix):]
    return key


def _name(columns: dict[str, int], headers: tuple[str, ...], split_date: int | None) -> str:
    keys = {_key(h) for h in headers}
    if "userid" in keys and "searchdate" in keys and "org" not in columns:
        return "portal"
    if split_date is not None:
        return "split date/time"
    if keys & {"querydate", "querydatetime", "queryreason", "querypurpose", "useragency"}:
        return "query log (Vigilant style)"
    if "offense_type" in columns:
        return "organization audit with offense type"
    if "devices" in columns and "networks" in columns:
        return "L11"
    if "org" in columns and "networks" in columns and "time_frame" in columns and not {"user", "plate"} & set(columns):
        return NO_NAME_PLATE
    return f"L{len(headers)}" if len(headers) in (6, 8, 10, 13, 14) else f"{len(headers)} columns"


def header_layout(record: list[str], skip: int = 0) -> Layout | None:
    """A layout if ``record`` is a header row: three known names one of them the reason, or four, or just
    the reason and the time (a spreadsheet's bare ``Reason, DateTime`` audit sheet)."""
    headers = tuple(cell.strip().lstrip("\ufeff") for cell in record)
    columns, split_date = find_columns(headers)
    if "reason" in columns and (len(columns) >= 3 or "search_time" in columns) or len(columns) >= 4:
        return Layout(_name(columns, headers, split_date), headers, True, columns, split_date, skip)
    return None


def detect(first_row: list[str]) -> Layout | None:
    """Decide from the first record whether it is a header or data of a known header-less width."""
    found = header_layout(first_row)
    if found is not None:
        return found
    headers = tuple(cell.strip() for cell in first_row)
    if len(headers) == len(_NO_NAME_PLATE) and _UUID.match(headers[0]):
        columns, _ = find_columns(_NO_NAME_PLATE)
        return Layout(f"{NO_NAME_PLATE} (no header)", _NO_NAME_PLATE, False, columns)
    known = _HEADERLESS.get(len(headers))
    if known is None:
        return None
    name, order = known
    columns, _ = find_columns(order)
    return Layout(name, order, False, columns)


def problem(layout: Layout) -> str | None:
    """Why a layout cannot be audited, or None. Without a reason or a searcher there is nothing to judge."""
    if "reason" not in layout.columns and "org" not in layout.columns:
        return "no Reason and no Org Name column"
    return None
