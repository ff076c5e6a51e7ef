"""X11 helpers for the listener (python-xlib, imported lazily): the keyboard layout, and ending pynput's XRecord."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys.keys import KEYS, Modifier
from inkscope_desktop.hotkeys.support import TRIGGER_ADVICE

log = logging.getLogger(__name__)


def keysym_tokens() -> dict[int, Modifier | str]:
    """Every X keysym the hotkeys know: keysym -> the Modifier or canonical key name it stands for."""
    from Xlib import XK

    XK.load_keysym_group("xf86")
    tokens: dict[int, Modifier | str] = {}
    for spec in KEYS.values():
        keysym = XK.string_to_keysym(spec.x_keysym)
        if keysym:
            tokens[keysym] = spec.name
            if spec.char and spec.char.isalpha():
                tokens[XK.string_to_keysym(spec.char.upper())] = spec.name
    for modifier in Modifier:
        for name in modifier.x_keysym_names:
            tokens[XK.string_to_keysym(name)] = modifier
    return tokens


@dataclass
class X11Keymap:
    """What the X keyboard layout offers, read once when the listener starts.

    ``keysyms`` holds every keysym some key produces (any shift level); ``unshift`` maps a shifted keysym to
    the one its key gives unshifted ("exclam" -> "1" on a US layout), so Ctrl+Alt+Shift+1 matches whatever
    symbol Shift+1 types; ``tokens`` maps keysyms to modifiers and key names.
    """

    display_name: str
    keysyms: set[int] = field(default_factory=set)
    unshift: dict[int, int] = field(default_factory=dict)
    tokens: dict[int, Modifier | str] = field(default_factory=dict)

    @classmethod
    def read(cls, display_name: str) -> X11Keymap:
        """Connect to ``display_name`` and read its layout; HotkeyError if it cannot be reached or lacks RECORD."""
        from Xlib import display as xdisplay
        from Xlib import error as xerror

        try:
            conn = xdisplay.Display(display_name)
        except (xerror.DisplayError, xerror.ConnectionClosedError, OSError) as exc:
            raise HotkeyError(f"Cannot connect to the X display {display_name!r} to listen for hotkeys ({exc}).",
                              "Check that DISPLAY names your running desktop session.") from None
        try:
            if not conn.has_extension("RECORD"):
                raise HotkeyError(f"The X server on {display_name!r} has no RECORD extension, which global "
                                  "hotkeys need.", TRIGGER_ADVICE)
            first = conn.display.info.min_keycode
            rows = conn.get_keyboard_mapping(first, conn.display.info.max_keycode - first + 1)
        finally:
            conn.close()
        keymap = cls(display_name, tokens=keysym_tokens())
        for row in rows:
            syms = [sym for sym in row if sym]
            keymap.keysyms.update(syms)
            if len(row) > 1 and row[0] and row[1] and row[1] != row[0]:
                keymap.unshift.setdefault(row[1], row[0])
        return keymap

    def lacks(self, token: Modifier | str) -> bool:
        """True when no key of this layout produces the modifier or key."""
        return token not in {self.tokens[sym] for sym in self.keysyms if sym in self.tokens}


def end_record_context(display_name: str, context: int | None) -> bool:
    """Disable pynput's XRecord context from a fresh connection, so its thread returns at once.

    pynput 1.8's ``stop()`` queues RecordDisableContext on the recording connection itself, which the
    server does not read while recording, so the listener thread only noticed at the next key event.
    Disabling the context from another connection (as RECORD intends) ends the recording immediately.
    """
    if not context:
        return False
    from Xlib import display as xdisplay
    from Xlib import error as xerror

    try:
        conn = xdisplay.Display(display_name)
    except (xerror.DisplayError, xerror.ConnectionClosedError, OSError):
        log.debug("Could not reach %s to end the hotkey recording", display_name)
        return False
    try:
        conn.set_error_handler(lambda *args: None)  # the context may already be gone: nothing to report
        conn.record_disable_context(context)
        conn.sync()
        return True
    except (xerror.XError, xerror.ConnectionClosedError, OSError, AttributeError):
        log.debug("Ending the hotkey recording on %s failed", display_name, exc_info=True)
        return False
    finally:
        conn.close()
