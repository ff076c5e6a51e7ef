"""The history database file: opening it with safe settings, its tables and their version, and SQLite errors
turned into one-line HistoryErrors.

Durability: WAL journal with ``synchronous=FULL``. In WAL mode NORMAL already keeps the file consistent
through a crash or power cut, but a power cut may roll back the last transactions committed since the
last checkpoint; FULL syncs the WAL at every commit, so each caption is durable once ``add_caption`` returns.
That costs one fsync per caption, which is nothing next to the seconds a caption takes. ``secure_delete`` zeroes
deleted rows, so deleted captions do not linger in free pages.

The connection this module returns is used by one thread at a time (``HistoryStore`` holds a lock).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from inkscope_desktop.core.errors import HistoryError

log = logging.getLogger(__name__)

#: The table layout this code writes; older files are brought up with ``MIGRATIONS``.
SCHEMA_VERSION = 1
#: Files SQLite keeps beside the database in WAL mode.
COMPANIONS = ("-wal", "-shm")
#: How long a write waits for another process (``inkscope-desktop history``) to finish, in seconds.
BUSY_TIMEOUT_S = 5.0

SCHEMA: tuple[str, ...] = (
    """CREATE TABLE entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time REAL NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        prompt TEXT NOT NULL DEFAULT '',
        caption TEXT NOT NULL DEFAULT '',
        engine TEXT NOT NULL DEFAULT '',
        timings TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX entries_by_time ON entries (time DESC, id DESC)",
    """CREATE TABLE follow_ups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
        time REAL NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL
    )""",
    "CREATE INDEX follow_ups_by_entry ON follow_ups (entry_id, id)",
    """CREATE TABLE thumbnails (
        entry_id INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
        png BLOB NOT NULL
    )""",
)

#: {N: statements that turn layout N into N+1}; empty while version 1 is the only layout.
MIGRATIONS: Mapping[int, Sequence[str]] = {}


class BrokenDatabaseError(Exception):
    """The file is not a usable SQLite database (the store moves it aside and starts a new one)."""


def connect(path: Path, *, target: int = SCHEMA_VERSION,
            migrations: Mapping[int, Sequence[str]] | None = None) -> sqlite3.Connection:
    """Open (creating when needed) the database at ``path``, checked, in WAL mode, with tables up to date.

    Raises BrokenDatabaseError when the file is damaged or not a database, HistoryError for anything else.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise HistoryError(f"The history folder {path.parent} could not be created ({error.strerror or error}).",
                           "Check the folder's permissions, or turn history off.") from None
    try:  # private from the start; SQLite gives its -wal and -shm files the same mode
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as error:
        raise HistoryError(f"The history file {path} could not be created ({error.strerror or error}).",
                           "Check the folder's permissions, or turn history off.") from None
    try:
        connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                     check_same_thread=False)
    except sqlite3.Error as error:
        raise translate(error, "opened") from None
    try:
        _configure(connection)
        ensure_schema(connection, target=target, migrations=MIGRATIONS if migrations is None else migrations)
    except sqlite3.DatabaseError as error:
        connection.close()
        if _is_damage(error):
            raise BrokenDatabaseError(str(error)) from None
        raise translate(error, "opened") from None
    except BaseException:
        connection.close()
        raise
    return connection


def _configure(connection: sqlite3.Connection) -> None:
    mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        log.warning("The history database is in %s mode, not WAL", mode)
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA secure_delete=ON")
    check = connection.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise sqlite3.DatabaseError(f"database disk image is malformed ({check})")
    connection.create_function("contains_folded", 2, contains_folded, deterministic=True)


def contains_folded(haystack: str | None, needle: str) -> bool:
    """Case-insensitive substring test for any script (SQLite's own LIKE folds ASCII letters only)."""
    return haystack is not None and needle in haystack.casefold()


def ensure_schema(connection: sqlite3.Connection, *, target: int,
                  migrations: Mapping[int, Sequence[str]]) -> None:
    """Create the tables in a new file, or migrate an older layout, in one transaction."""
    with transaction(connection):
        connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            for statement in SCHEMA:
                connection.execute(statement)
            version = target
        else:
            version = int(row[0])
            if version > target:
                raise HistoryError(f"The history was written by a newer Inkscope Desktop (layout {version}).",
                                   "Update Inkscope Desktop, or turn history off.")
            while version < target:
                if version not in migrations:
                    raise HistoryError(f"History layout {version} cannot be brought up to date.",
                                       "Export it with an older version, then delete it.")
                for statement in migrations[version]:
                    connection.execute(statement)
                version += 1
        connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),))


@contextlib.contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error: a write is all there or not at all."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def translate(error: sqlite3.Error, done: str) -> HistoryError:
    """A one-line HistoryError with advice for an SQLite error met while the history was being ``done``."""
    text = str(error)
    lowered = text.lower()
    if "full" in lowered:
        advice = "Free some disk space, or turn history off."
    elif "locked" in lowered or "busy" in lowered:
        advice = "Another program is using the history; try again in a moment."
    elif "readonly" in lowered or "read-only" in lowered or "permission" in lowered or "unable to open" in lowered:
        advice = "Check that the history folder is writable, or turn history off."
    elif _is_damage(error):
        advice = "Restart Inkscope Desktop: it keeps the damaged file aside and starts a new history."
    else:
        advice = "Try again; if it keeps failing, turn history off."
    return HistoryError(f"The history could not be {done} ({text}).", advice)


def _is_damage(error: BaseException) -> bool:
    text = str(error).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text
