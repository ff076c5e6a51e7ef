"""Settings to and from plain dicts (the JSON file's shape): unknown keys ignored, missing keys defaulted.

``to_dict`` writes every setting, so the file shows all there is to change. ``from_dict`` is strict unless given
a ``problems`` list: then a bad value falls back to its default (a whole group when its fields disagree, such
as two actions sharing a chord) and a one-line description of each problem is appended to the list.
Pure functions on immutable data: safe from any thread.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from typing import Any

from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.settings.checks import chord_text, parse_action
from inkscope_desktop.settings.schema import GROUPS, HotkeySettings, Settings, field_names
from inkscope_desktop.settings.group import Group

log = logging.getLogger(__name__)

#: The top-level key that holds the layout version.
VERSION_KEY = "schema_version"


def to_dict(settings: Settings) -> dict[str, Any]:
    """Every setting as JSON-ready data: ``{"schema_version": 2, "hotkeys": {...}, "speech": {...}, ...}``.

    The hotkeys group is written as ``{action name: chord}`` directly, the form people edit by hand.
    """
    data: dict[str, Any] = {VERSION_KEY: settings.schema_version}
    for key in GROUPS:
        group = getattr(settings, key)
        if isinstance(group, HotkeySettings):
            data[key] = dict(group.chords)
        else:
            data[key] = {name: _plain(getattr(group, name)) for name in field_names(type(group))}
    return data


def from_dict(data: Any, problems: list[str] | None = None) -> Settings:
    """The settings in ``data`` (already migrated to the current layout); see the module docstring."""
    if not isinstance(data, Mapping):
        raise SettingsError(f"The settings file holds {type(data).__name__} data instead of named settings.",
                            "Fix the file by hand or run: inkscope-desktop config reset")
    for key in data:
        if key not in GROUPS and key != VERSION_KEY:
            log.warning("Ignoring the unknown settings key %r", key)
    groups: dict[str, Any] = {}
    for key, kind in GROUPS.items():
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            _report(SettingsError(f"The settings group {key!r} is not a list of named settings; defaults are used."),
                    problems)
            continue
        if kind is HotkeySettings:
            groups[key] = _hotkeys_from_dict(value, problems)
        else:
            groups[key] = _group_from_dict(kind, key, value, problems)
    return Settings(**groups)


def _group_from_dict(kind: type[Group], key: str, values: Mapping[str, Any], problems: list[str] | None) -> Any:
    known = field_names(kind)
    kwargs: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in known:
            log.warning("Ignoring the unknown setting %s.%s", key, name)
            continue
        try:
            kwargs[name] = kind.CHECKS[name](raw)
        except SettingsError as error:
            _report(error, problems, "Its default is used.")
    try:
        return kind(**kwargs)
    except SettingsError as error:
        _report(error, problems, f"The {key} settings are back to their defaults.")
        return kind()


def _hotkeys_from_dict(values: Mapping[str, Any], problems: list[str] | None) -> HotkeySettings:
    chords: dict[str, str] = {}
    for name, raw in values.items():
        try:
            action = parse_action(name)
        except SettingsError:
            log.warning("Ignoring the hotkey of the unknown action %r", name)
            continue
        try:
            chords[action.value] = chord_text(action, raw)
        except SettingsError as error:
            _report(error, problems, "Its default chord is used.")
    try:
        return HotkeySettings(chords)
    except SettingsError as error:
        _report(error, problems, "The default hotkeys are used.")
        return HotkeySettings()


def _report(error: SettingsError, problems: list[str] | None, outcome: str = "") -> None:
    if problems is None:
        raise error
    problems.append(f"{error.message} {outcome}".strip())


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return dict(value)
    return value
