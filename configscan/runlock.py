"""One run of a scan file at a time: a second, overlapping run exits at once with :data:`LOCKED`.

The lock is an ``flock`` on a small file beside the history database, named after the scan file's resolved
path. The kernel releases it when the process ends however it ends (a SIGKILL included), so there is no
stale lock to clean up. The file holds the holder's pid and start time, for the message the second run prints.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCKED = 75  # EX_TEMPFAIL (sysexits.h): another run holds the lock; try again later


class Busy(Exception):
    """Another run of the same scan file holds the lock; the message says which process and since when."""


def lock_path(scan_file: Path, folder: Path) -> Path:
    digest = hashlib.sha256(str(scan_file.resolve()).encode()).hexdigest()[:16]
    return folder / "locks" / f"run-{digest}.lock"


@contextmanager
def holding(scan_file: Path, folder: Path) -> Iterator[Path]:
    """Hold the scan file's lock for the block; raises Busy when another process holds it."""
    path = lock_path(scan_file, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise Busy(f"another run of {scan_file} is in progress ({holder}); this one did nothing") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %Z}\n"
                  .encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the flock
