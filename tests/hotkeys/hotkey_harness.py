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
