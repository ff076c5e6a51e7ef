"""Helpers for hotkey tests and the hotkey benchmark: press chords with xdotool, collect fired actions."""

from __future__ import annotations

import queue
import subprocess
import time

from inkscope_desktop.core.actions import Action
from inkscope_desktop.hotkeys import Chord
from inkscope_desktop.hotkeys.keys import Modifier

_XDOTOOL_MODIFIERS = {Modifier.CTRL: "ctrl", Modifier.ALT: "alt", Modifier.SHIFT: "shift", Modifier.SUPER: "super"}


def xdotool_chord(chord: Chord | str) -> str:
    """The chord in xdotool's syntax: ``ctrl+alt+shift+d``; a plain string is passed through."""
    if isinstance(chord, str):
        return chord
    return "+".join([*(_XDOTOOL_MODIFIERS[m] for m in chord.ordered_modifiers), chord.spec.x_keysym])


def press(env: dict[str, str], *chords: Chord | str) -> None:
    """Press each chord in turn on the display in ``env``, as a user would (XTEST through xdotool)."""
    subprocess.run(["xdotool", "key", "--clearmodifiers", *map(xdotool_chord, chords)], env=env, check=True,
                   timeout=10)


class ActionInbox:
    """The ``on_action`` callback tests hand to a listener: a thread-safe queue of fired actions."""

    def __init__(self) -> None:
        self.queue: queue.Queue[Action] = queue.Queue()

    def __call__(self, action: Action) -> None:
        self.queue.put_nowait(action)

    def next(self, timeout_s: float = 5.0) -> Action:
        """The next fired action; fails the test after ``timeout_s`` (a bounded wait, not a sleep)."""
        try:
            return self.queue.get(timeout=timeout_s)
        except queue.Empty:
            raise AssertionError(f"No hotkey fired within {timeout_s} s") from None

    def drain_after(self, quiet_s: float = 0.5) -> list[Action]:
        """Everything that fires during the next ``quiet_s`` seconds (a fair wait for stray actions)."""
        deadline = time.monotonic() + quiet_s
        fired = []
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                fired.append(self.queue.get(timeout=remaining))
            except queue.Empty:
                break
        return fired


def press_as_is(env: dict[str, str], *chords: Chord | str) -> None:
    """Like ``press``, but keeps Caps Lock and Num Lock as they are (``--clearmodifiers`` turns them off)."""
    subprocess.run(["xdotool", "key", *map(xdotool_chord, chords)], env=env, check=True, timeout=10)


class KeyLogger:
    """An X client whose focused window logs the key events it gets, as the program a user works in would.

    ``keys_until`` reads what reached the window up to the release of a sentinel key pressed last: X delivers
    events in order, so whatever was not logged before the sentinel never reached the window.
    """

    SENTINEL = "F1"

    def __init__(self, display: str) -> None:
        from Xlib import X
        from Xlib import display as xdisplay

        self.conn = xdisplay.Display(display)
        screen = self.conn.screen()
        self.window = screen.root.create_window(0, 0, 200, 200, 0, screen.root_depth,
                                                event_mask=X.KeyPressMask | X.KeyReleaseMask)
        self.window.map()
        self.window.set_input_focus(X.RevertToPointerRoot, X.CurrentTime)
        self.conn.sync()

    def keysym(self, name: str) -> int:
        from Xlib import XK

        return XK.string_to_keysym(name)

    def keys_until_sentinel(self, env: dict[str, str], timeout_s: float = 5.0) -> list[tuple[str, int]]:
        """Press the sentinel; the (``"press"`` or ``"release"``, keysym) events logged before it."""
        from Xlib import X

        press_as_is(env, self.SENTINEL)
        sentinel = self.keysym(self.SENTINEL)
        logged: list[tuple[str, int]] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.conn.pending_events():
                time.sleep(0.01)
                continue
            event = self.conn.next_event()
            if event.type not in (X.KeyPress, X.KeyRelease):
                continue
            keysym = self.conn.keycode_to_keysym(event.detail, 0)
            if keysym == sentinel:
                if event.type == X.KeyRelease:
                    return logged
                continue
            logged.append(("press" if event.type == X.KeyPress else "release", keysym))
        raise AssertionError(f"The focused window did not get the sentinel {self.SENTINEL} within {timeout_s} s")

    def close(self) -> None:
        self.window.destroy()
        self.conn.close()
