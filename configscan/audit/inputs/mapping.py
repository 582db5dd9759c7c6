"""Audit logs through a column mapping (``kind = "audit"``): the mapping becomes a :class:`Layout`.

Vigilant (LEARN) and other vendors' query logs have no documented column names, and public releases
differ from one agency to the next, so the user names the header of each audit field in the same TOML
shape the readers' mappings use. The engine works only from ``Layout.columns`` (field -> column index),
so a mapping is applied by turning it into a layout for each file whose header holds every mapped column;
everything downstream (typing, de-duplication, findings) is the same as for a recognised layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from configscan.audit.inputs.layouts import Layout, detect, find_columns, header_layout
from configscan.errors import InputError
from configscan.readers.tabular import norm

if TYPE_CHECKING:  # readers.mapped imports this module to check and suggest audit mappings
    from configscan.readers.mapped import Mapping

# The audit fields a mapping may name. ``search_date`` is a date column that, with ``search_time``, makes
# the search time (on its own it is the search time: date-only logs).
FIELDS = ("id", "org", "user", "reason", "offense_type", "search_time", "search_date", "networks", "devices",
          "plate", "case")


def check(mapping_doc: dict[str, object], source: str) -> None:
    """Audit-specific rules for a mapping file (the shared ones are checked by ``load_mapping``).

    Without a reason or a searching organisation there is nothing to judge; value translations and defaults
    would have to be applied to every row inside the engine, so they are refused rather than ignored.
    """
    columns = mapping_doc.get("columns")
    if isinstance(columns, dict) and "reason" not in columns and "org" not in columns:
        raise InputError(source, "[columns] must map 'reason' or 'org' for kind 'audit'")
    for table in ("values", "defaults"):
        if mapping_doc.get(table):
            raise InputError(source, f"[{table}] is not supported for kind 'audit' (map columns only)")


def missing(mapping: Mapping, headers: Sequence[str]) -> list[str]:
    """The mapped headers absent from ``headers`` (compared as the readers compare header names)."""
    present = {norm(h) for h in headers}
    return [h for h in mapping.columns.values() if norm(h) not in present]


def layout(mapping: Mapping, record: Sequence[str], skip: int = 0) -> Layout | None:
    """The layout ``mapping`` gives a file whose header row is ``record``, or None if a column is missing."""
    headers = tuple(cell.strip().lstrip("\ufeff") for cell in record)
    if missing(mapping, headers):
        return None
    index: dict[str, int] = {}
    for position, header in enumerate(headers):
        index.setdefault(norm(header), position)
    columns = {key: index[norm(header)] for key, header in mapping.columns.items() if not key.startswith("x_")}
    split_date = None
    if "search_date" in columns:
        date_column = columns.pop("search_date")
        if "search_time" in columns:
            split_date = date_column
        else:
            columns["search_time"] = date_column
    return Layout(f"mapped by {Path(mapping.source).name}", headers, True, columns, split_date, skip, mapped=True)


def suggest_columns(header: Sequence[str]) -> dict[str, str] | None:
    """Audit fields found in ``header`` by the audit's own header names, if the header looks like an audit log.

    It does when it has a reason column, a time column and a searcher (user or organisation) column.
    """
    headers = tuple(h for h in header)
    columns, split_date = find_columns(headers)
    if not {"reason", "search_time"} <= set(columns) or not {"user", "org"} & set(columns):
        return None
    found = {key: headers[columns[key]] for key in FIELDS if key in columns}
    if split_date is not None:
        found["search_date"] = headers[split_date]
    return {key: found[key] for key in FIELDS if key in found}


def for_sheet(mapping: Mapping | None, sheet: str | None) -> Mapping | None:
    """The mapping if it applies to this source, given the sheet it is (None: not a workbook's sheet); a
    mapping may name one sheet of a workbook."""
    if mapping is None or mapping.sheet is None:
        return mapping
    return mapping if sheet == mapping.sheet else None


def find_layout(records: list[tuple[int, list[str]]], mapping: Mapping | None) -> Layout | None:
    """The mapping's layout if a header row holds every mapped column, else a recognised header, else by width."""
    if mapping is not None:
        for line, record in records:
            if (found := layout(mapping, record, line)) is not None:
                return found
    found = next((found for line, record in records if (found := header_layout(record, line)) is not None), None)
    return found if found is not None else detect(records[0][1])
