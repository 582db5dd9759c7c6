"""Choosing the readers for each input and reading it: the one place that decides which layout a file is.

Content decides, never the extension: the first bytes go to every reader's ``sniff``. Files that no reader
takes get a one-line error saying what they are (an empty file, an old .xls, a PDF) and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from configscan.errors import InputError, UsageError
from configscan.readers.base import Fragment, Reader
from configscan.readers.tabular import is_xlsx

MAPPED = "mapped"  # the reader a --mapping file makes (configscan.readers.mapped)
SNAPSHOT_MANIFEST = "manifest.json"  # what `configscan fetch` writes beside the files it downloads


def pick_reader(path: Path, readers: Sequence[Reader], forced: str | None) -> Reader:
    """The reader for one input: the forced one, else the first (by priority) that recognises it."""
    return pick_readers(path, readers, forced)[0]


def pick_readers(path: Path, readers: Sequence[Reader], forced: str | None) -> list[Reader]:
    """Every reader an input needs, best first.

    A workbook can hold several exports (a sharing list, a users sheet, settings): each reader that
    recognises one of its sheets reads it, or whole sheets would be dropped without a word. A text file
    is one export, read by the first reader that recognises it; a column mapping, when it fits, is the
    only reader of its inputs.
    """
    if forced:
        for reader in readers:
            if reader.name == forced:
                return [reader]
        raise UsageError(f"unknown format {forced!r}; see 'configscan formats'")
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror})") from exc
    if not head.strip(b"\xef\xbb\xbf \t\r\n\x00"):
        raise InputError(str(path), "the file is empty" + (" (only blank lines)" if head else ""))
    fitting = [reader for reader in sorted(readers, key=lambda r: r.priority) if reader.sniff(path, head)]
    if fitting:
        return fitting if is_xlsx(head) and fitting[0].name != MAPPED else fitting[:1]
    for magic, hint in _CONTAINER_HINTS:
        if head.startswith(magic):
            raise InputError(str(path), hint)
    raise InputError(str(path), "no reader recognises this file; use --format or --mapping")


# Formats records offices release that no reader takes directly: say what to do instead of "unrecognised".
_CONTAINER_HINTS = (
    (b"\xd0\xcf\x11\xe0", "an Office file that is not a readable workbook; save it as .xlsx or CSV and scan that"),
    (b"%PDF", "a PDF; extract its text (e.g. pdftotext -layout) and scan the .txt"),
)


def expand_folders(paths: Sequence[Path]) -> list[Path]:
    """Each folder (a ``configscan fetch`` snapshot, say) replaced by its files, in name order.

    The snapshot manifest, hidden files and leftovers of interrupted atomic writes are not exports and are
    left out; everything else must be readable, as if named on the command line. An empty folder is an error.
    """
    expanded: list[Path] = []
    for path in paths:
        if not path.is_dir():
            expanded.append(path)
            continue
        files = sorted(p for p in path.iterdir()
                       if p.is_file() and p.name != SNAPSHOT_MANIFEST and not p.name.startswith("."))
        if not files:
            raise InputError(str(path), "is a folder with no export files in it")
        expanded.extend(files)
    return expanded


def read_inputs(paths: Sequence[Path], readers: Sequence[Reader], forced: str | None) -> list[Fragment]:
    fragments = []
    for path in expand_folders(paths):
        if path.name == SNAPSHOT_MANIFEST:
            raise InputError(str(path), "is the snapshot manifest, not an export; pass the folder or its other files")
        if not path.is_file():
            raise InputError(str(path), "no such file" + (" (broken link)" if path.is_symlink() else ""))
        for reader in pick_readers(path, readers, forced):
            fragment = reader.read(path)
            if forced and not fragment.problems and not _holds_anything(fragment.data):
                # A forced reader that finds nothing would otherwise make the file look like an empty export.
                raise InputError(str(path), f"--format {forced}: nothing in this file fits that format")
            fragments.append(fragment)
    return fragments


def _holds_anything(data: object) -> bool:
    """True when the data has a value beyond the vendor's name (empty lists and mappings hold nothing)."""
    if isinstance(data, dict):
        return any(_holds_anything(v) for k, v in data.items() if k != "vendor")
    if isinstance(data, list):
        return any(_holds_anything(v) for v in data)
    return data is not None and data != ""
