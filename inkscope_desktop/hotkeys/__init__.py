"""Global hotkeys: chords, their defaults, and the listener that keeps bound chords from the focused program."""

from inkscope_desktop.hotkeys.chords import Chord, parse_bindings, validate_bindings
from inkscope_desktop.hotkeys.defaults import default_bindings
from inkscope_desktop.hotkeys.keys import Modifier
from inkscope_desktop.hotkeys.listener import HotkeyListener
from inkscope_desktop.hotkeys.support import check_hotkey_support, is_wayland_session

__all__ = [
    "Chord",
    "HotkeyListener",
    "Modifier",
    "check_hotkey_support",
    "default_bindings",
    "is_wayland_session",
    "parse_bindings",
    "validate_bindings",
]
