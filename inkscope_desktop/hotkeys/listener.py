"""The global hotkey listener: pynput's keyboard listener, exact chord matching, rebinding, clean shutdown."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys.chords import Chord, action_name, validate_bindings
from inkscope_desktop.hotkeys.key_events import KeyTranslator
from inkscope_desktop.hotkeys.matcher import ChordMatcher
from inkscope_desktop.hotkeys.support import (TRIGGER_ADVICE, check_hotkey_support, import_pynput_keyboard,
                                              wayland_error)

log = logging.getLogger(__name__)


class _ListenerRun:
    """One pynput listener thread and what it was started with; a stopped run ignores late events."""

    def __init__(self, translator: KeyTranslator, display: str | None) -> None:
        self.translator = translator
        self.display = display
        self.thread: Any = None
        self.keymap: Any = None


class HotkeyListener:
    """Calls ``on_action(action)`` when the chord bound to ``action`` is pressed anywhere on the desktop.

    Threading: ``on_action`` runs on pynput's listener thread. It must only hand the action over and return
    at once: put it on a queue, or emit a Qt signal that crosses by queued connection. Nothing else of the
    app may run on that thread: a slow callback delays every key event of the session, and pynput stops
    listening if a callback raises (this class logs and swallows such errors to keep listening).
    ``start``, ``stop`` and ``rebind`` may be called from any other thread, never from ``on_action``.

    A chord the keyboard layout cannot produce (an F24 the keyboard lacks, say) is reported through
    ``problems`` and ``on_problem`` (on the thread that called ``start`` or ``rebind``); the others keep
    working. pynput listens without grabbing, so the focused app also receives the chord.
    """

    def __init__(self, bindings: Mapping[Action, Chord], on_action: Callable[[Action], None], *,
                 on_problem: Callable[[HotkeyError], None] | None = None, platform: str | None = None) -> None:
        validate_bindings(bindings)
        self._bindings = dict(bindings)
        self._on_action = on_action
        self._on_problem = on_problem
        self._platform = platform or sys.platform
        self._matcher = ChordMatcher(self._bindings)
        self._lock = threading.RLock()
        self._run: _ListenerRun | None = None
        self._problems: tuple[HotkeyError, ...] = ()

    @property
    def bindings(self) -> dict[Action, Chord]:
        return dict(self._bindings)

    @property
    def problems(self) -> tuple[HotkeyError, ...]:
        """Chords that cannot fire here, as one-line errors naming the chord and its action."""
        return self._problems

    @property
    def is_running(self) -> bool:
        run = self._run
        return run is not None and run.thread.is_alive()

    def start(self, ready_timeout_s: float = 5.0) -> None:
        """Start listening; HotkeyError (one line, with advice) on Wayland, with no display, or no pynput."""
        with self._lock:
            if self.is_running:
                return
            display = check_hotkey_support(platform=self._platform)
            keymap = self._read_keymap(display) if display is not None else None
            keyboard = import_pynput_keyboard()
            run = _ListenerRun(KeyTranslator.for_platform(self._platform, keymap), display)
            run.keymap = keymap

            def on_press(key: Any, injected: bool = False) -> None:
                self._handle(run, key, injected, is_press=True)

            def on_release(key: Any, injected: bool = False) -> None:
                self._handle(run, key, injected, is_press=False)

            run.thread = keyboard.Listener(on_press=on_press, on_release=on_release)
            self._matcher.reset()
            self._run = run
            run.thread.start()
            if not _wait_ready(run.thread, ready_timeout_s):
                self._run = None
                self._end(run, 1.0)
                raise HotkeyError(f"The global hotkey listener did not start on display {display or 'here'}.",
                                  TRIGGER_ADVICE)
            problems = self._problems = self._find_problems(run)
        self._report(problems)

    def rebind(self, bindings: Mapping[Action, Chord]) -> None:
        """Use ``bindings`` from now on (running or not); HotkeyError for duplicates, leaving the old ones."""
        validate_bindings(bindings)
        with self._lock:
            self._bindings = dict(bindings)
            self._matcher.bindings = self._bindings
            run = self._run
            problems = self._problems = self._find_problems(run) if run is not None else ()
        self._report(problems)

    def stop(self, timeout_s: float = 2.0) -> bool:
        """Stop listening and join pynput's thread; True when it ended within ``timeout_s``."""
        with self._lock:
            run, self._run = self._run, None
        return True if run is None else self._end(run, timeout_s)

    def __enter__(self) -> HotkeyListener:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _read_keymap(self, display: str) -> Any:
        from inkscope_desktop.hotkeys.x11_keymap import X11Keymap

        try:
            return X11Keymap.read(display)
        except HotkeyError:
            if os.environ.get("WAYLAND_DISPLAY", "").strip():
                raise wayland_error() from None
            raise

    def _handle(self, run: _ListenerRun, key: Any, injected: bool, is_press: bool) -> None:
        """On pynput's thread: match the key and hand any action over; never let an error stop pynput."""
        try:
            if run is not self._run or injected:
                return
            translated = run.translator.translate(key)
            if translated is None:
                return
            if not is_press:
                self._matcher.release(*translated)
                return
            action = self._matcher.press(*translated)
            if action is not None:
                self._on_action(action)
        except Exception:  # noqa: BLE001 - pynput would stop listening on any exception
            log.exception("Handling a hotkey failed; still listening")

    def _end(self, run: _ListenerRun, timeout_s: float) -> bool:
        thread = run.thread
        thread.stop()
        if threading.current_thread() is thread:
            log.warning("HotkeyListener.stop() was called from on_action; the listener cannot join itself")
            return False
        if run.display is not None and thread.is_alive():
            from inkscope_desktop.hotkeys.x11_keymap import end_record_context

            end_record_context(run.display, getattr(thread, "_context", None))
        try:
            thread.join(timeout_s)
        except Exception:  # noqa: BLE001 - pynput's join re-raises whatever ended its thread
            log.debug("The hotkey listener thread ended with an error", exc_info=True)
        if thread.is_alive():
            log.warning("The hotkey listener thread did not end within %.1f s", timeout_s)
            return False
        return True

    def _find_problems(self, run: _ListenerRun) -> tuple[HotkeyError, ...]:
        keymap = run.keymap
        if keymap is None:
            return ()
        problems = []
        for action in sorted(self._bindings, key=list(Action).index):
            chord = self._bindings[action]
            missing = [m.value for m in chord.ordered_modifiers if keymap.lacks(m)]
            missing += [chord.spec.display] if keymap.lacks(chord.key) else []
            if missing:
                problems.append(HotkeyError(
                    f"{chord} ({action_name(action)}) cannot work here: no key of this keyboard layout gives "
                    f"{' or '.join(missing)}.", "Choose another chord for it; the other hotkeys keep working."))
        return tuple(problems)

    def _report(self, problems: tuple[HotkeyError, ...]) -> None:
        for problem in problems:
            log.warning("%s", problem)
            if self._on_problem is not None:
                self._on_problem(problem)


def _wait_ready(thread: Any, timeout_s: float) -> bool:
    """Wait until pynput's thread is listening; False if it died or timed out (``wait()`` has no timeout)."""
    condition = getattr(thread, "_condition", None)
    if condition is None or not hasattr(thread, "_ready"):
        thread.wait()
        return True
    deadline = time.monotonic() + timeout_s
    with condition:
        while not thread._ready:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not thread.is_alive():
                return False
            condition.wait(min(remaining, 0.05))
    return True
