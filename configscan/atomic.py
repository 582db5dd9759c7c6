"""Atomic file output: write to a temporary file beside the target, then rename over it.

An interrupted run therefore leaves either the previous file or the complete new one, never half a report.
A target that exists and is not a regular file (a named pipe, ``/dev/stdout``, a device) cannot be replaced
by a rename -- that would swap the pipe or device for a plain file -- so it is written in place.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def _is_special(path: Path) -> bool:
    """True for an existing target that is neither a regular file nor a directory (pipe, tty, device)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _mode_for(path: Path) -> int:
    """The permissions a plain ``open()`` would give: the existing file's, else 0o666 less the umask.

    ``mkstemp`` creates files readable by the owner only; a report meant for a council (or a web folder)
    must not silently become private because it was written safely.
    """
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, data: str | bytes) -> None:
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if _is_special(path):
        with path.open("wb") as stream:
            stream.write(payload)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
