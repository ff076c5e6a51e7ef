"""Checks for single setting values: each takes what the file or the dialog gave and returns the clean value,
or raises a one-line SettingsError naming the setting and what to choose instead.

Pure functions: safe from any thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError, SettingsError
from inkscope_desktop.core.types import Detail
from inkscope_desktop.core.vocabulary import DEVICES, ROUTE_ALIASES, SpeechRoute
from inkscope_desktop.hotkeys.chords import Chord, action_name

#: Who speaks captions, as the settings file writes it.
SPEECH_ROUTES = tuple(route.value for route in SpeechRoute)
MAX_PRESET_NAME = 40

_DEVICE_INDEX = re.compile(r"^\d{1,3}$")

Check = Callable[[Any], Any]


def fail(message: str, advice: str = "") -> SettingsError:
    return SettingsError(message, advice)


def boolean(label: str) -> Check:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise fail(f"{label} must be true or false, not {value!r}.", "Write true or false.")
        return value

    return check


def integer(label: str, low: int, high: int, unit: str = "") -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"{label} must be a whole number, not {value!r}.", f"Choose {low} to {high}{unit}.")
        if not low <= value <= high:
            raise fail(f"{label} {value} is out of range.", f"Choose {low} to {high}{unit}.")
        return value

    return check


def number(label: str, low: float, high: float, unit: str = "") -> Check:
    """A number (whole or not) from ``low`` to ``high``, returned as a float."""
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise fail(f"{label} must be a number, not {value!r}.", f"Choose {low:g} to {high:g}{unit}.")
        if not low <= value <= high:
            raise fail(f"{label} {value:g} is out of range.", f"Choose {low:g} to {high:g}{unit}.")
        return float(value)

    return check


def optional_text(label: str, longest: int) -> Check:
    def check(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise fail(f"{label} must be text, not {value!r}.", "Write it in quotes, or leave it empty.")
        value = " ".join(value.split())
        if len(value) > longest:
            raise fail(f"{label} is longer than {longest} characters.", "Shorten it.")
        return value or None

    return check


def required_text(label: str, advice: str, *, single_line: bool = False) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{label} must be a non-empty text, not {value!r}.", advice)
        return " ".join(value.split()) if single_line else value.strip()

    return check


def speech_route(value: Any) -> str:
    name = value.strip().lower() if isinstance(value, str) else value
    name = ROUTE_ALIASES.get(name, name)
    if name not in SPEECH_ROUTES:
        raise fail(f"Unknown speech route {value!r}.", f"Choose one of: {', '.join(SPEECH_ROUTES)}.")
    return name


def volume(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise fail(f"Speech volume {value!r} is out of range.", "Choose a number from 0.0 (silent) to 1.0 (loudest).")
    return float(value)


def device(value: Any) -> str:
    name = value.strip().lower() if isinstance(value, str) else ""
    kind, _, index = name.partition(":")
    if kind not in DEVICES or (index and (kind != "cuda" or not _DEVICE_INDEX.match(index))) or name.endswith(":"):
        raise fail(f"Unknown model device {value!r}.", "Choose auto, cpu, cuda, cuda:N (a GPU number) or mps.")
    return name


def detail_level(value: Any) -> Detail:
    try:
        return Detail(value)
    except ValueError:
        known = ", ".join(level.value for level in Detail)
        raise fail(f"Unknown detail level {value!r}.", f"Choose one of: {known}.") from None


def presets(value: Any) -> Mapping[str, str]:
    if not isinstance(value, Mapping) or not value:
        raise fail("The prompt presets must be a non-empty list of names and texts.", "Keep at least one preset.")
    clean: dict[str, str] = {}
    for name, prompt in value.items():
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_PRESET_NAME:
            raise fail(f"The preset name {name!r} is empty or too long.",
                       f"Give each preset a name of 1 to {MAX_PRESET_NAME} characters.")
        name = " ".join(name.split())
        check = required_text(f"The prompt of preset {name!r}", "Write what the model is asked, or remove it.")
        clean[name] = check(prompt)
    return MappingProxyType(clean)


def chord_text(action: Action, value: Any) -> str:
    """The normalised chord text for ``action``, or "" for unbound; a bad chord names the action."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if not isinstance(value, str):
        raise fail(f"Hotkey for {action_name(action)} must be text such as \"Ctrl+Alt+Shift+D\", not {value!r}.",
                   "Write the chord in quotes, or \"\" to leave the action unbound.")
    try:
        return str(Chord.parse(value))
    except HotkeyError as error:
        raise fail(f"Hotkey for {action_name(action)}: {error.message}", error.advice) from None


def parse_action(name: Any) -> Action:
    try:
        return name if isinstance(name, Action) else Action.parse(str(name))
    except ValueError as error:
        raise fail(str(error), "Use the action names the settings file lists.") from None


def find_conflicts(chords: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Chords bound to more than one action, as {chord: (action names...)}; bad or empty chords are skipped.

    For live feedback in the dialog: "Ctrl+Alt+Shift+D" and "shift+ctrl+alt+d" are the same chord.
    """
    owners: dict[str, list[str]] = {}
    for name, text in chords.items():
        try:
            chord = str(Chord.parse(text)) if text and text.strip() else ""
        except HotkeyError:
            continue
        if chord:
            owners.setdefault(chord, []).append(str(getattr(name, "value", name)))
    return {chord: tuple(names) for chord, names in owners.items() if len(names) > 1}
