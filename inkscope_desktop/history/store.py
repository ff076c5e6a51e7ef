"""The caption history: add, search, delete and trim entries in an SQLite file in the platform's data folder.

Threading: one connection guarded by one lock, so any thread may call any method and calls run one after
another. Each call is one short statement or transaction (a write is about one fsync; a search over a
thousand entries takes a few milliseconds), so the GUI thread may call it directly. The first call opens and
checks the file (tens of milliseconds); nothing is read or written before it. Other processes (the
``inkscope-desktop history`` command) may read and write at the same time: SQLite's WAL handles that.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from inkscope_desktop.core.errors import HistoryError
from inkscope_desktop.history import database
from inkscope_desktop.history.entry import Entry, FollowUp, from_timestamp, to_timestamp
from inkscope_desktop.settings.files import move_aside
from inkscope_desktop.settings.paths import history_path

log = logging.getLogger(__name__)

_SECONDS_PER_DAY = 86_400
_CHUNK = 500  # ids per "IN (...)" query, well under SQLite's variable limit
_ENTRY_COLUMNS = ("e.id, e.time, e.subject, e.source, e.prompt, e.caption, e.engine, e.timings, "
                  "EXISTS (SELECT 1 FROM thumbnails t WHERE t.entry_id = e.id)")
_MATCHES = ("(:needle = '' OR contains_folded(e.source, :needle) OR contains_folded(e.caption, :needle) "
            "OR EXISTS (SELECT 1 FROM follow_ups f WHERE f.entry_id = e.id "
            "AND (contains_folded(f.question, :needle) OR contains_folded(f.answer, :needle))))")


class HistoryStore:
    """Entries in ``path`` (default: ``history.sqlite3`` in the data folder, or ``$INKSCOPE_DATA_DIR``).

    Unless ``keep_thumbnails`` is true, every thumbnail it is given is dropped: no screenshot reaches the disk.
    ``max_age_days`` and ``max_entries`` (0: no limit) are applied in the same transaction as each new entry.
    These three are plain attributes: change them when the privacy settings change, for the next entry.
    A damaged file is moved aside (``history.sqlite3.broken-<time>``) when opened, a new one is started, and
    ``take_notice()`` hands out one line saying so. Errors are HistoryError with advice.
    """

    def __init__(self, path: Path | str | None = None, *, keep_thumbnails: bool = False, max_age_days: int = 0,
                 max_entries: int = 0, clock: Callable[[], float] = time.time) -> None:
        self._path = Path(path) if path is not None else history_path()
        self.keep_thumbnails = keep_thumbnails
        self.max_age_days = max_age_days
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        self._notice: str | None = None

    @property
    def path(self) -> Path:
        return self._path

    def take_notice(self) -> str | None:
        """One line about a damaged file that was moved aside, once; else None."""
        with self._lock:
            notice, self._notice = self._notice, None
            return notice

    def add_caption(self, time: datetime | float | None, source: str, prompt: str, caption: str, engine: str = "",
                    timings: Mapping[str, float] | Any = None, thumbnail_png: bytes | None = None, *,
                    subject: str = "") -> int:
        """Store a finished caption (and its thumbnail, if kept) in one transaction; returns the entry's id.

        ``time`` is a datetime, seconds since the epoch, or None for now; ``timings`` a dict of seconds or a
        ``Timings``. Retention limits are applied in the same transaction.
        """
        timing_values = timings.as_dict() if hasattr(timings, "as_dict") else dict(timings or {})
        with self._writing("saved") as connection:
            cursor = connection.execute(
                "INSERT INTO entries (time, subject, source, prompt, caption, engine, timings) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (to_timestamp(time, self._clock()), subject, source, prompt, caption, engine,
                 json.dumps(timing_values)))
            entry_id = int(cursor.lastrowid or 0)  # an INSERT always sets it
            if thumbnail_png and self.keep_thumbnails:
                connection.execute("INSERT INTO thumbnails (entry_id, png) VALUES (?, ?)",
                                   (entry_id, sqlite3.Binary(thumbnail_png)))
            self._trim(connection, self.max_age_days, self.max_entries)
        return entry_id

    def add_follow_up(self, entry_id: int, question: str, answer: str,
                      time: datetime | float | None = None) -> int | None:
        """Store a follow-up of entry ``entry_id``; None when that entry no longer exists (deleted, trimmed)."""
        if self._is_absent():
            return None
        with self._writing("saved") as connection:
            if connection.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,)).fetchone() is None:
                return None
            cursor = connection.execute(
                "INSERT INTO follow_ups (entry_id, time, question, answer) VALUES (?, ?, ?, ?)",
                (entry_id, to_timestamp(time, self._clock()), question, answer))
            return int(cursor.lastrowid or 0)  # an INSERT always sets it

    def search(self, text: str = "", limit: int | None = 100, offset: int = 0) -> list[Entry]:
        """Entries whose source, caption, follow-up questions or answers contain ``text`` (any case), newest
        first; "" matches every entry, and ``limit=None`` returns all of them."""
        with self._reading("searched") as connection:
            if connection is None:
                return []
            rows = connection.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM entries e WHERE {_MATCHES} "
                "ORDER BY e.time DESC, e.id DESC LIMIT :limit OFFSET :offset",
                {"needle": text.casefold().strip(), "limit": -1 if limit is None else max(int(limit), 0),
                 "offset": max(int(offset), 0)},
            ).fetchall()
            return self._entries(connection, rows)

    def count(self, text: str = "") -> int:
        """How many entries ``search(text)`` can return."""
        with self._reading("searched") as connection:
            if connection is None:
                return 0
            row = connection.execute(f"SELECT COUNT(*) FROM entries e WHERE {_MATCHES}",
                                     {"needle": text.casefold().strip()}).fetchone()
            return int(row[0])

    def get(self, entry_id: int) -> Entry | None:
        with self._reading("read") as connection:
            if connection is None:
                return None
            rows = connection.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries e WHERE e.id = ?",
                                      (entry_id,)).fetchall()
            entries = self._entries(connection, rows)
            return entries[0] if entries else None

    def thumbnail(self, entry_id: int) -> bytes | None:
        """The PNG bytes kept with entry ``entry_id``, or None."""
        with self._reading("read") as connection:
            if connection is None:
                return None
            row = connection.execute("SELECT png FROM thumbnails WHERE entry_id = ?", (entry_id,)).fetchone()
            return bytes(row[0]) if row else None

    def delete_follow_up(self, follow_up_id: int) -> bool:
        """Delete one follow-up (its question was asked again); False when there was none."""
        if self._is_absent():
            return False
        with self._writing("deleted") as connection:
            return connection.execute("DELETE FROM follow_ups WHERE id = ?", (follow_up_id,)).rowcount > 0

    def delete(self, entry_id: int) -> bool:
        """Delete one entry with its follow-ups and thumbnail; False when there was none."""
        if self._is_absent():
            return False
        with self._writing("deleted") as connection:
            deleted = connection.execute("DELETE FROM entries WHERE id = ?", (entry_id,)).rowcount > 0
        self._scrub(vacuum=False)
        return deleted

    def delete_all(self) -> int:
        """Delete every entry, then compact the file so no deleted text stays on disk; returns how many."""
        if self._is_absent():
            return 0
        with self._writing("deleted") as connection:
            deleted = connection.execute("DELETE FROM entries").rowcount
        self._scrub(vacuum=True)
        return max(deleted, 0)

    def apply_retention(self, max_age_days: int | None = None, max_entries: int | None = None) -> int:
        """Delete entries older than ``max_age_days`` and all but the newest ``max_entries`` (the store's own
        limits when None; 0 means no limit); returns how many were deleted."""
        if self._is_absent():
            return 0
        days = self.max_age_days if max_age_days is None else max_age_days
        entries = self.max_entries if max_entries is None else max_entries
        with self._writing("trimmed") as connection:
            return self._trim(connection, days, entries)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._connection.close()
                self._connection = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _trim(self, connection: sqlite3.Connection, max_age_days: int, max_entries: int) -> int:
        deleted = 0
        if max_age_days > 0:
            cutoff = self._clock() - max_age_days * _SECONDS_PER_DAY
            deleted += connection.execute("DELETE FROM entries WHERE time < ?", (cutoff,)).rowcount
        if max_entries > 0:
            deleted += connection.execute(
                "DELETE FROM entries WHERE id IN "
                "(SELECT id FROM entries ORDER BY time DESC, id DESC LIMIT -1 OFFSET ?)", (max_entries,)).rowcount
        return deleted

    def _entries(self, connection: sqlite3.Connection, rows: list[tuple]) -> list[Entry]:
        ids = [row[0] for row in rows]
        follow_ups: dict[int, list[FollowUp]] = {entry_id: [] for entry_id in ids}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for fid, entry_id, moment, question, answer in connection.execute(
                    f"SELECT id, entry_id, time, question, answer FROM follow_ups WHERE entry_id IN ({marks}) "
                    "ORDER BY id", chunk):
                follow_ups[entry_id].append(FollowUp(question, answer, from_timestamp(moment), fid))
        return [
            Entry(id=entry_id, time=from_timestamp(moment), subject=subject, source=source, prompt=prompt,
                  caption=caption, engine=engine, timings=_timings(timings), follow_ups=tuple(follow_ups[entry_id]),
                  has_thumbnail=bool(has_thumbnail))
            for entry_id, moment, subject, source, prompt, caption, engine, timings, has_thumbnail in rows
        ]

    def _scrub(self, *, vacuum: bool) -> None:
        """Push deleted pages out of the WAL (and compact the file); best effort, as a reader may hold it."""
        with self._lock:
            connection = self._connection
            if connection is None:
                return
            try:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                if vacuum:
                    connection.execute("VACUUM")
                    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as error:
                log.info("History clean-up after a delete was skipped: %s", error)

    @contextlib.contextmanager
    def _writing(self, done: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            connection = self._open()
            try:
                with database.transaction(connection):
                    yield connection
            except sqlite3.Error as error:
                raise database.translate(error, done) from None

    @contextlib.contextmanager
    def _reading(self, done: str) -> Iterator[sqlite3.Connection | None]:
        """The connection, or None when no history file exists yet (reading never creates one)."""
        with self._lock:
            if self._is_absent():
                yield None
                return
            connection = self._open()
            try:
                yield connection
            except sqlite3.Error as error:
                raise database.translate(error, done) from None

    def _is_absent(self) -> bool:
        """No database yet: reads and deletes have nothing to do and must not create one."""
        return self._connection is None and not self._path.exists()

    def _open(self) -> sqlite3.Connection:
        if self._connection is not None:
            return self._connection
        try:
            self._connection = database.connect(self._path)
        except database.BrokenDatabaseError as damage:
            try:
                kept = move_aside(self._path, "broken", companions=database.COMPANIONS)
            except OSError as error:
                raise HistoryError(f"The history file {self._path} is damaged and could not be moved aside "
                                   f"({error.strerror or error}).", "Move or delete it, or turn history off.") from None
            log.warning("The history database was damaged (%s); kept as %s", damage, kept)
            self._notice = (f"Your caption history was damaged, so a new one was started. "
                            f"The old file was kept as {kept}.")
            self._connection = database.connect(self._path)
        return self._connection


def _timings(text: str) -> dict[str, float]:
    try:
        values = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(values, dict):
        return {}
    return {str(key): float(value) for key, value in values.items()
            if isinstance(value, (int, float)) and not isinstance(value, bool)}
