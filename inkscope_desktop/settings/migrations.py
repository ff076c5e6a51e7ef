"""Bringing a settings file written by an older version up to the current layout, one version at a time.

A migration is a pure function from the dict of version N to the dict of version N+1, registered in
``MIGRATIONS`` under N. When the layout changes, bump ``schema.SCHEMA_VERSION`` and add the step here
(with a test that loads an old file).
Pure functions: safe from any thread.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError, SettingsError
from inkscope_desktop.hotkeys.chords import Chord
from inkscope_desktop.settings.codec import VERSION_KEY
from inkscope_desktop.settings.schema import SCHEMA_VERSION, HotkeySettings

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 adds "describe the last seconds of the screen" (the new "video" group needs nothing: its
    defaults apply)."""
    return _add_action(data, Action.DESCRIBE_RECENT_SCREEN)


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3 adds "stop describing" (new settings with defaults, such as the kept images, need nothing)."""
    return _add_action(data, Action.STOP_DESCRIBING)


def _add_action(data: dict[str, Any], action: Action) -> dict[str, Any]:
    """A new action whose default chord the user may already have given to another action starts unbound,
    instead of the clash sending every hotkey back to its default."""
    hotkeys = data.get("hotkeys")
    new = action.value
    default = HotkeySettings().chords[new]
    if not isinstance(hotkeys, dict) or new in hotkeys or not default:
        return data
    taken = set()
    for text in hotkeys.values():
        try:
            taken.add(str(Chord.parse(text)))
        except (HotkeyError, TypeError, AttributeError):
            continue  # a bad chord is reported when the group is read
    if default in taken:
        hotkeys[new] = ""
    return data


#: {N: the step from version N to N+1}.
MIGRATIONS: Mapping[int, Migration] = {1: _v1_to_v2, 2: _v2_to_v3}

_ADVICE = "Fix the file by hand or run: inkscope-desktop config reset"


@dataclass(frozen=True)
class Migrated:
    """The data in the current layout, and the version the file was written in."""

    data: dict[str, Any]
    from_version: int

    @property
    def is_from_newer_app(self) -> bool:
        """Written by a newer Inkscope Desktop: read as far as this one understands it."""
        return self.from_version > SCHEMA_VERSION


def file_version(data: Mapping[str, Any]) -> int:
    """The layout version a settings dict says it has; a file without one is version 1 (the first)."""
    version = data.get(VERSION_KEY, 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SettingsError(f"The settings file has an invalid schema_version {version!r}.", _ADVICE)
    return version


def migrate(data: Mapping[str, Any], *, migrations: Mapping[int, Migration] | None = None,
            target: int = SCHEMA_VERSION) -> Migrated:
    """Apply each step from the file's version up to ``target``; ``data`` itself is never changed.

    A file newer than ``target`` is returned as it is (unknown keys are ignored later). A missing step, or a
    step that fails on odd data, is a SettingsError, so the store moves the file aside.
    """
    steps = MIGRATIONS if migrations is None else migrations
    version = file_version(data)
    result = copy.deepcopy(dict(data))
    current = version
    while current < target:
        step = steps.get(current)
        if step is None:
            raise SettingsError(f"Settings of schema version {current} cannot be brought up to date.", _ADVICE)
        try:
            result = step(result)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise SettingsError(f"Updating the settings from schema version {current} failed ({error}).",
                                _ADVICE) from None
        current += 1
        result[VERSION_KEY] = current
    return Migrated(result, version)
