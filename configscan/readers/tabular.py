"""Rows out of CSV and XLSX files, with the row numbers and header names provenance needs.

Every spreadsheet-shaped reader goes through here so that encodings, delimiters, header variants and
row numbering behave the same everywhere. Row numbers count records as a spreadsheet shows them: the
header is row 1 (or the row it sits on in a sheet), the first data record row 2 -- a CSV cell that
spans several lines still counts as one row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configscan.errors import InputError
from configscan.readers.base import Fragment

XLSX_MAGIC = b"PK\x03\x04"
_NORM = re.compile(r"[^a-z0-9#]+")


def norm(text: str) -> str:
    """Header or label text reduced to lower-case words, so variants compare equal."""
    return _NORM.sub(" ", text.replace("\u2019", "'").replace("'", "").lower()).strip()


@dataclass
class Table:
    """One sheet (or one CSV file): the header and the data rows with their row numbers."""

    source: str
    sheet: str | None
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def column(self, *variants: str) -> int | None:
        """Index of the first header matching one of the variants (already normalised), else None."""
        wanted = [norm(v) for v in variants]
        normed = [norm(h) for h in self.header]
        for variant in wanted:
            if variant in normed:
                return normed.index(variant)
        return None

    def provenance(self, row: int, column: int | None) -> dict[str, Any]:
        prov: dict[str, Any] = {"file": self.source, "row": row}
        if self.sheet:
            prov["sheet"] = self.sheet
        if column is not None and column < len(self.header):
            prov["column"] = self.header[column]
        return prov

    def named_rows(self, fragment: Fragment, column: int | None, missing: str) -> Iterator[tuple[int, list[str], str]]:
        """Non-blank rows with their name cell; a row without a name is counted as lost, never dropped silently.

        Every row-per-record reader needs this: blank rows are layout, a nameless record is data lost
        (``lost_matters`` because a missing partner or network could change a verdict).
        """
        for number, row in self.rows:
            if blank(row):
                continue
            fragment.rows_read += 1
            name = cell(row, column)
            if not name:
                fragment.problems.append(f"{self.where(number)}: {missing}")
                fragment.lost_matters = True
                continue
            yield number, row, name

    def where(self, row: int) -> str:
        sheet = f" sheet {self.sheet}" if self.sheet else ""
        return f"{self.source}:{sheet} row {row}" if sheet else f"{self.source}:{row}"


def cell(row: Sequence[str], index: int | None) -> str:
    """The stripped text of a cell, or "" when the column is absent or the row is short."""
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def is_xlsx(head: bytes) -> bool:
    return head.startswith(XLSX_MAGIC)


def decode(raw: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 -- the two encodings exports really come in."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(source, f"not readable text (byte {exc.start})") from exc


def _delimiter(sample: str) -> str:
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def head_header(head: bytes) -> list[str]:
    """The first CSV record of the head bytes (for sniffing); [] when it is not text."""
    if is_xlsx(head) or b"\x00" in head[:4096]:
        return []
    text = head.decode("utf-8-sig", errors="replace")
    try:
        return next(csv.reader(io.StringIO(text), delimiter=_delimiter(text)), [])
    except csv.Error:
        return []


def read_csv(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror})") from exc
    text = decode(raw, str(path))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records: Iterator[list[str]] = iter(reader)
    try:
        header = next(records, [])
        table = Table(source=str(path), sheet=None, header=[h.strip() for h in header], header_row=1)
        for number, record in enumerate(records, start=2):
            table.rows.append((number, record))
    except csv.Error as exc:
        raise InputError(str(path), f"row {reader.line_num}: malformed CSV ({exc})") from exc
    return table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _open_book(path: Path) -> Any:
    """An openpyxl workbook from the bytes (so the file's extension does not matter), or None."""
    import zipfile

    from openpyxl import load_workbook  # imported here: only spreadsheet inputs pay for it

    try:
        return load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def read_xlsx(path: Path, sheets: Iterable[str] | None = None) -> list[Table]:
    """Every sheet (or the named ones) as a table; the header is the first non-empty row."""
    book = _open_book(path)
    if book is None:
        raise InputError(str(path), "not a readable XLSX workbook")
    wanted = set(sheets) if sheets is not None else None
    tables = []
    try:
        for sheet in book.worksheets:
            if wanted is not None and sheet.title not in wanted:
                continue
            table: Table | None = None
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_text(v) for v in values]
                if table is None:
                    if any(c.strip() for c in cells):
                        table = Table(str(path), sheet.title, [c.strip() for c in cells], number)
                    continue
                table.rows.append((number, cells))
            tables.append(table or Table(str(path), sheet.title, [], 1))
    finally:
        book.close()
    return tables


def xlsx_sheet_headers(path: Path) -> dict[str, list[str]]:
    """Sheet name -> header row, reading only the top of each sheet (for sniffing)."""
    book = _open_book(path)
    if book is None:
        return {}
    found: dict[str, list[str]] = {}
    try:
        for sheet in book.worksheets:
            header: list[str] = []
            for values in sheet.iter_rows(values_only=True, max_row=20):
                cells = [_text(v).strip() for v in values]
                if any(cells):
                    header = cells
                    break
            found[sheet.title] = header
    finally:
        book.close()
    return found


def read_tables(path: Path) -> list[Table]:
    """CSV -> one table; XLSX -> one per sheet."""
    with path.open("rb") as handle:
        head = handle.read(8)
    return read_xlsx(path) if is_xlsx(head) else [read_csv(path)]


def headers_of(path: Path, head: bytes) -> list[tuple[str | None, list[str]]]:
    """(sheet, header) pairs for sniffing, without reading whole files."""
    if is_xlsx(head):
        return list(xlsx_sheet_headers(path).items())
    header = head_header(head)
    return [(None, header)] if header else []


def has_columns(header: Sequence[str], *groups: Sequence[str]) -> bool:
    """True when, for every group, some variant in it is a header."""
    normed = {norm(h) for h in header}
    return all(any(norm(v) in normed for v in group) for group in groups)


def blank(row: Sequence[str]) -> bool:
    return not any(c.strip() for c in row)
