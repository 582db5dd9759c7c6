"""Turn the FILES a user names (files, globs, folders, .gz, .zip, .xlsx) into CSV sources the engine scans.

Only this module and the engine touch input files. Zip members are extracted and XLSX sheets are converted
to CSV in the run's private work directory (streamed, so memory stays flat); CSV and CSV.gz are scanned
in place. Each source knows its layout, found from its first record.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from configscan.audit.layouts import Layout, detect, header_layout, problem
from configscan.errors import InputError

_CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_SUPPORTED = (*_CSV_SUFFIXES, *_XLSX_SUFFIXES, ".zip")


@dataclass(frozen=True)
class Source:
    """One table of audit rows: ``label`` names it in reports (``book.xlsx#March``, ``a.zip!m.csv``)."""

    label: str
    path: Path
    layout: Layout
    delimiter: str = ","
    time_samples: tuple[str, ...] = ()  # first few Search Time values, to pick the time format once
    samples: dict[str, tuple[str, ...]] = field(default_factory=dict)  # first values of id/networks/devices


@dataclass
class Skipped:
    label: str
    why: str


def expand(specs: list[str], work: Path) -> tuple[list[Source], list[Skipped]]:
    """Resolve every spec to sources. A spec that names nothing is an input error (exit 2)."""
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for spec in specs:
        paths = _resolve(spec)
        if not paths:
            raise InputError(spec, "no such file, folder or matching glob")
        for path in paths:
            for label, csv_path in _unpack(path, str(path), work, skipped):
                source = _source(label, csv_path)
                if isinstance(source, Skipped):
                    skipped.append(source)
                else:
                    sources.append(source)
    return sources, skipped


def _resolve(spec: str) -> list[Path]:
    path = Path(spec)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and _supported(p.name))
    if path.is_file():
        return [path]
    if any(ch in spec for ch in "*?["):
        return sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
    return []


def _supported(name: str) -> bool:
    return name.lower().endswith(_SUPPORTED) and not name.startswith((".", "~$"))


def _unpack(path: Path, label: str, work: Path, skipped: list[Skipped]) -> Iterator[tuple[str, Path]]:
    name = path.name.lower()
    if name.endswith(".zip"):
        yield from _unzip(path, label, work, skipped)
    elif name.endswith(_XLSX_SUFFIXES):
        yield from _xlsx_sheets(path, label, work)
    elif name.endswith(_CSV_SUFFIXES):
        yield label, path
    else:
        skipped.append(Skipped(label, "not a CSV, XLSX or zip file"))


def _unzip(path: Path, label: str, work: Path, skipped: list[Skipped]) -> Iterator[tuple[str, Path]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(label, f"not a readable zip archive ({exc})") from exc
    with archive:
        for index, member in enumerate(archive.infolist()):
            inner = member.filename
            if member.is_dir() or "__MACOSX" in inner or not _supported(Path(inner).name):
                continue
            target = _scratch(work, f"_{index}_{Path(inner).name}")
            with archive.open(member) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            yield from _unpack(target, f"{label}!{inner}", work, skipped)


def _scratch(work: Path, suffix: str) -> Path:
    """A fresh file in the work directory (names from different archives or folders never collide)."""
    fd, name = tempfile.mkstemp(dir=work, suffix=suffix)
    os.close(fd)
    return Path(name)


def _xlsx_sheets(path: Path, label: str, work: Path) -> Iterator[tuple[str, Path]]:
    """Stream each sheet to CSV (openpyxl read-only mode keeps memory flat on large workbooks)."""
    import openpyxl  # imported here: only XLSX inputs need it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(label, f"not a readable XLSX workbook ({exc})") from exc
    try:
        for index, sheet in enumerate(book.worksheets):
            target = _scratch(work, f"_{index}_{path.stem}.csv")
            with target.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                for row in sheet.iter_rows(values_only=True):
                    writer.writerow(["" if v is None else str(v) for v in row])
            yield f"{label}#{sheet.title}", target
    finally:
        book.close()


def _first_records(path: Path) -> tuple[list[tuple[int, list[str]]], str]:
    """Up to 20 non-blank records with the physical line each starts on (0-based), and the delimiter."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as raw:
            head = raw.read(256 * 1024)
    except (OSError, EOFError) as exc:
        raise InputError(str(path), f"cannot read ({exc})") from exc
    text = head.decode("utf-8-sig", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 0
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append((start, record))
            start = reader.line_num
            if len(records) >= 20:
                break
    except csv.Error:
        return records, delimiter  # a record cut by the 256 KiB window; those before it suffice
    return records, delimiter


def _source(label: str, path: Path) -> Source | Skipped:
    records, delimiter = _first_records(path)
    if not records:
        return Skipped(label, "empty")
    layout = next((found for line, record in records if (found := header_layout(record, line)) is not None), None)
    if layout is None:
        layout = detect(records[0][1])
    if layout is None:
        width = len(records[0][1])
        return Skipped(label, f"no audit header found and {width} columns match no header-less layout")
    why = problem(layout)
    if why:
        return Skipped(label, why)
    return Source(label, path, layout, delimiter, _time_samples(layout, records), _samples(layout, records))


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
