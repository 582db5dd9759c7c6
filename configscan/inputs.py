"""What the user named, file by file: which files a run reads, which it skips and why, and what a snapshot's
manifest says went wrong when it was fetched.

A folder is a promise that everything in it was looked at. Each file in it is therefore either read or listed
as skipped with its reason; a skipped file that looks like data (a PDF, an old workbook, a JSON or text file,
anything with text in it) makes the run incomplete unless the user excluded it with ``--exclude``. Only what
is plainly not data is skipped quietly: hidden files (and leftovers of interrupted writes, which are hidden),
Office lock files, the snapshot manifest, and images. A snapshot whose manifest records a failed or stale
download is incomplete too: the folder holds less than the source had.

Shared by ``scan`` (``readers.pick``) and ``audit`` (``audit.sources``): the two differ only in what they can
read, which they pass in as ``accept``.
"""

from __future__ import annotations

import fnmatch
import glob
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from configscan.errors import InputError

SNAPSHOT_MANIFEST = "manifest.json"  # what `configscan fetch` writes beside the files it downloads

# Extensions of files records offices release as data, whatever their content turns out to be.
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".pdf", ".doc", ".docx",
                  ".odt", ".rtf", ".json", ".yaml", ".yml", ".xml", ".html", ".htm", ".gz", ".zip", ".7z",
                  ".parquet", ".msg", ".eml", ".dat", ".log")
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")
_SNIFF = 4096


class SkippedInput(BaseModel):
    """A file found in a folder and not read: why, and whether it makes the run incomplete (it looks like
    data) or not (an image, an excluded file)."""

    path: str
    reason: str
    blocking: bool


@dataclass
class Inventory:
    """The files to read, the files skipped, and what a snapshot manifest says is missing."""

    files: list[Path] = field(default_factory=list)
    in_folder: set[Path] = field(default_factory=set)  # found by walking a folder, not named by the user
    skipped: list[SkippedInput] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def leave_out(self, path: Path, reason: str) -> None:
        """A file the user excluded: listed, never blocking."""
        self.skipped.append(SkippedInput(path=str(path), reason=reason, blocking=False))

    def skip(self, path: Path, reason: str) -> None:
        blocking = looks_like_data(path)
        why = reason if blocking else f"{reason} (not data: skipped)"
        self.skipped.append(SkippedInput(path=str(path), reason=why, blocking=blocking))
        if blocking:
            self.errors.append(f"{path}: not read, {reason} (read it another way, or leave it out with --exclude)")


def looks_like_data(path: Path) -> bool:
    """A released data file by its extension, or any file whose first bytes are text (an unknown extension
    with text in it is data until the user says otherwise); images and other binaries are not."""
    if path.name.lower().endswith(_DATA_SUFFIXES):
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF)
    except OSError:
        return True  # unreadable: cannot be shown not to be data
    if not head or head.startswith(_IMAGE_MAGIC):
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 text
    text = head.decode("utf-8", errors="replace")
    printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
    return printable >= 0.9 * len(text)


def quiet(path: Path, root: Path) -> bool:
    """Files a folder may hold that are never data and never mentioned."""
    parts = path.relative_to(root).parts
    return (any(p.startswith(".") for p in parts) or path.name.startswith("~$")
            or (path.name == SNAPSHOT_MANIFEST and path.parent == root))


def excluded(path: Path, root: Path | None, patterns: Sequence[str]) -> str | None:
    """The ``--exclude`` pattern that matches the file (by name, by path inside its folder, or as given)."""
    candidates = {path.name, str(path), path.as_posix()}
    if root is not None:
        candidates.add(path.relative_to(root).as_posix())
    for pattern in patterns:
        if any(fnmatch.fnmatch(c, pattern) for c in candidates):
            return pattern
    return None


def survey(specs: Sequence[str | Path], accept: Callable[[Path], str | None],
           exclude: Sequence[str] = ()) -> Inventory:
    """Resolve files, folders (walked, hidden folders left out) and globs.

    ``accept`` returns None for a file the caller reads, else why it cannot. A file named outright that
    cannot be read is the caller's input error, as before; one found in a folder is skipped and listed.
    A spec that names nothing is an input error.
    """
    inventory = Inventory()
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            _walk(path, accept, exclude, inventory)
        elif path.is_file() or path.is_symlink():
            inventory.files.append(path)
        elif any(ch in str(spec) for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(spec), recursive=True) if Path(p).is_file())
            if not matches:
                raise InputError(str(spec), "no such file, folder or matching glob")
            for match in matches:
                if excluded(match, None, exclude):
                    inventory.leave_out(match, "excluded by --exclude")
                elif (why := accept(match)) is not None:
                    inventory.skip(match, why)
                else:
                    inventory.files.append(match)
        else:
            raise InputError(str(spec), "no such file, folder or matching glob")
    return inventory


def _walk(root: Path, accept: Callable[[Path], str | None], exclude: Sequence[str], inventory: Inventory) -> None:
    found = sorted(p for p in root.rglob("*") if p.is_file() and not quiet(p, root))
    inventory.errors.extend(snapshot_problems(root))
    for path in found:
        if (pattern := excluded(path, root, exclude)) is not None:
            inventory.leave_out(path, f"excluded by --exclude {pattern}")
        elif (why := accept(path)) is not None:
            inventory.skip(path, why)
        else:
            inventory.files.append(path)
            inventory.in_folder.add(path)
    if not any(Path(s.path).is_relative_to(root) for s in inventory.skipped) and not any(
            f.is_relative_to(root) for f in inventory.files):
        raise InputError(str(root), "is a folder with no export files in it")


def snapshot_problems(folder: Path) -> list[str]:
    """What a ``configscan fetch`` manifest in the folder records as not fetched completely."""
    if not (folder / SNAPSHOT_MANIFEST).is_file():
        return []
    from configscan.fetch.manifest import load_manifest  # only folders holding a manifest need it

    problems = []
    for entry in load_manifest(folder).entries:
        if entry.status == "ok":
            continue
        why = entry.error or entry.failure or "the fetch failed"
        if entry.status == "stale" and entry.file:
            problems.append(f"{folder / entry.file}: an earlier copy; the last fetch of it failed ({why})")
        else:
            problems.append(f"{folder}: the snapshot lacks a file, its fetch failed ({why})")
    return problems
