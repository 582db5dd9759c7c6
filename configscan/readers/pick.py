"""Choosing the readers for each input and reading it: the one place that decides which layout a file is.

Content decides, never the extension: the first bytes go to every reader's ``sniff``. Files that no reader
takes get a one-line error saying what they are (an empty file, an old .xls, a PDF) and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from configscan.errors import InputError, UsageError
from configscan.inputs import SNAPSHOT_MANIFEST, Inventory, survey
from configscan.readers.base import Fragment, Reader
from configscan.readers.tabular import head_text, headers_of, is_xlsx

MAPPED = "mapped"  # the reader a --mapping file makes (configscan.readers.mapped)


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
    raise InputError(str(path), _what_it_is(path, head) or "no reader recognises this file; use --format or --mapping")


# Formats records offices release that no reader takes directly: say what to do instead of "unrecognised".
_CONTAINER_HINTS = (
    (b"\xd0\xcf\x11\xe0", "an Office file that is not a readable workbook; save it as .xlsx or CSV and scan that"),
    (b"%PDF", "a PDF whose table no reader recognises by its header; use --format or --mapping"),
)


def _what_it_is(path: Path, head: bytes) -> str | None:
    """Say what a file no reader takes is, when it is something configscan knows but does not scan as an
    export: an audit log (for ``--audit``) or a configscan report (its own output, given back as input)."""
    from configscan.audit.inputs.layouts import header_layout  # the audit's header names, only when nothing fitted

    text = head_text(head).lstrip()
    if text.startswith("{") and '"schema_version"' in text and '"configscan"' in text and '"findings"' in text:
        return "a configscan report (JSON), not a vendor export; scan the files the report was made from"
    for _, header in headers_of(path, head):
        if header_layout(list(header)) is not None:
            return ("an audit log (searches with their reasons), not a settings export; give it with --audit "
                    "(configscan scan CONFIG --audit LOG) or read it with 'configscan audit'")
    return None


def read_inputs(paths: Sequence[Path], readers: Sequence[Reader], forced: str | None,
                exclude: Sequence[str] = ()) -> list[Fragment]:
    """Every fragment of every input (see :func:`read_all`, which also says what was skipped)."""
    return read_all(paths, readers, forced, exclude)[0]


def read_all(paths: Sequence[Path], readers: Sequence[Reader], forced: str | None,
             exclude: Sequence[str] = ()) -> tuple[list[Fragment], Inventory]:
    """Read every input. A file named on the command line that no reader recognises is an input error; one
    found in a folder is listed as skipped (and makes the run incomplete if it looks like data)."""
    for path in paths:
        if Path(path).name == SNAPSHOT_MANIFEST and not Path(path).is_dir():
            raise InputError(str(path), "is the snapshot manifest, not an export; pass the folder or its other files")
    inventory = survey(paths, lambda _: None, exclude)
    fragments = []
    for path in inventory.files:
        if not path.is_file():
            raise InputError(str(path), "no such file" + (" (broken link)" if path.is_symlink() else ""))
        try:
            chosen = pick_readers(path, readers, forced)
        except InputError as exc:
            if path not in inventory.in_folder:
                raise
            inventory.skip(path, exc.detail)
            continue
        for index, reader in enumerate(chosen):
            fragment = reader.read(path)
            if index == 0:
                _add_pdf_losses(path, fragment)
            if forced and not fragment.problems and not _holds_anything(fragment.data):
                # A forced reader that finds nothing would otherwise make the file look like an empty export.
                raise InputError(str(path), f"--format {forced}: nothing in this file fits that format")
            fragments.append(fragment)
    if not fragments:
        why = "; ".join(f"{Path(s.path).name}: {s.reason}" for s in inventory.skipped[:3])
        detail = "no export in it could be read" + (f" ({why})" if why else "")
        raise InputError(", ".join(str(p) for p in paths), detail)
    return fragments, inventory


def _add_pdf_losses(path: Path, fragment: Fragment) -> None:
    """Rows (and scanned pages) of a PDF the table layer could not read: problems naming page and line, which
    make the scan incomplete. Readers see only the rows that were read, so this is said here, once per file."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF"):
        return
    from configscan.readers.pdftable import problems, read_pdf

    table = read_pdf(path)
    lost = problems(table)
    if lost:
        fragment.problems.extend(lost)
        fragment.lost_matters = True
        fragment.rows_read += sum(1 for u in table.unreadable if u.line)


def _holds_anything(data: object) -> bool:
    """True when the data has a value beyond the vendor's name (empty lists and mappings hold nothing)."""
    if isinstance(data, dict):
        return any(_holds_anything(v) for k, v in data.items() if k != "vendor")
    if isinstance(data, list):
        return any(_holds_anything(v) for v in data)
    return data is not None and data != ""
