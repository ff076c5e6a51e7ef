"""Default chords: one per action, all distinct, clear of the keys screen readers and desktops reserve."""

from __future__ import annotations

import inspect

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.hotkeys import Modifier, default_bindings, validate_bindings
from inkscope_desktop.hotkeys.defaults import UNBOUND_BY_DEFAULT

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


def test_the_readme_table_lists_every_default_chord():
    table = inspect.getdoc(default_bindings)
    for platform in ("linux", "darwin"):
        for action, chord in default_bindings(platform).items():
            label = str(chord).replace("Super", "Cmd")
            row = next(line for line in table.splitlines() if line.startswith(f"| {action.label.rstrip('…')}"))
            assert label in row, (action, label)


def test_defaults_are_a_fresh_mapping_each_time():
    first = default_bindings("linux")
    first.pop(Action.DESCRIBE_SCREEN)
    assert Action.DESCRIBE_SCREEN in default_bindings("linux")
