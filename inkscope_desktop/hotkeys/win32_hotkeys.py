"""Windows hotkeys through RegisterHotKey on a message-loop thread, so the focused program never gets the chord."""

from __future__ import annotations

import logging
import string
import threading
from collections.abc import Callable, Mapping
from typing import Protocol

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys.chords import Chord
from inkscope_desktop.hotkeys.keys import Modifier
from inkscope_desktop.hotkeys.problems import refused_problem, taken_problem
from inkscope_desktop.hotkeys.support import TRIGGER_ADVICE

log = logging.getLogger(__name__)

MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
WM_QUIT, WM_HOTKEY, WM_REBIND = 0x0012, 0x0312, 0x8001  # WM_REBIND is WM_APP + 1: this loop's own message
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
_MOD_FLAGS = {Modifier.ALT: MOD_ALT, Modifier.CTRL: MOD_CONTROL, Modifier.SHIFT: MOD_SHIFT, Modifier.SUPER: MOD_WIN}

VIRTUAL_KEYS: dict[str, int] = {
    **{c: ord(c.upper()) for c in string.ascii_lowercase + string.digits},
    **{f"f{n}": 0x6F + n for n in range(1, 25)},
    "space": 0x20, "enter": 0x0D, "tab": 0x09, "esc": 0x1B, "backspace": 0x08, "insert": 0x2D, "delete": 0x2E,
    "home": 0x24, "end": 0x23, "page_up": 0x21, "page_down": 0x22, "left": 0x25, "up": 0x26, "right": 0x27,
    "down": 0x28, "print_screen": 0x2C, "pause": 0x13, "menu": 0x5D,
    "minus": 0xBD, "equal": 0xBB, "left_bracket": 0xDB, "right_bracket": 0xDD, "semicolon": 0xBA,
    "apostrophe": 0xDE, "comma": 0xBC, "period": 0xBE, "slash": 0xBF, "backslash": 0xDC, "grave": 0xC0,
    "play_pause": 0xB3, "next_track": 0xB0, "previous_track": 0xB1, "mute": 0xAD, "volume_down": 0xAE,
    "volume_up": 0xAF,
}
"""Windows virtual-key codes by key name; punctuation keys are where a US layout has them (VK_OEM_*)."""


def register_arguments(chord: Chord) -> tuple[int, int]:
    """RegisterHotKey's ``fsModifiers`` and ``vk`` for ``chord``; MOD_NOREPEAT so a held chord fires once."""
    modifiers = MOD_NOREPEAT
    for modifier in chord.modifiers:
        modifiers |= _MOD_FLAGS[modifier]
    return modifiers, VIRTUAL_KEYS[chord.key]


class Win32HotkeyApi(Protocol):
    """The few user32 calls the message loop makes, all on its own thread except ``post``."""

    def prepare_queue(self) -> int:
        """Give the calling thread a message queue; its thread id, for ``post``."""

    def register(self, hotkey_id: int, modifiers: int, vk: int) -> int:
        """RegisterHotKey(NULL, id, modifiers, vk): 0 when it worked, else the Windows error code."""

    def unregister(self, hotkey_id: int) -> None: ...

    def next_message(self) -> tuple[int, int] | None:
        """GetMessage: (message, wParam), or None at WM_QUIT or on failure."""

    def post(self, thread_id: int, message: int, wparam: int = 0) -> None:
        """PostThreadMessage, from any thread."""


class Win32HotkeyRun:
    """One message-loop thread that holds a RegisterHotKey hotkey per chord until ``stop``.

    Windows delivers WM_HOTKEY to the thread that registered the hotkey and keeps the chord from every
    program. A chord another program registered fails with ERROR_HOTKEY_ALREADY_REGISTERED and is reported;
    the others work. Hotkeys must be registered and unregistered on the loop's thread, so ``rebind`` posts
    WM_REBIND to it and waits. ``api`` defaults to user32 through ctypes; tests pass a double.

    A hotkey is also what lets the app take the focus when the user asked for its window or the region
    selector: SetForegroundWindow refuses a background process unless it "received the last input event", and
    a WM_HOTKEY is that event for this process (a low-level keyboard hook, as pynput's, is not).
    """

    def __init__(self, on_action: Callable[[Action], None], api: Win32HotkeyApi | None = None) -> None:
        self._on_action = on_action
        self._api = api
        self._pending: dict[Action, Chord] = {}
        self._ids: dict[int, Action] = {}
        self._problems: tuple[HotkeyError, ...] = ()
        self._applied = threading.Event()
        self._thread_id = 0
        self.thread = threading.Thread(target=self._loop, name="inkscope-win32-hotkeys", daemon=True)

    @property
    def is_running(self) -> bool:
        return self.thread.is_alive()

    def start(self, bindings: Mapping[Action, Chord], ready_timeout_s: float) -> tuple[HotkeyError, ...]:
        if self._api is None:
            from inkscope_desktop.hotkeys.win32_api import User32HotkeyApi

            self._api = User32HotkeyApi()
        self._pending = dict(bindings)
        self.thread.start()
        return self._wait_applied(ready_timeout_s, "The Windows hotkey thread did not start.")

    def rebind(self, bindings: Mapping[Action, Chord]) -> tuple[HotkeyError, ...]:
        if not self.is_running:
            raise HotkeyError("The Windows hotkey thread has ended.", TRIGGER_ADVICE)
        self._pending = dict(bindings)
        self._applied.clear()
        assert self._api is not None
        self._api.post(self._thread_id, WM_REBIND)
        return self._wait_applied(5.0, "The Windows hotkey thread did not take the new hotkeys.")

    def stop(self, timeout_s: float) -> bool:
        if self.thread.ident is None:
            return True
        if self._api is not None and self.thread.is_alive():
            self._api.post(self._thread_id, WM_QUIT)
        self.thread.join(timeout_s)
        return not self.thread.is_alive()

    def _wait_applied(self, timeout_s: float, failure: str) -> tuple[HotkeyError, ...]:
        if not self._applied.wait(timeout_s):
            raise HotkeyError(failure, TRIGGER_ADVICE)
        return self._problems

    # --- on the loop's thread ---------------------------------------------------------------------------
    def _loop(self) -> None:
        api = self._api
        assert api is not None
        self._thread_id = api.prepare_queue()
        try:
            self._register(api)
            while (message := api.next_message()) is not None:
                kind, wparam = message
                if kind == WM_HOTKEY and wparam in self._ids:
                    self._fire(self._ids[wparam])
                elif kind == WM_REBIND:
                    self._register(api)
        finally:
            self._unregister(api)

    def _register(self, api: Win32HotkeyApi) -> None:
        self._unregister(api)
        problems = []
        for number, action in enumerate(sorted(self._pending, key=list(Action).index), start=1):
            chord = self._pending[action]
            code = api.register(number, *register_arguments(chord))
            if code == 0:
                self._ids[number] = action
            elif code == ERROR_HOTKEY_ALREADY_REGISTERED:
                problems.append(taken_problem(action, chord))
            else:
                problems.append(refused_problem(action, chord, code))
        self._problems = tuple(problems)
        self._applied.set()

    def _unregister(self, api: Win32HotkeyApi) -> None:
        for number in self._ids:
            api.unregister(number)
        self._ids = {}

    def _fire(self, action: Action) -> None:
        try:
            self._on_action(action)
        except Exception:  # the loop must go on
            log.exception("Handling a hotkey failed; still listening")
