"""Any CSV/XLSX through a column-mapping file (TOML) -- for releases no built-in reader knows.

A mapping names what the rows are (``kind = "partners" | "users" | "networks" | "audit"``), which header
holds each interchange field, how to translate values, and defaults for fields the file lacks::

    kind = "partners"
    sheet = "Sharing"            # optional: one sheet of a workbook
    [columns]
    name = "Agency"
    state = "ST"
    direction = "Access"
    [values.direction]
    "They can search us" = "outbound"
    [defaults]
    link = "1:1"

A top-level ``direction = "inbound" | "outbound" | "both"`` says what a one-direction list is (the release
answers "who shares with us"): the direction of each row whose own column does not give one, recorded as
assumed from the mapping and stated in the report.

``kind = "audit"`` maps the columns of an audit log (Vigilant query logs, any other vendor's) for
``configscan audit --mapping`` and ``scan --audit --mapping``: ``id``, ``org`` (searching organisation),
``user``, ``reason``, ``offense_type``, ``search_time`` (or ``search_date`` + ``search_time``), ``networks``,
``devices``, ``plate``, ``case``; ``reason`` or ``org`` is required, and it takes no ``[values]`` or
``[defaults]`` (see ``configscan.audit.inputs.mapping``).

``configscan map suggest FILE`` writes a first draft from the headers. The mapping is applied to the files
whose headers hold every mapped column; other inputs keep their own readers.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configscan.audit.inputs import mapping as audit_mapping
from configscan.errors import InputError
from configscan.readers import flock_settings, flock_sharing, flock_users, values
from configscan.readers.base import Fragment, Reader
from configscan.readers.tabular import Table, blank, cell, headers_of, norm, read_tables

KINDS = ("partners", "users", "networks", "audit")
# Interchange fields each kind can map, with the header variants ``map suggest`` recognises.
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "partners": {"name": flock_sharing.NAME, "state": flock_sharing.STATE, "org_type": flock_sharing.TYPE,
                 "direction": flock_sharing.DIRECTION, "link": flock_sharing.LINK,
                 "status": flock_sharing.STATUS, "since": flock_sharing.DATE, "ori": ("ori", "ori number")},
    "users": {"email": flock_users.EMAIL, "name": flock_users.FULL, "role": flock_users.ROLE},
    "networks": {"name": flock_settings.NETWORK, "cameras": flock_settings.CAMERAS,
                 **{k: v[0] for k, v in flock_settings.FIELDS.items()}},
    "audit": {key: () for key in audit_mapping.FIELDS},  # suggested from the audit's own header names
}
PARSERS: dict[str, Callable[[str], Any]] = {
    "direction": values.direction, "link": values.link, "status": values.status, "since": values.date,
    "national_lookup": values.boolean, "statewide_lookup": values.boolean, "similar_laws_network": values.boolean,
    "radius_miles": values.number, "shared_states": values.states, "cameras": values.number,
}
REQUIRED = {"partners": "name", "users": "email", "networks": "name", "audit": "reason"}


@dataclass
class Mapping:
    kind: str
    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    source: str = ""
    direction: str | None = None  # what a one-direction partner list is (rows without their own direction)


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every error names the file and the key."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"invalid TOML ({exc})") from exc
    kind = doc.get("kind")
    if kind not in KINDS:
        raise InputError(str(path), f"key 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    columns = doc.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise InputError(str(path), "table [columns] is missing or empty")
    for key, header in columns.items():
        if key not in FIELDS[kind] and not key.startswith("x_"):
            raise InputError(str(path), f"[columns] {key!r} is not a {kind} field "
                             f"(known: {', '.join(FIELDS[kind])}; prefix extra fields with x_)")
        if not isinstance(header, str) or not header.strip():
            raise InputError(str(path), f"[columns] {key!r} must name a header")
    if kind == "audit":
        audit_mapping.check(doc, str(path))
    elif REQUIRED[kind] not in columns and REQUIRED[kind] not in doc.get("defaults", {}):
        raise InputError(str(path), f"[columns] must map {REQUIRED[kind]!r} for kind {kind!r}")
    direction = doc.get("direction")
    if direction is not None:
        if kind != "partners":
            raise InputError(str(path), f"key 'direction' is for kind \"partners\" (this mapping is {kind!r})")
        try:
            direction = values.direction(direction) if isinstance(direction, str) else None
        except ValueError:
            direction = None
        if direction is None:
            raise InputError(str(path), f"key 'direction' must be inbound, outbound or both, got {doc['direction']!r}")
    return Mapping(kind=kind, columns=dict(columns), values=dict(doc.get("values", {})),
                   defaults=dict(doc.get("defaults", {})), sheet=doc.get("sheet"), source=str(path),
                   direction=direction)


def _fits(mapping: Mapping, header: list[str]) -> bool:
    present = {norm(h) for h in header}
    return all(norm(h) in present for h in mapping.columns.values())


def _convert(mapping: Mapping, key: str, text: str) -> Any:
    translated = mapping.values.get(key, {})
    lookup = {norm(k): v for k, v in translated.items()}
    text = lookup.get(norm(text), text)
    parse = PARSERS.get(key)
    return parse(text) if parse and isinstance(text, str) else (text or None)


def _rows(mapping: Mapping, table: Table, fragment: Fragment) -> list[dict[str, Any]]:
    cols = {key: table.column(header) for key, header in mapping.columns.items()}
    required = REQUIRED[mapping.kind]
    out = []
    for number, row in table.rows:
        if blank(row):
            continue
        fragment.rows_read += 1
        record: dict[str, Any] = dict(mapping.defaults)
        for key, index in cols.items():
            text = cell(row, index)
            if not text:
                continue
            try:
                record[key.removeprefix("x_")] = _convert(mapping, key, text)
            except ValueError as exc:
                fragment.problems.append(f"{table.where(number)}: column {mapping.columns[key]!r}: {exc}")
                fragment.lost_matters = True
        if not record.get(required):
            fragment.problems.append(f"{table.where(number)}: no {required} in column "
                                     f"{mapping.columns.get(required, '?')!r}")
            fragment.lost_matters = True
            continue
        if mapping.direction and record.get("direction") is None:
            record["direction"] = mapping.direction
            record["direction_basis"] = f"direction = \"{mapping.direction}\" in {mapping.source}"
        if "cameras" in record and record["cameras"] is not None:
            record["cameras"] = int(record["cameras"])
        record["provenance"] = table.provenance(number, cols.get(required))
        out.append({k: v for k, v in record.items() if v is not None})
    return out


def mapped_reader(mapping: Mapping) -> Reader:
    """A reader that applies ``mapping`` to the files whose headers hold every mapped column."""

    def sniff(path: Path, head: bytes) -> bool:
        return any(_fits(mapping, h) and (mapping.sheet is None or s == mapping.sheet)
                   for s, h in headers_of(path, head))

    def read(path: Path) -> Fragment:
        fragment = Fragment(source=str(path), reader="mapped")
        records: list[dict[str, Any]] = []
        tables = [t for t in read_tables(path) if mapping.sheet is None or t.sheet == mapping.sheet]
        fitting = [t for t in tables if _fits(mapping, t.header)]
        if not fitting:
            raise InputError(str(path), f"no sheet has every column named in {mapping.source}")
        for table in fitting:
            records.extend(_rows(mapping, table, fragment))
        if mapping.kind == "networks":
            fragment.data = {"sharing": {**flock_settings.summarise(records), "networks": records}}
        else:
            fragment.data = {mapping.kind: records}
        return fragment

    return Reader(name="mapped", description=f"columns mapped by {mapping.source}", sniff=sniff, read=read,
                  priority=0)


def suggest(path: Path) -> str:
    """A draft mapping (TOML text) for ``path``: the kind whose fields match most headers, then each match."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    sheets = [(s, h) for s, h in headers_of(path, head) if h]
    if not sheets:
        raise InputError(str(path), "no header row found")
    best: tuple[int, str, str | None, dict[str, str]] = (-1, "partners", None, {})
    for sheet, header in sheets:
        audit = audit_mapping.suggest_columns(header)
        if audit is not None:  # a reason, a time and a searcher: an audit log, whatever else matches
            best = max(best, (len(audit) + 100, "audit", sheet, audit), key=lambda b: b[0])
            continue
        normed = {norm(h): h for h in header if h}
        for kind, fields in FIELDS.items():
            found = {key: normed[norm(v)] for key, variants in fields.items() for v in variants[:1] + variants
                     if norm(v) in normed}
            found = {k: found[k] for k in fields if k in found}
            if len(found) > best[0]:
                best = (len(found), kind, sheet, found)
    _, kind, sheet, found = best
    header = dict(sheets)[sheet]
    command = "configscan audit FILE --agency-state ST" if kind == "audit" else "configscan scan FILE"
    lines = [f"# Column mapping for {path.name}: check every line, then run", f"# {command} "
             "--mapping THIS.toml", f'kind = "{kind}"  # one of: {", ".join(KINDS)}']
    if sheet:
        lines.append(f"sheet = {_toml(sheet)}")
    lines += ["", "[columns]"]
    for key in FIELDS[kind]:
        lines.append(f"{key} = {_toml(found[key])}" if key in found else f"# {key} = \"<header>\"")
    unmapped = [h for h in header if h and h not in found.values()]
    if unmapped:
        lines.append("# not mapped (prefix a key with x_ to keep one): " + ", ".join(unmapped))
    if kind == "partners" and "direction" not in found:  # a top-level key: must come before the tables
        at = lines.index("[columns]") - 1
        lines[at:at] = ['# direction = "inbound"  # what the list is when no column says: inbound (they share with '
                        'us) | outbound (they can search ours) | both']
    if kind != "audit":  # audit mappings take columns only
        lines += ["", "# [values.direction]", '# "<as exported>" = "outbound"  # outbound | inbound | both',
                  "", "[defaults]", f"# {REQUIRED[kind]} = \"...\""]
    return "\n".join(lines) + "\n"


def _toml(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
