"""One run of pynput's keyboard listener: exact chord matching, X11 grabs or a macOS intercept, clean shutdown."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys.chords import Chord
from inkscope_desktop.hotkeys.key_events import KeyTranslator
from inkscope_desktop.hotkeys.matcher import ChordMatcher
from inkscope_desktop.hotkeys.problems import missing_keys_problem, taken_problem
from inkscope_desktop.hotkeys.support import (TRIGGER_ADVICE, check_hotkey_support, import_pynput_keyboard,
                                              wayland_error)
from inkscope_desktop.hotkeys.suppression import SuppressionTracker

log = logging.getLogger(__name__)


class PynputRun:
    """pynput's listener thread for one ``start``..``stop`` span; a stopped run ignores late events.

    X11: pynput reads every key through XRecord, which never keeps a key from anyone, so an
    ``X11KeyGrabber`` holds a passive grab on each bound chord: the focused program does not get it. A chord
    another program holds is reported and left to it. macOS: pynput's ``darwin_intercept`` drops the events
    a ``SuppressionTracker`` marks. ``on_action`` runs on pynput's thread and must only hand the action over.
    """

    def __init__(self, platform: str, on_action: Callable[[Action], None]) -> None:
        self._platform = platform
        self._on_action = on_action
        self._matcher = ChordMatcher({})
        self._tracker = SuppressionTracker() if platform == "darwin" else None
        self._is_stopped = False
        self.display: str | None = None
        self.keymap: Any = None
        self.grabber: Any = None
        self.thread: Any = None
        self._translator = KeyTranslator()

    @property
    def is_running(self) -> bool:
        return not self._is_stopped and self.thread is not None and self.thread.is_alive()

    def start(self, bindings: Mapping[Action, Chord], ready_timeout_s: float) -> tuple[HotkeyError, ...]:
        """Start listening; HotkeyError (one line, with advice) on Wayland, with no display, or no pynput."""
        display = self.display = check_hotkey_support(platform=self._platform)
        self.keymap = self._read_keymap(display) if display is not None else None
        keyboard = import_pynput_keyboard()
        self._translator = KeyTranslator.for_keymap(self.keymap)
        options: dict[str, Any] = {}
        if self._tracker is not None:
            options["darwin_intercept"] = self._tracker.intercept
        self.thread = keyboard.Listener(on_press=lambda key, injected=False: self._handle(key, injected, True),
                                        on_release=lambda key, injected=False: self._handle(key, injected, False),
                                        **options)
        if display is not None:
            from inkscope_desktop.hotkeys.x11_grab import X11KeyGrabber

            self.grabber = X11KeyGrabber(display)
            self.grabber.open()
        try:
            problems = self.rebind(bindings)
            self.thread.start()
            if not _wait_ready(self.thread, ready_timeout_s):
                raise HotkeyError(f"The global hotkey listener did not start on display {display or 'here'}.",
                                  TRIGGER_ADVICE)
        except BaseException:
            self.stop(1.0)
            raise
        return problems

    def rebind(self, bindings: Mapping[Action, Chord]) -> tuple[HotkeyError, ...]:
        """Match (and grab) ``bindings`` from now on; the problems of the chords that cannot fire."""
        taken = self.grabber.grab(bindings) if self.grabber is not None else []
        self._matcher.bindings = {action: chord for action, chord in bindings.items() if action not in taken}
        return (*self._missing_keys(bindings), *(taken_problem(action, bindings[action]) for action in taken))

    def stop(self, timeout_s: float) -> bool:
        """Stop listening, release the grabs and join the threads; True when they ended within ``timeout_s``."""
        self._is_stopped = True
        is_ended = self._end_thread(timeout_s) if self.thread is not None else True
        if self.grabber is not None:
            is_ended = self.grabber.close(timeout_s) and is_ended
        return is_ended

    def _read_keymap(self, display: str) -> Any:
        from inkscope_desktop.hotkeys.x11_keymap import X11Keymap

        try:
            return X11Keymap.read(display)
        except HotkeyError:
            if os.environ.get("WAYLAND_DISPLAY", "").strip():
                raise wayland_error() from None
            raise

    def _handle(self, key: Any, injected: bool, is_press: bool) -> None:
        """On pynput's thread: match the key and hand any action over; never let an error stop pynput."""
        try:
            if self._tracker is not None:
                self._tracker.begin()
            if self._is_stopped or injected:
                return
            translated = self._translator.translate(key)
            if translated is None:
                return
            if not is_press:
                self._matcher.release(*translated)
                if self._tracker is not None:
                    self._tracker.judge_release(translated[1])
                return
            action = self._matcher.press(*translated)
            if self._tracker is not None:
                self._tracker.judge_press(translated[1], completes_chord=action is not None)
            if action is not None:
                self._on_action(action)
        except Exception:  # pynput would stop listening on any exception
            log.exception("Handling a hotkey failed; still listening")

    def _end_thread(self, timeout_s: float) -> bool:
        thread = self.thread
        thread.stop()
        if threading.current_thread() is thread:
            log.warning("HotkeyListener.stop() was called from on_action; the listener cannot join itself")
            return False
        if self.display is not None and thread.is_alive():
            from inkscope_desktop.hotkeys.x11_keymap import end_record_context

            end_record_context(self.display, getattr(thread, "_context", None))
        try:
            if thread.ident is not None:
                thread.join(timeout_s)
        except Exception:  # pynput's join re-raises whatever ended its thread
            log.debug("The hotkey listener thread ended with an error", exc_info=True)
        if thread.is_alive():
            log.warning("The hotkey listener thread did not end within %.1f s", timeout_s)
            return False
        return True

    def _missing_keys(self, bindings: Mapping[Action, Chord]) -> list[HotkeyError]:
        keymap = self.keymap
        if keymap is None:
            return []
        problems = []
        for action in sorted(bindings, key=list(Action).index):
            chord = bindings[action]
            missing = [m.value for m in chord.ordered_modifiers if keymap.lacks(m)]
            missing += [chord.spec.display] if keymap.lacks(chord.key) else []
            if missing:
                problems.append(missing_keys_problem(action, chord, missing))
        return problems


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
