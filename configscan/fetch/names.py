"""File names for a snapshot, made from values a server sends (ids, URL path parts, titles).

A server decides what it puts in a listing, so every name it influences is treated as hostile: reduced to a
plain, flat file name that is valid on every OS, and the path it finally makes is checked to be a direct child
of the snapshot folder before anything is written there. Sanitising is the mechanism; the containment check
is the backstop that holds even if a future source forgets to sanitise (or the folder holds a symlink).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

MAX_NAME = 120  # characters; leaves room below every file system's 255-byte limit for temp-file affixes
RESERVED = frozenset({"manifest.json"})  # the snapshot's own files: a download never replaces them
_WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                              *(f"lpt{i}" for i in range(10))})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")  # separators, control chars, <>:"|?* and anything non-ASCII


class UnsafePath(Exception):
    """A name that would put a file outside the snapshot folder (or over one of its own files)."""


def safe_name(text: str, fallback: str = "download") -> str:
    """A flat file name, safe on every OS, from a URL path segment, an id or a title.

    Only ASCII letters, digits, ``.``, ``_`` and ``-`` survive (runs of anything else become ``_``), so no
    separator, control character or Windows-reserved character remains; leading dots (hidden files, ``..``)
    and trailing dots are dropped; Windows device names get a leading ``_``; the length is bounded with the
    extension kept. ``fallback`` is sanitised the same way, and ``download`` is the last resort.
    """
    for candidate in (text, fallback, "download"):
        name = _clean(unquote(candidate).replace("\\", "/").rsplit("/", 1)[-1])
        if name:
            return name
    raise AssertionError("unreachable: 'download' is a safe name")


def _clean(base: str) -> str:
    name = _UNSAFE.sub("_", base).lstrip(".").rstrip(".")
    if not name.strip("._-"):
        return ""
    if name.split(".", 1)[0].lower() in _WINDOWS_DEVICES:
        name = f"_{name}"
    if name.lower() in RESERVED:
        name = f"file-{name}"
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        keep = f".{ext}" if dot and stem and len(ext) <= 16 else ""
        name = name[:MAX_NAME - len(keep)].rstrip("._") + keep
    return name


def name_from_url(url: str, fallback: str) -> str:
    """The last path segment of ``url`` as a safe name (query and fragment are never part of it)."""
    return safe_name(urlsplit(url).path, fallback)


def unique_name(name: str, used: set[str]) -> str:
    """``name``, or ``name-2.ext``, ``name-3.ext``... so two downloads never share a file.

    Compared case-insensitively: on macOS and Windows ``A.csv`` and ``a.csv`` are one file.
    """
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        tail = f"-{n}.{ext}" if ext else f"-{n}"
        candidate = safe_name(stem[:MAX_NAME - len(tail)] + tail)
    used.add(candidate.casefold())
    return candidate


def contained(folder: Path, name: str) -> Path:
    """The path for ``name`` in ``folder``, after checking that it resolves to a direct child of the folder.

    Raises :class:`UnsafePath` for anything else: a separator or ``..`` in the name, a symlink in the folder
    that points elsewhere, or one of the snapshot's own file names.
    """
    if name != safe_name(name) or name.lower() in RESERVED:
        raise UnsafePath(f"refusing to write {name!r}: not a plain file name")
    root = folder.resolve()
    target = (folder / name).resolve()
    if target.parent != root:
        raise UnsafePath(f"refusing to write {name!r}: it resolves outside the snapshot folder")
    return folder / name
