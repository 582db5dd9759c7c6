"""The history database: open it safely, migrate its schema, refuse a corrupt or newer one.

SQLite in WAL mode, so ``history`` and ``diff`` read while a nightly run writes, and a SIGKILL at any moment
leaves either the last committed state or the new one. One writer at a time: writes take the database's
write lock up front (``BEGIN IMMEDIATE``) and wait up to :data:`BUSY_TIMEOUT_MS` for another writer.

The schema version lives in ``PRAGMA user_version``; :data:`MIGRATIONS` brings any older database up to
:data:`SCHEMA_VERSION` in one transaction per step. A database written by a newer configscan, or one that is
not an SQLite database at all, is reported and left exactly as it is -- never "repaired" by overwriting.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs

BUSY_TIMEOUT_MS = 30_000

MIGRATIONS: tuple[str, ...] = (
    # 1: runs, their findings and their input files.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        agency_key TEXT NOT NULL,
        agency_name TEXT NOT NULL,
        label TEXT,
        scanned_at TEXT NOT NULL,
        as_of TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        packs TEXT NOT NULL,
        verdict TEXT NOT NULL,
        counts TEXT NOT NULL,
        config TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
    );
    CREATE INDEX runs_agency ON runs (agency_key, id);
    CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        check_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        severity TEXT NOT NULL,
        outcome TEXT NOT NULL,
        waived INTEGER NOT NULL DEFAULT 0,
        body TEXT NOT NULL,
        PRIMARY KEY (run_id, fingerprint)
    );
    CREATE TABLE inputs (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        reader TEXT
    );
    """,
    # 2: what the run was asked to do (scan file, exit code) and its reports, for `history`.
    """
    ALTER TABLE runs ADD COLUMN scan_file TEXT;
    ALTER TABLE runs ADD COLUMN exit_code INTEGER;
    ALTER TABLE runs ADD COLUMN reports TEXT NOT NULL DEFAULT '[]';
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(Exception):
    """The history database cannot be used (corrupt, newer, unreadable): one line naming the file."""


def default_path() -> Path:
    """``history.db`` in the user data directory (``~/.local/share/configscan`` on Linux)."""
    return platformdirs.user_data_path("configscan") / "history.db"


def resolve(path: Path | None) -> Path:
    return Path(path).expanduser() if path is not None else default_path()


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (creating when asked), check and migrate. Raises HistoryError, never overwrites a bad file."""
    if not path.exists():
        if not create:
            raise HistoryError(f"{path}: no history database here (nothing recorded yet; runs record with --db)")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise HistoryError(f"{path}: cannot open the history database ({exc})") from exc
    try:
        _check(con, path)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA foreign_keys=ON")
        migrate(con, path)
    except sqlite3.DatabaseError as exc:
        con.close()
        raise HistoryError(f"{path}: the history database is corrupt ({exc}); it was left untouched -- "
                           "move it aside to start a new history") from exc
    except BaseException:
        con.close()
        raise
    return con


def _check(con: sqlite3.Connection, path: Path) -> None:
    """A file that is not an SQLite database, or fails SQLite's own structural check, is corrupt."""
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    rows = con.execute("PRAGMA quick_check").fetchall()
    if [tuple(r) for r in rows] != [("ok",)]:
        detail = "; ".join(str(r[0]) for r in rows[:3])
        raise sqlite3.DatabaseError(f"quick_check: {detail}")
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise HistoryError(f"{path}: history schema version {version} was written by a newer configscan "
                           f"(this one knows up to {SCHEMA_VERSION}); left untouched")
    if version == 0:
        tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise HistoryError(f"{path}: an SQLite database, but not a configscan history (it has tables and "
                               "no schema version); left untouched")


def migrate(con: sqlite3.Connection, path: Path) -> int:
    """Apply each missing step in its own transaction; returns the version reached."""
    while True:
        with write(con):
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            if version >= SCHEMA_VERSION:
                return version
            for statement in _statements(MIGRATIONS[version]):
                con.execute(statement)
            con.execute(f"PRAGMA user_version={version + 1}")


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements: ``executescript`` would commit the open transaction first."""
    for part in script.split(";"):
        if part.strip():
            yield part.strip()


@contextmanager
def write(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction holding the database's write lock from its start (one writer at a time)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
