"""What a run killed outright (SIGKILL, the OOM killer, a power cut) leaves behind, and its safe removal.

Nothing runs when a process is killed that way, so the next run cleans up instead. Three kinds of leftover,
each named after its owner's process id (``pid``) plus a random part, so runs never share one:

* work directories ``{tmp}/configscan-[kind-]{pid}-{random}/`` (spilled DuckDB data, transcoded copies);
* evidence staging files ``.{target}.configscan-{pid}-{random}.partial`` (and its per-source parts
  ``.partial.N``) beside the evidence target -- as large as the evidence, hundreds of MB;
* report temporary files ``.{target}.configscan-{pid}-{random}.tmp`` beside a report (``atomic.py``), and
  folders of that name: a corpus's owner pages staged beside ``owners/`` (``corpus.html``).

A run holds an exclusive ``flock`` on its work directory and on its staging and temporary files for as long
as it uses them; the kernel releases it when the process dies, however it dies. A leftover is removed only
if all hold: its name has exactly one of the shapes above, it belongs to this user and is not a symbolic link,
its pid is not a live process (``os.kill(pid, 0)`` raises ``ProcessLookupError``; a pid owned by another user
counts as live), and its lock can be taken (which also protects a live run in another pid namespace sharing
the folder). Anything else -- other programs' files, older configscan names without a pid -- is left alone.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

if sys.platform != "win32":
    import fcntl

OWNER = "configscan"
# mkstemp/mkdtemp random parts use [a-z0-9_]; no hyphen, so the pid is unambiguous.
_WORK_DIR = re.compile(rf"^{OWNER}-(?:[a-z]+-)*(?P<pid>\d+)-[a-z0-9_]+$")
_FILE = re.compile(rf"^\..+\.{OWNER}-(?P<pid>\d+)-[a-z0-9_]+\.(?:partial|tmp)(?P<part>\.\d+)?$")


def file_prefix(target: Path) -> str:
    """The start of this run's hidden file names beside ``target`` (mkstemp adds the random part)."""
    return f".{Path(target).name}.{OWNER}-{os.getpid()}-"


def lock(fd: int) -> None:
    """Hold an exclusive lock on the open file or directory ``fd`` until it is closed (or the process dies).

    Raises ``BlockingIOError`` if another process holds it. A filesystem without locks (some network or FUSE
    mounts) is not an error: the pid in the name still protects the file, just not across pid namespaces.
    """
    if sys.platform == "win32":
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL):
            raise


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold back Ctrl-C and SIGTERM while a leftover is created and its cleanup registered.

    A signal landing between ``mkdtemp`` and the ``with`` that removes the directory would leave it behind
    (a real Ctrl-C test hit that gap); held, it is delivered right after, inside the cleanup's reach.
    """
    if sys.platform == "win32" or threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def work_directory(prefix: str) -> Iterator[str]:
    """A run's temporary work directory, named ``{prefix}{pid}-{random}`` and locked while the run lives.

    A drop-in for ``tempfile.TemporaryDirectory(prefix=...)``: removed on any exit Python sees (errors,
    Ctrl-C, SIGTERM); after a SIGKILL the next run's :func:`sweep_leftovers` removes it.
    """
    with ExitStack() as stack:
        with signals_held():
            work = stack.enter_context(tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-"))
            fd = os.open(work, os.O_RDONLY)
            stack.callback(os.close, fd)
            lock(fd)
        yield work


def _alive(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no pid at all: not ours to judge
        return True
    return True


def _claim(path: Path) -> int | None:
    """An open descriptor holding ``path``'s lock, or None when a live process holds it (or it is gone)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        lock(fd)
    except OSError:  # BlockingIOError: held by a live run
        os.close(fd)
        return None
    return fd


def _ours(path: Path, want_dir: bool) -> bool:
    """This user's own regular file (or directory), not a symbolic link planted in a shared folder."""
    try:
        info = path.lstat()
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(info.st_mode) if want_dir else stat.S_ISREG(info.st_mode)
    return kind_ok and (sys.platform == "win32" or info.st_uid == os.getuid())


def _remove(path: Path, lock_path: Path, is_dir: bool) -> bool:
    fd = _claim(lock_path)
    if fd is None and lock_path.exists():  # a live run holds it
        return False
    try:
        if is_dir:
            shutil.rmtree(path)
        else:
            path.unlink()
        return True
    except OSError:  # removed meanwhile by another run's sweep, or not ours to remove: leave it
        return False
    finally:
        if fd is not None:
            os.close(fd)


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:  # a folder that does not exist (yet) or cannot be listed holds nothing to sweep
        return []


def _sweep_work_dirs(root: Path) -> list[Path]:
    removed = []
    for path in _entries(root):
        match = _WORK_DIR.match(path.name)
        if match and not _alive(int(match["pid"])) and _ours(path, want_dir=True) and _remove(path, path, True):
            removed.append(path)
    return removed


def _sweep_files(folder: Path) -> list[Path]:
    removed = []
    for path in sorted(_entries(folder), key=lambda p: p.name, reverse=True):  # parts before their stem
        match = _FILE.match(path.name)
        if not match or _alive(int(match["pid"])):
            continue
        is_dir = not match["part"] and path.name.endswith(".tmp") and _ours(path, want_dir=True)
        if not is_dir and not _ours(path, want_dir=False):
            continue
        stem = path.with_name(path.name[: len(path.name) - len(match["part"] or "")])
        if _remove(path, stem, is_dir):
            removed.append(path)
    return removed


def sweep_leftovers(folders: Iterable[Path] = (), work_root: Path | None = None) -> list[Path]:
    """Remove what killed runs left: work directories in ``work_root`` (default: the temp folder) and staging
    and temporary files in each of ``folders`` (where reports and evidence are written). Returns what went.

    Best effort and never an error: a leftover that cannot be removed now is tried again by a later run.
    """
    removed = _sweep_work_dirs(Path(work_root) if work_root is not None else Path(tempfile.gettempdir()))
    for folder in dict.fromkeys(Path(f) for f in folders):
        removed.extend(_sweep_files(folder))
    return removed
