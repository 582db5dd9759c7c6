"""Rows out of CSV and XLSX files, with the row numbers and header names provenance needs.

Every spreadsheet-shaped reader goes through here so that encodings, delimiters, header variants and
row numbering behave the same everywhere. Row numbers count records as a spreadsheet shows them: the
header is row 1 (or the row it sits on in a sheet), the first data record row 2 -- a CSV cell that
spans several lines still counts as one row.

Records releases often put a title above the header ("City of X -- Flock sharing report", a merged
banner cell, a "Generated on" line). Such one-cell rows before the first row with several cells are
kept as the table's ``preamble`` and the header is the row below them, so the columns are still found.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configscan import limits
from configscan.errors import InputError
from configscan.readers.base import Fragment

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # an Excel 97-2003 .xls (OLE2), still how many records offices release
HEADER_SEARCH_ROWS = 20  # the header is looked for among this many rows
TITLE_ROWS = 5  # at most this many one-cell title lines above a header
MAX_NAME = 500  # longer "names" are notes or shifted columns; passing them on would mislead (and be slow)
_DELIMITERS = (",", ";", "\t", "|")
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
    preamble: list[tuple[int, list[str]]] = field(default_factory=list)  # title lines above the header

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
        (``lost_matters`` because a missing partner or network could change a verdict). Line breaks and
        runs of spaces (or no-break spaces) inside a name are one space, as the vendor's screen shows it.
        """
        for number, row in self.rows:
            if blank(row):
                continue
            fragment.rows_read += 1
            name = " ".join(cell(row, column).split())  # a wrapped cell or doubled spaces: one name
            if not name or len(name) > MAX_NAME:
                what = missing if not name else f"a {len(name):,}-character cell is not a name (shifted columns?)"
                fragment.problems.append(f"{self.where(number)}: {what}")
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
    """True for a workbook: XLSX or the older .xls (both read by the same workbook code)."""
    return head.startswith((XLSX_MAGIC, XLS_MAGIC))


_MOJIBAKE = re.compile("[\u00c2\u00c3\u00e2][^\x00-\x7f]")  # a UTF-8 lead byte shown as Windows-1252


def _unmojibake(text: str) -> str:
    """Undo UTF-8 that was read as Windows-1252 and saved again ("Marshal\u00e2\u20ac\u2122s" -> "Marshal\u2019s").

    Only when the whole text round-trips: a file that merely contains such characters stays as it is.
    """
    if not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode Text" export is UTF-16 with a byte-order mark


def head_text(head: bytes) -> str:
    """The first bytes as text for sniffing (UTF-16 with a BOM, else UTF-8 with errors replaced)."""
    if head.startswith(_UTF16_BOMS):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def decode(raw: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 -- the encodings exports really come in -- or
    UTF-16 when a byte-order mark says so."""
    if raw.startswith(_UTF16_BOMS):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(source, f"not readable UTF-16 text (byte {exc.start})") from exc
    try:
        return _unmojibake(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(source, f"not readable text (byte {exc.start})") from exc


def _delimiter(sample: str) -> str:
    """The delimiter found on the most of the first lines (a title line may have none), then the most often."""
    lines = [line for line in sample[:256 * 1024].splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    score = {d: (sum(d in line for line in lines), sum(line.count(d) for line in lines)) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: score[d])
    return best if score[best][0] else ","


def header_index(rows: Sequence[Sequence[str]]) -> int | None:
    """Index of the header among the first rows: the first non-blank row, unless it and the (at most
    ``TITLE_ROWS``) non-blank rows up to a row with several cells hold one cell each -- a title block.
    None when every row is blank."""
    first: int | None = None
    titles = 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = sum(1 for c in row if str(c).strip())
        if not filled:
            continue
        if first is None:
            first = index
        if filled >= 2:
            return index
        titles += 1
        if titles > TITLE_ROWS:
            break  # a one-column list, not a title block
    return first


def _table(source: str, sheet: str | None, numbered: list[tuple[int, list[str]]]) -> Table:
    """A table from every row with its number: title rows, header, then the data rows."""
    at = header_index([row for _, row in numbered])
    if at is None:
        return Table(source, sheet, [], numbered[0][0] if numbered else 1)
    number, header = numbered[at]
    preamble = [(n, r) for n, r in numbered[:at] if not blank(r)]
    return Table(source, sheet, [h.strip() for h in header], number, rows=numbered[at + 1:], preamble=preamble)


def head_header(head: bytes) -> list[str]:
    """The first CSV record of the head bytes (for sniffing); [] when it is not text."""
    if is_xlsx(head) or (b"\x00" in head[:4096] and not head.startswith(_UTF16_BOMS)):
        return []
    text = head_text(head)
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
            records.append(record)
            if len(records) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass  # the head may end inside a quoted cell; the records before it are enough for sniffing
    at = header_index(records)
    return [h.strip() for h in records[at]] if at is not None else []


def read_csv(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror})") from exc
    text = decode(raw, str(path))
    # No cell can be longer than the file: lift the csv module's 128 KiB default (long free-text cells).
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        numbered = list(enumerate(reader, start=1))
    except csv.Error as exc:
        raise InputError(str(path), f"row {reader.line_num}: malformed CSV ({exc})") from exc
    return _table(str(path), None, numbered)


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


def _sheet_rows(path: Path) -> list[tuple[str, list[list[Any]]]] | None:
    """(sheet name, rows) of a workbook read from its bytes (so the extension does not matter), or None.

    calamine (Rust) reads a sheet about fifteen times faster than openpyxl; rows keep their position,
    blank leading rows included, so row numbers match what the spreadsheet shows. Every sheet is held in
    memory (about six times its XML), so the workbook must fit the limits first (``configscan.limits``).
    """
    from python_calamine import CalamineError, CalamineWorkbook  # imported here: only workbooks pay for it

    try:
        raw = path.read_bytes()
    except OSError:
        return None
    _check_workbook(raw, str(path))
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        return [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names]
    except (CalamineError, OSError, ValueError):
        return None


def _check_workbook(raw: bytes, source: str) -> None:
    """Refuse a workbook over the limits before calamine inflates it: the zip limits, then the sheet XML
    (and shared strings) held in memory at once -- an XLSX's members are inflated once through Python's
    zipfile, which stops at the declared sizes; an .xls is not compressed, so its size is what is held."""
    cap = limits.SHEET_XML_BYTES
    if not raw.startswith(XLSX_MAGIC):
        if len(raw) > cap.value():
            raise cap.refuse(source, f"the workbook is {len(raw):,} bytes")
        return
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            limits.check_zip(archive, source)
            held = sum(i.file_size for i in archive.infolist()
                       if i.filename.startswith("xl/worksheets/") or i.filename == "xl/sharedStrings.xml")
            if held > cap.value():
                raise cap.refuse(source, f"its sheets and shared strings are {held:,} bytes of XML")
            limits.verify_zip(archive, source, [i.filename for i in archive.infolist() if not i.is_dir()])
    except limits.ZIP_ERRORS:
        return  # not a readable zip: calamine says so in its own way (None -> "not a readable workbook")


@functools.lru_cache(maxsize=2)
def _workbook(path: str, size: int, mtime_ns: int) -> tuple[Table, ...] | None:
    """Every sheet of a workbook as tables, parsed once per file version.

    Sniffing and reading a workbook used to open and parse it once per reader (a 50,000-row list took
    18 s); every reader now shares one parse. The key holds size and modification time, so a file that
    changes is parsed again. Tables are shared: readers must not modify them.
    """
    sheets = _sheet_rows(Path(path))
    if sheets is None:
        return None
    return tuple(_table(path, name, [(number, [_text(v) for v in row]) for number, row in enumerate(rows, start=1)])
                 for name, rows in sheets)


def _tables_of(path: Path) -> tuple[Table, ...] | None:
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror})") from exc
    return _workbook(str(path), info.st_size, info.st_mtime_ns)


def read_xlsx(path: Path, sheets: Iterable[str] | None = None) -> list[Table]:
    """Every sheet (or the named ones) as a table; the header is found by :func:`header_index`."""
    tables = _tables_of(path)
    if tables is None:
        raise InputError(str(path), "not a readable XLSX or XLS workbook")
    wanted = set(sheets) if sheets is not None else None
    return [t for t in tables if wanted is None or t.sheet in wanted]


def xlsx_sheet_headers(path: Path) -> dict[str, list[str]]:
    """Sheet name -> header row (for sniffing); {} when the workbook cannot be opened (but a workbook over a
    resource limit is an error: "no reader recognises this file" would hide which limit it hit)."""
    try:
        tables = _tables_of(path)
    except limits.LimitError:
        raise
    except InputError:
        return {}
    return {t.sheet or "": t.header for t in tables or ()}


def read_tables(path: Path) -> list[Table]:
    """CSV -> one table; XLSX -> one per sheet; a text PDF -> its table (``pdftable``: rows know page and line)."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if _is_pdf(head):
        from configscan.readers.pdftable import read_pdf  # imported here: only PDF inputs pay for pdfplumber

        return [read_pdf(path)]
    return read_xlsx(path) if is_xlsx(head) else [read_csv(path)]


def _is_pdf(head: bytes) -> bool:
    return head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF")


def headers_of(path: Path, head: bytes) -> list[tuple[str | None, list[str]]]:
    """(sheet, header) pairs for sniffing, without reading whole files (a PDF is parsed once, then cached)."""
    if _is_pdf(head):
        from configscan.readers.pdftable import read_pdf

        return [(None, read_pdf(path).header)]
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
