"""Turn the FILES a user names (files, globs, folders, .gz, .zip, .xlsx) into CSV sources the engine scans.

Only this module and the engine touch input files. Zip members are extracted and XLSX sheets are converted
to CSV in the run's private work directory (streamed, so memory stays flat); CSV and CSV.gz are scanned
in place. Each source knows its layout, found from its first records: the user's column mapping
(``kind = "audit"``) where the header holds every mapped column, else the header names, else the column count.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from configscan import limits
from configscan.audit.inputs import encodings
from configscan.audit.inputs import mapping as audit_mapping
from configscan.audit.inputs.layouts import Layout, problem
from configscan.audit.inputs.mapping import find_layout, for_sheet
from configscan.audit.inputs.sheets import scratch, xlsx_sheets
from configscan.errors import InputError
from configscan.inputs import Inventory, survey

if TYPE_CHECKING:
    from configscan.readers.mapped import Mapping

_CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_SUPPORTED = (*_CSV_SUFFIXES, *_XLSX_SUFFIXES, ".zip", ".pdf")


@dataclass(frozen=True)
class Source:
    """One table of audit rows: ``label`` names it in reports (``book.xlsx#March``, ``a.zip!m.csv``)."""

    label: str
    path: Path
    layout: Layout
    delimiter: str = ","
    time_samples: tuple[str, ...] = ()  # first few Search Time values, to pick the time format once
    samples: dict[str, tuple[str, ...]] = field(default_factory=dict)  # first values of id/networks/devices
    encoding: str = encodings.UTF8  # what the original file was read as (``path`` is UTF-8 either way)
    lead: int = 0  # non-empty records before the first search (title rows, the header): see ``records``
    # A table read from a PDF: "page 3 line 12" of each data record of ``path`` in order (the rows read, then
    # the rows that could not be, written last so they do not shift the numbers of the others).
    places: tuple[str, ...] = ()
    # The workbook sheet the rows are from (None: not a sheet). Kept beside the label, never parsed out of it:
    # a file's own name may hold the ``#`` that labels a sheet.
    sheet: str | None = None

    def line_name(self, line: int) -> str:
        """A physical line of ``path`` as the user can find it: "line 57", or its page and line in the PDF."""
        if self.places and 2 <= line < len(self.places) + 2:
            return self.places[line - 2]
        return f"line {line}"


@dataclass
class Skipped:
    label: str
    why: str
    sheet: str | None = None  # one sheet of a workbook passed over (the workbook itself was read)


# One table found in an input: (label, the CSV the engine reads, the sheet it came from or None).
_Part = tuple[str, Path, str | None]


def reencoded(source: Source, work: Path) -> Source:
    """The source read again as Windows-1252 (or Latin-1): the reader met bytes that are not UTF-8 after
    the head :func:`encodings.sniff` looked at. The original file is transcoded; the layout is unchanged."""
    path, encoding = encodings.transcode(source.path, work, encodings.CP1252)
    return replace(source, path=path, encoding=encoding)


def expand(specs: list[str], work: Path, mapping: Mapping | None = None, exclude: Sequence[str] = (),
           ) -> tuple[list[Source], list[Skipped], Inventory]:
    """Resolve every spec to sources. A spec that names nothing is an input error (exit 2), and so is a
    mapping that fits no file (it names a column no header has: a typo would otherwise go unnoticed).
    Files in folders that are not audit logs by their name are listed in the inventory (see ``inputs``)."""
    sources: list[Source] = []
    skipped: list[Skipped] = []
    misses: list[tuple[int, str, list[str]]] = []  # (mapped columns present, label, missing) per unmapped file
    inventory = survey(specs, _accept, exclude)
    places: dict[Path, tuple[str, ...]] = {}  # CSV written from a PDF -> page and line of each record
    for path in inventory.files:
        try:
            unpacked = list(_unpack(path, str(path), work, skipped, mapping, places))
        except InputError as exc:  # a scanned PDF found in a folder: listed as skipped, the run incomplete
            if path not in inventory.in_folder or not path.name.lower().endswith(".pdf"):
                raise
            inventory.skip(path, exc.detail)
            continue
        for label, csv_path, sheet in unpacked:
            encoding = encodings.sniff(csv_path)
            if encoding != encodings.UTF8:
                csv_path, encoding = encodings.transcode(csv_path, work, encoding)
            source = _source(label, csv_path, for_sheet(mapping, sheet), misses)
            if isinstance(source, Skipped):
                skipped.append(replace(source, sheet=sheet))
            else:
                sources.append(replace(source, encoding=encoding, places=places.get(csv_path, ()), sheet=sheet))
    if mapping is not None and misses and not any(s.layout.mapped for s in sources):
        _, label, absent = max(misses, key=lambda m: m[0])
        raise InputError(label, _missing_text(mapping, absent))
    return sources, skipped, inventory


def _accept(path: Path) -> str | None:
    """Why a file found in a folder is not read as an audit log (None: it is)."""
    if _supported(path.name):
        return None
    if path.name.lower().endswith((".xls", ".ods")):
        return "an old or OpenDocument workbook; save it as .xlsx or CSV"
    return "not a CSV, XLSX, PDF or zip file"


def _missing_text(mapping: Mapping, absent: list[str]) -> str:
    names = ", ".join(repr(h) for h in absent)
    verb = "are" if len(absent) > 1 else "is"
    return f"column{'s' if len(absent) > 1 else ''} {names} named in {mapping.source} {verb} not in the header"


def _supported(name: str) -> bool:
    return name.lower().endswith(_SUPPORTED) and not name.startswith((".", "~$"))


def _unpack(path: Path, label: str, work: Path, skipped: list[Skipped], mapping: Mapping | None = None,
            places: dict[Path, tuple[str, ...]] | None = None) -> Iterator[_Part]:
    name = path.name.lower()
    if name.endswith(".zip"):
        yield from _unzip(path, label, work, skipped, mapping, places)
    elif name.endswith(_XLSX_SUFFIXES):
        yield from xlsx_sheets(path, label, work, mapping)
    elif name.endswith(".pdf"):
        yield _pdf_table(path, label, work, {} if places is None else places)
    elif name.endswith(_CSV_SUFFIXES):
        yield label, path, None
    else:
        skipped.append(Skipped(label, "not a CSV, XLSX, PDF or zip file"))


def _pdf_table(path: Path, label: str, work: Path, places: dict[Path, tuple[str, ...]]) -> _Part:
    """Write the table a text PDF holds as CSV (``readers.pdftable``: repeated headers, page furniture, wrapped
    cells and rows split across pages already dealt with), and record each record's page and line.

    Rows the table layer could not read are written last, one cell too many, so the engine rejects and counts
    them (the run is incomplete, naming their page and line) without shifting the numbers of the rows read.
    A scanned PDF is an input error naming the file.
    """
    from configscan.readers.pdftable import read_pdf  # pdfplumber: only PDF inputs pay for it

    try:
        table = read_pdf(path)
    except InputError as exc:
        raise InputError(label, exc.detail) from exc
    target = scratch(work, f"_{path.stem}.csv")
    width = len(table.header)
    located: list[str] = []
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if width:
            writer.writerow(table.header)
        for number, row in table.rows:
            writer.writerow(row)
            located.append(table.place(number))
        for lost in table.unreadable:  # the extra cell must not be empty (DuckDB accepts empty trailing cells)
            place = f"page {lost.page}" + (f" line {lost.line}" if lost.line else "")
            writer.writerow([lost.text or "(scanned page)", *([""] * (width - 1)), place])
            located.append(place)
    places[target] = tuple(located)
    return label, target, None


def _unzip(path: Path, label: str, work: Path, skipped: list[Skipped], mapping: Mapping | None,
           places: dict[Path, tuple[str, ...]] | None = None) -> Iterator[_Part]:
    """Extract each supported member to the work directory, within the zip limits (``configscan.limits``):
    sizes and ratios are checked from the directory first, and bytes are counted as they inflate."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(label, f"not a readable zip archive ({exc})") from exc
    with archive:
        limits.check_zip(archive, label)
        budget = limits.UNZIPPED_BYTES.value()
        for index, member in enumerate(archive.infolist()):
            inner = member.filename
            if member.is_dir() or "__MACOSX" in inner or not _supported(Path(inner).name):
                continue
            target = scratch(work, f"_{index}_{Path(inner).name}")
            try:
                with archive.open(member) as src, target.open("wb") as dst:
                    budget -= limits.copy_member(src, dst, budget, label)
            except limits.ZIP_ERRORS as exc:  # corrupt data, a CRC mismatch, Deflate64, a password...
                raise InputError(f"{label}!{inner}", f"cannot be extracted ({exc})") from exc
            yield from _unpack(target, f"{label}!{inner}", work, skipped, mapping, places)


def _first_records(path: Path) -> tuple[list[tuple[int, list[str]]], str, set[int]]:
    """Up to 20 non-blank records with the index of each among all records (0-based), the delimiter, and the
    indexes of the empty lines among them (which no count of records includes)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as raw:
            head = raw.read(256 * 1024)
    except (OSError, EOFError, zlib.error) as exc:  # a compressed file damaged in its first blocks
        raise InputError(str(path), f"cannot read ({exc})") from exc
    text = head.decode("utf-8-sig", errors="replace")
    first_line = text.split("\n", 1)[0]
    # Comma unless another separator clearly splits the first line more (tab: Excel's text export;
    # semicolon: spreadsheets set to a European locale; pipe: database dumps).
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    delimiter = best if counts[best] > counts[","] else ","
    records: list[tuple[int, list[str]]] = []
    empty: set[int] = set()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Numbered by record, empty lines included: the engine's ``skip`` counts records, not physical lines
        # (a title cell holding a line break is one record over two lines).
        for index, record in enumerate(reader):
            if any(cell.strip() for cell in record):
                records.append((index, record))
            elif not record:
                empty.add(index)
            if len(records) >= 20:
                break
    except csv.Error:
        return records, delimiter, empty  # a record cut by the 256 KiB window; those before it suffice
    return records, delimiter, empty


def _source(label: str, path: Path, mapping: Mapping | None = None,
            misses: list[tuple[int, str, list[str]]] | None = None) -> Source | Skipped:
    records, delimiter, empty = _first_records(path)
    if not records:
        return Skipped(label, "empty")
    layout = find_layout(records, mapping)
    if mapping is not None and (layout is None or not layout.mapped):
        absent = min((audit_mapping.missing(mapping, r) for _, r in records), key=len)
        present = len(mapping.columns) - len(absent)
        if layout is None and present:  # the mapping was meant for this file, but a column is not there
            raise InputError(label, _missing_text(mapping, absent))
        if misses is not None:
            misses.append((present, label, absent))
    if layout is None:
        width = len(records[0][1])
        return Skipped(label, f"no audit header found and {width} columns match no header-less layout")
    why = problem(layout)
    if why:
        return Skipped(label, why)
    lead = (layout.skip + 1 - len({i for i in empty if i < layout.skip})) if layout.has_header else 0
    return Source(label, path, layout, delimiter, _time_samples(layout, records), _samples(layout, records),
                  lead=lead)


def _data(layout: Layout, records: list[tuple[int, list[str]]]) -> list[list[str]]:
    return [r for line, r in records if line > layout.skip] if layout.has_header else [r for _, r in records]


def _samples(layout: Layout, records: list[tuple[int, list[str]]]) -> dict[str, tuple[str, ...]]:
    """First values of the columns the engine may read typed (it falls back to text if a later row differs)."""
    out = {}
    for name in ("id", "networks", "devices"):
        index = layout.column(name)
        if index is not None:
            out[name] = tuple(r[index] for r in _data(layout, records) if index < len(r))
    return out


def _time_samples(layout: Layout, records: list[tuple[int, list[str]]]) -> tuple[str, ...]:
    index = layout.column("search_time")
    if index is None:
        return ()
    samples = []
    for record in _data(layout, records):
        if index < len(record):
            value = record[index]
            if layout.split_date is not None and layout.split_date < len(record):
                value = f"{record[layout.split_date]} {value}"
            samples.append(value)
    return tuple(samples)
