"""Atomic file output: write to a temporary file beside the target, then rename over it.

An interrupted run therefore leaves either the previous file or the complete new one, never half a report.
A target that exists and is not a regular file (a named pipe, ``/dev/stdout``, a device) cannot be replaced
by a rename -- that would swap the pipe or device for a plain file -- so it is written in place.

The temporary file is named after this process (``.{name}.configscan-{pid}-{random}.tmp``) and locked while it
is written, so one a SIGKILL left behind is recognised and removed by a later run (``leftovers.py``).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from configscan import leftovers


def _is_special(path: Path) -> bool:
    """True for an existing target that is neither a regular file nor a directory (pipe, tty, device)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def mode_for(path: Path, directory: bool = False) -> int:
    """The permissions a plain ``open()`` (or ``mkdir()``) would give: the existing one's, else 0o666 (0o777) less
    the umask.

    ``mkstemp`` creates files readable by the owner only; a report meant for a council (or a web folder)
    must not silently become private because it was written safely.
    """
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return (0o777 if directory else 0o666) & ~umask


def write_atomic(path: Path, data: str | bytes) -> None:
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_stream(path) as stream:
        stream.write(payload)


@contextmanager
def atomic_stream(path: Path) -> Iterator[BinaryIO]:
    """A binary stream whose bytes become ``path`` only when the block ends without an exception: for a file
    too large to hold in memory first (a national corpus's report is written owner by owner)."""
    path = Path(path)
    if _is_special(path):
        with path.open("wb") as stream:
            yield stream
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=leftovers.file_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            leftovers.lock(fd)
            os.fchmod(fd, mode_for(path))
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
