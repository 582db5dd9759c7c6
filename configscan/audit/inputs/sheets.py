"""XLSX sheets as CSV files the engine scans: each sheet streamed to the run's work directory, time cells
written as text the engine parses (a serial number becomes a date-time), by the fastest reader that keeps
memory bounded (calamine for sheets within the in-memory limit, openpyxl's read-only mode beyond it)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from configscan import limits
from configscan.audit.inputs.mapping import find_layout, for_sheet
from configscan.audit.inputs.sheettimes import EPOCH_1900, EPOCH_1904, cell_text
from configscan.errors import InputError

if TYPE_CHECKING:
    from configscan.readers.mapped import Mapping


def scratch(work: Path, suffix: str) -> Path:
    """A fresh file in the work directory (names from different archives or folders never collide)."""
    fd, name = tempfile.mkstemp(dir=work, suffix=suffix)
    os.close(fd)
    return Path(name)


def xlsx_sheets(path: Path, label: str, work: Path, mapping: Mapping | None,
                ) -> Iterator[tuple[str, Path, str]]:
    """Write each sheet to CSV: (label ``book.xlsx#title``, the CSV, the sheet's title).

    Time cells are written as text the engine parses: the sheet's first rows give its layout, and in the
    time column(s) a serial number becomes a date-time, a date-only cell a date (see ``sheettimes``).
    A sheet that breaks off while streaming (corrupt deflate data) is an input error naming the row.
    """
    for index, (title, rows, epoch) in enumerate(_sheet_rows(path, label)):
        target = scratch(work, f"_{index}_{path.stem}.csv")
        sheet_label = f"{label}#{title}"
        written = 0
        try:
            head = list(islice(rows, 40))
            roles = _time_roles(head, for_sheet(mapping, title))
            with target.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                for row in chain(head, rows):
                    writer.writerow([cell_text(v, roles[i], epoch) if i in roles else _plain(v)
                                     for i, v in enumerate(row)])
                    written += 1
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError) as exc:
            raise InputError(sheet_label, f"unreadable after row {written} ({type(exc).__name__}: {exc})") from exc
        yield sheet_label, target, title


def _plain(value: object) -> str:
    """A cell as text; a whole number stored as a float (calamine reads every number as one) loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


Rows = Iterator[tuple[object, ...]]


def _sheet_rows(path: Path, label: str) -> Iterator[tuple[str, Rows, dt.datetime]]:
    """(title, rows, date epoch) of each sheet, by the fastest reader that keeps memory bounded.

    calamine is about 15 times faster than openpyxl but holds a sheet in memory (about six times its XML),
    so it takes sheets up to :data:`limits.SHEET_XML_BYTES`; larger ones stream through openpyxl's read-only
    mode. Both hold the shared strings whole, so those must fit the same limit. The zip limits apply first,
    and the members calamine reads are inflated once through Python's zipfile, which cannot be lied to.
    """
    sheet_cap = limits.SHEET_XML_BYTES.value()
    try:
        with zipfile.ZipFile(path) as archive:
            limits.check_zip(archive, label)
            infos = archive.infolist()
            sheets = [i.file_size for i in infos if i.filename.startswith("xl/worksheets/sheet")]
            strings = sum(i.file_size for i in infos if i.filename == "xl/sharedStrings.xml")
            if strings > sheet_cap:
                raise limits.SHEET_XML_BYTES.refuse(label, f"its shared strings are {strings:,} bytes of XML")
            book_xml = archive.read("xl/workbook.xml")
            small = max(sheets, default=0) <= sheet_cap
            if small:
                limits.verify_zip(archive, label, [i.filename for i in infos if not i.is_dir()])
    except (KeyError, *limits.ZIP_ERRORS) as exc:
        raise InputError(label, f"not a readable XLSX workbook ({exc})") from exc
    if small:
        epoch = EPOCH_1904 if re.search(rb'date1904="(1|true)"', book_xml) else EPOCH_1900
        yield from calamine_rows(path, label, epoch)
    else:
        yield from openpyxl_rows(path, label)


def calamine_rows(path: Path, label: str, epoch: dt.datetime) -> Iterator[tuple[str, Rows, dt.datetime]]:
    import python_calamine  # imported here: only XLSX inputs need it

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for index, title in enumerate(book.sheet_names):
            sheet = book.get_sheet_by_index(index)
            yield title, (tuple(row) for row in sheet.iter_rows()), epoch
            del sheet  # one sheet in memory at a time
    except (python_calamine.CalamineError, python_calamine.PasswordError, python_calamine.XmlError,
            python_calamine.ZipError) as exc:
        raise InputError(label, f"not a readable XLSX workbook ({exc})") from exc


def openpyxl_rows(path: Path, label: str) -> Iterator[tuple[str, Rows, dt.datetime]]:
    import openpyxl  # read-only mode streams rows, keeping memory flat on sheets too large for calamine

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise InputError(label, f"not a readable XLSX workbook ({exc})") from exc
    epoch = getattr(book, "epoch", EPOCH_1900)
    try:
        for sheet in book.worksheets:
            yield sheet.title, sheet.iter_rows(values_only=True), epoch
    finally:
        book.close()


def _time_roles(head: list[tuple[object, ...]], mapping: Mapping | None) -> dict[int, str]:
    """Which columns of a sheet hold the search time: column index -> ``datetime``, ``date`` or ``time``."""
    records = [(n, ["" if v is None else str(v) for v in row]) for n, row in enumerate(head)]
    records = [(n, r) for n, r in records if any(c.strip() for c in r)]
    layout = find_layout(records, mapping) if records else None
    time_index = layout.column("search_time") if layout else None
    if layout is None or time_index is None:
        return {}
    if layout.split_date is None:
        return {time_index: "datetime"}
    return {time_index: "time", layout.split_date: "date"}
