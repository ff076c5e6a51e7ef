"""The one accessor for settings: reads the JSON file, repairs or moves aside a broken one, saves atomically.

Threading: every method takes one lock, so the store may be shared by threads; the GUI thread is the one
that normally calls it (a load or save reads or writes one small file, a few milliseconds). ``events``'
listeners run on the thread that called ``save``/``reset``, after the lock is released. ``Settings`` objects
are immutable and may be handed to workers. Another process (``inkscope-desktop config reset``) changing the
file is seen on the next ``load()``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.settings import reading
from inkscope_desktop.settings.codec import from_dict, to_dict
from inkscope_desktop.settings.events import SettingsEvents
from inkscope_desktop.settings.files import move_aside, write_atomically
from inkscope_desktop.settings.migrations import VERSION_KEY, Migration, migrate
from inkscope_desktop.settings.paths import settings_path
from inkscope_desktop.settings.schema import SCHEMA_VERSION, Settings

log = logging.getLogger(__name__)

#: How many problems a notice lists before "and N more".
NOTICE_PROBLEMS = 3


@dataclass(frozen=True)
class ReadResult:
    """What the file holds, without changing anything on disk.

    ``state``: "missing" (no file: defaults), "ok", "repaired" (some values were bad and are defaulted:
    ``problems`` says which), "broken" (not readable as settings at all: defaults; ``problems`` has the
    reason) or "unreadable" (the file could not be opened: defaults). ``from_version`` is the layout version
    the file was written in (0 when there was no usable file).
    """

    settings: Settings
    state: str
    problems: tuple[str, ...] = ()
    from_version: int = 0

    @property
    def is_from_newer_app(self) -> bool:
        return self.from_version > SCHEMA_VERSION


class SettingsStore:
    """Settings in ``path`` (default: ``settings.json`` in the platform's config folder, or ``$INKSCOPE_CONFIG_DIR``).

    ``settings`` is the accessor the app uses: loaded on first use, replaced by ``save``. A broken file is
    renamed to ``settings.json.broken-<time>`` (kept for the user), the usable values are written back, and
    ``notice`` holds one line saying so until ``take_notice()`` hands it out once. Parts subscribe to changes
    through ``events`` (see :class:`SettingsEvents`).
    """

    def __init__(self, path: Path | str | None = None, *,
                 migrations: Mapping[int, Migration] | None = None) -> None:
        self._path = Path(path) if path is not None else settings_path()
        self._migrations = migrations
        self._lock = threading.RLock()
        self._settings: Settings | None = None
        self._notice: str | None = None
        self._unknown: dict = {}  # what the file holds that this version does not know, written back
        self.events = SettingsEvents()

    @property
    def path(self) -> Path:
        return self._path

    @property
    def settings(self) -> Settings:
        """The current settings, loading the file the first time."""
        with self._lock:
            return self._settings if self._settings is not None else self.load()

    @property
    def notice(self) -> str | None:
        """The one-line notice of the last load (a broken file moved aside ...), or None; reading keeps it."""
        return self._notice

    def take_notice(self) -> str | None:
        """The notice, once: later calls return None until another load has something to say."""
        with self._lock:
            notice, self._notice = self._notice, None
            return notice

    def read(self) -> ReadResult:
        """Parse the file without changing anything on disk (for ``config show`` and support). Only a regular
        file under ``reading.MAX_SETTINGS_BYTES`` is read; any parse failure of any kind is a broken file."""
        try:
            text = reading.read_text(self._path)
        except FileNotFoundError:
            return ReadResult(Settings(), "missing")
        except reading.UnusableFile as error:
            return ReadResult(Settings(), "broken", (error.reason,))
        except OSError as error:
            return ReadResult(Settings(), "unreadable", (error.strerror or str(error),))
        problems: list[str] = []
        try:
            raw = reading.parse(text)
            if not isinstance(raw, dict):
                raise SettingsError(f"it holds {type(raw).__name__} data instead of named settings")
            raw = _with_usable_version(raw, problems)
            migrated = migrate(raw, migrations=self._migrations)
            settings = from_dict(migrated.data, problems)
            self._unknown = reading.unknown_entries(migrated.data, to_dict(settings))
        except reading.UnusableFile as error:
            return ReadResult(Settings(), "broken", (error.reason,))
        except SettingsError as error:
            return ReadResult(Settings(), "broken", (error.message.rstrip("."),))
        except (RecursionError, ValueError, TypeError, AttributeError, KeyError) as error:  # odd data anywhere
            log.warning("Reading the settings failed: %r", error)
            return ReadResult(Settings(), "broken", (f"it holds data that can't be used ({type(error).__name__})",))
        return ReadResult(settings, "repaired" if problems else "ok", tuple(problems), migrated.from_version)

    def load(self) -> Settings:
        """Read the file, repairing it when needed (see the class docstring), and make it current."""
        with self._lock:
            removed = reading.remove_stale_temporaries(self._path)
            if removed:
                log.info("Removed %d temporary files that interrupted saves left beside %s", removed, self._path)
            result = self.read()
            self._settings = result.settings
            if result.state in ("broken", "repaired"):
                self._notice = self._repair(result)
            elif result.state == "unreadable":
                self._notice = (f"Your settings file {self._path} could not be read ({result.problems[0]}), "
                                "so the default settings are used for now.")
            elif result.is_from_newer_app:
                self._notice = ("Your settings were saved by a newer Inkscope Desktop; settings this version "
                                "does not know are left as they are.")
            elif result.state == "ok" and result.from_version < SCHEMA_VERSION:
                self._write_quietly(result.settings)  # store the migrated layout so the steps run once
            if self._notice:
                log.warning("%s", self._notice)
            return result.settings

    def save(self, settings: Settings) -> None:
        """Write ``settings`` atomically, make them current and tell ``events``' listeners.

        SettingsError (with advice) when writing fails; nothing changed then. When a part could not apply them
        (its listener raised), the settings are saved and current all the same, and the first such error is
        raised once every listener has run."""
        if not isinstance(settings, Settings):
            raise TypeError("save() takes a Settings")
        with self._lock:
            old = self._settings_told()
            self._write(settings)
            self._settings = settings
        self._tell(settings, old)

    def reset(self) -> Path | None:
        """Move the current file aside (``settings.json.reset-<time>``), write the defaults, and return where
        the old file went (None when there was none)."""
        with self._lock:
            kept = None
            if self._path.exists():
                try:
                    kept = move_aside(self._path, "reset")
                except OSError as error:
                    raise SettingsError(f"The settings file {self._path} could not be moved aside "
                                        f"({error.strerror or error}).", "Check the folder's permissions.") from None
            old = self._settings_told()
            self._write(Settings())
            self._settings = Settings()
            self._notice = None
        self._tell(Settings(), old)
        return kept

    def _settings_told(self) -> Settings:
        """What listeners last heard of (the defaults before the file was first read: nothing is read here)."""
        return self._settings if self._settings is not None else Settings()

    def _tell(self, new: Settings, old: Settings) -> None:
        problems = self.events.emit(new, old)
        if problems:
            raise problems[0]

    def _repair(self, result: ReadResult) -> str:
        try:
            kept = move_aside(self._path, "broken")
        except OSError as error:
            log.warning("Could not move the broken settings file aside: %s", error)
            return (f"Your settings file {self._path} has problems ({_listing(result.problems)}) and could not be "
                    f"moved aside ({error.strerror or error}); settings that could not be used have their defaults.")
        self._write_quietly(result.settings)
        if result.state == "broken":
            return (f"Your settings file could not be read ({result.problems[0]}), so the default settings are "
                    f"used. The old file was kept as {kept}.")
        return (f"Some settings could not be used and have their defaults: {_listing(result.problems)}. "
                f"The old file was kept as {kept}.")

    def _write_quietly(self, settings: Settings) -> None:
        """Write during a load: a read-only folder must not stop the app from starting."""
        try:
            self._write(settings)
        except SettingsError as error:
            log.warning("%s", error.user_text)

    def _write(self, settings: Settings) -> None:
        data = reading.with_unknown(to_dict(settings), self._unknown)  # a newer version's settings are kept
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        try:
            write_atomically(self._path, text)
        except OSError as error:
            raise SettingsError(f"Your settings could not be saved to {self._path} ({error.strerror or error}).",
                                "Check that the folder is writable and the disk is not full.") from None


def _with_usable_version(raw: dict, problems: list[str]) -> dict:
    """``raw`` with a schema_version that is not a whole number read as this version's (the values are then
    checked one by one, as for any other bad value), and a problem saying so."""
    version = raw.get(VERSION_KEY, 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(f"schema_version was {str(version)[:40]!r}, not a version number; the settings were "
                        f"read as version {SCHEMA_VERSION}")
        return {**raw, VERSION_KEY: SCHEMA_VERSION}
    return raw


def _listing(problems: tuple[str, ...]) -> str:
    shown = [problem.rstrip(".") for problem in problems[:NOTICE_PROBLEMS]]
    more = len(problems) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
