"""The global hotkey listener: one run of a platform back-end per start, rebinding, problems, clean shutdown."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Protocol

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys.chords import Chord, validate_bindings
from inkscope_desktop.hotkeys.pynput_run import PynputRun

log = logging.getLogger(__name__)


class HotkeyRun(Protocol):
    """One platform back-end from ``start`` to ``stop``: ``PynputRun`` (X11, macOS) or ``Win32HotkeyRun``."""

    @property
    def is_running(self) -> bool: ...

    def start(self, bindings: Mapping[Action, Chord], ready_timeout_s: float) -> tuple[HotkeyError, ...]: ...

    def rebind(self, bindings: Mapping[Action, Chord]) -> tuple[HotkeyError, ...]: ...

    def stop(self, timeout_s: float) -> bool: ...


class HotkeyListener:
    """Calls ``on_action(action)`` when the chord bound to ``action`` is pressed anywhere on the desktop.

    The focused program does not get the chord: on X11 each chord is grabbed (XGrabKey) while pynput's XRecord
    matches it; on Windows each is a RegisterHotKey hotkey; on macOS pynput's event tap drops it. Wayland
    offers no grab, so there ``start`` raises a HotkeyError that points at the trigger command.

    Threading: ``on_action`` runs on the back-end's thread (pynput's, or the Windows message loop's). It must
    only hand the action over and return at once: put it on a queue, or emit a Qt signal that crosses by
    queued connection. Nothing else of the app may run on that thread: a slow callback delays every key
    event of the session (errors it raises are logged and swallowed, so listening goes on).
    ``start``, ``stop`` and ``rebind`` may be called from any other thread, never from ``on_action``.

    A chord that cannot fire here (no key of the layout gives it, or another program already holds it) is
    reported through ``problems`` and ``on_problem`` (on the thread that called ``start`` or ``rebind``), one
    line naming the chord and its action; the other chords keep working.
    """

    def __init__(self, bindings: Mapping[Action, Chord], on_action: Callable[[Action], None], *,
                 on_problem: Callable[[HotkeyError], None] | None = None, platform: str | None = None) -> None:
        validate_bindings(bindings)
        self._bindings = dict(bindings)
        self._on_action = on_action
        self._on_problem = on_problem
        self._platform = platform or sys.platform
        self._lock = threading.RLock()
        self._run: HotkeyRun | None = None
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
        return run is not None and run.is_running

    def start(self, ready_timeout_s: float = 5.0) -> None:
        """Start listening; HotkeyError (one line, with advice) on Wayland, with no display, or no pynput."""
        with self._lock:
            if self.is_running:
                return
            run = self._new_run()
            problems = self._problems = run.start(self._bindings, ready_timeout_s)
            self._run = run
        self._report(problems)

    def rebind(self, bindings: Mapping[Action, Chord]) -> None:
        """Use ``bindings`` from now on (running or not); HotkeyError for duplicates, leaving the old ones."""
        validate_bindings(bindings)
        with self._lock:
            self._bindings = dict(bindings)
            run = self._run
            problems = self._problems = run.rebind(self._bindings) if run is not None else ()
        self._report(problems)

    def stop(self, timeout_s: float = 2.0) -> bool:
        """Stop listening, release what was grabbed and join the threads; True when they ended in ``timeout_s``."""
        with self._lock:
            run, self._run = self._run, None
        return True if run is None else run.stop(timeout_s)

    def __enter__(self) -> HotkeyListener:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _new_run(self) -> HotkeyRun:
        if self._platform in ("win32", "cygwin"):
            from inkscope_desktop.hotkeys.win32_hotkeys import Win32HotkeyRun

            return Win32HotkeyRun(self._on_action)
        return PynputRun(self._platform, self._on_action)

    def _report(self, problems: tuple[HotkeyError, ...]) -> None:
        for problem in problems:
            log.warning("%s", problem)
            if self._on_problem is not None:
                self._on_problem(problem)
