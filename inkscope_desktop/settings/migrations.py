"""Bringing a settings file written by an older version up to the current layout, one version at a time.

A migration is a pure function from the dict of version N to the dict of version N+1, registered in
``MIGRATIONS`` under N. Version 1 is the first layout, so the table is empty for now; when the layout
changes, bump ``schema.SCHEMA_VERSION`` and add the step here (with a test that loads an old file).
Pure functions: safe from any thread.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.settings.codec import VERSION_KEY
from inkscope_desktop.settings.schema import SCHEMA_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]

#: {N: the step from version N to N+1}. Example of a future step (a renamed key):
#:     def _v1_to_v2(data): data["speech"]["words_per_minute"] = data["speech"].pop("rate", 185); return data
MIGRATIONS: Mapping[int, Migration] = {}

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
