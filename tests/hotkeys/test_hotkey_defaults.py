"""Default chords: one per action, all distinct, clear of the keys screen readers and desktops reserve."""

from __future__ import annotations

import inspect

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.hotkeys import Modifier, default_bindings, validate_bindings
from inkscope_desktop.hotkeys.defaults import DEFAULT_KEYS, UNBOUND_BY_DEFAULT, default_modifiers

RESERVED_KEYS = {
    "insert", "r",  # NVDA / JAWS / Orca key; GNOME's Shift+Ctrl+Alt+R screencast
    "up", "down", "left", "right", "delete", "page_up", "page_down",  # workspaces; KDE log out / reboot / halt
    "i", "s", "v", "c",  # Firefox Browser Toolbox; Word Styles pane; paste unformatted; copy reference
    "a", "e", "l", "n", "o", "x", "z",  # Ctrl+Alt = AltGr on Windows: Polish ą ę ł ń ó ź ż
}


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_every_action_has_a_distinct_valid_default(platform):
    bindings = default_bindings(platform)
    assert set(bindings) == set(Action) - UNBOUND_BY_DEFAULT
    validate_bindings(bindings)
    assert not {chord.key for chord in bindings.values()} & RESERVED_KEYS


def test_linux_and_windows_use_ctrl_alt_shift_and_macos_avoids_voiceover():
    for platform in ("linux", "win32"):
        assert {c.modifiers for c in default_bindings(platform).values()} == {
            frozenset({Modifier.CTRL, Modifier.ALT, Modifier.SHIFT})}
    mac = {c.modifiers for c in default_bindings("darwin").values()}
    assert mac == {frozenset({Modifier.CTRL, Modifier.SHIFT, Modifier.SUPER})}  # VO is Ctrl+Option


def test_the_docstring_says_why_for_every_default_chord():
    listing = inspect.getdoc(default_bindings)
    assert "on Linux and Windows (macOS: Ctrl+Shift+Cmd and the same letter)" in listing
    assert default_modifiers("linux") == "Ctrl+Alt+Shift" and default_modifiers("darwin") == "Ctrl+Shift+Super"
    for action, key in DEFAULT_KEYS.items():
        assert any(line.startswith(f"- {action.label.rstrip('…')}, {key}:") for line in listing.splitlines()), action
    assert set(DEFAULT_KEYS) | UNBOUND_BY_DEFAULT == set(Action)


def test_defaults_are_a_fresh_mapping_each_time():
    first = default_bindings("linux")
    first.pop(Action.DESCRIBE_SCREEN)
    assert Action.DESCRIBE_SCREEN in default_bindings("linux")
