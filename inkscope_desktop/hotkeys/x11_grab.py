"""Passive key grabs on the X11 root window (python-xlib, imported lazily): the focused program never sees a chord."""

from __future__ import annotations

import logging
import os
import queue
import select
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys.chords import Chord
from inkscope_desktop.hotkeys.x11_masks import ModifierMasks

log = logging.getLogger(__name__)
T = TypeVar("T")
_RESTART_ADVICE = "Restart Inkscope; the tray menu and the trigger command still work."
Grab = tuple[int, int]
"""One passive grab: (keycode, modifier state)."""


class X11KeyGrabber:
    """Holds a passive grab (XGrabKey) on the root window for every bound chord, on its own X connection.

    While a grabbed chord's key is down the keyboard belongs to this connection, so the focused program gets
    neither its press nor its release (it still sees the modifiers). pynput's XRecord sees the keys anyway,
    so chords are still matched there. Each chord is grabbed once per keycode that gives its key and per
    combination of Caps Lock, Num Lock and Scroll Lock, so it works whatever the lock keys say.

    A chord another program holds fails with BadAccess, which X reports asynchronously: each chord's grabs are
    synced and checked on their own, so a taken chord is released and named while the others hold.

    The connection belongs to the grabber's thread: ``grab`` and ``close`` hand their work to it and wait. That
    thread also reads and drops the events the grabs deliver, so they never pile up in the connection.
    """

    def __init__(self, display_name: str) -> None:
        self.display_name = display_name
        self._conn: Any = None
        self._masks = ModifierMasks({}, ())
        self._held: dict[Chord, list[Grab]] = {}
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future]] = queue.Queue()
        self._wake: tuple[int, int] | None = None
        self._is_closing = False
        self.thread: threading.Thread | None = None

    def open(self) -> None:
        """Connect and start the thread; HotkeyError (one line) when the display cannot be reached."""
        from Xlib import display as xdisplay
        from Xlib import error as xerror

        try:
            conn = xdisplay.Display(self.display_name)
        except (xerror.DisplayError, xerror.ConnectionClosedError, OSError) as exc:
            raise HotkeyError(f"Cannot connect to the X display {self.display_name!r} to grab hotkeys ({exc}).",
                              "Check that DISPLAY names your running desktop session.") from None
        keysyms_by_bit = [{conn.keycode_to_keysym(keycode, index) for keycode in keycodes if keycode
                           for index in range(4)} for keycodes in conn.get_modifier_mapping()]
        self._conn, self._masks = conn, ModifierMasks.from_mapping(keysyms_by_bit)
        self._wake = os.pipe()
        self.thread = threading.Thread(target=self._serve, name="inkscope-x11-grabs", daemon=True)
        self.thread.start()

    @property
    def grabs(self) -> dict[Chord, list[Grab]]:
        """The grabs held now, by chord (a copy; for tests and logs)."""
        return self._call(lambda: {chord: list(grabs) for chord, grabs in self._held.items()})

    def grab(self, bindings: Mapping[Action, Chord]) -> list[Action]:
        """Grab exactly the chords of ``bindings``, releasing the others; the actions whose chord is taken."""
        return self._call(lambda: self._grab_all(bindings))

    def close(self, timeout_s: float = 2.0) -> bool:
        """Release every grab, close the connection and join the thread; True when it ended in time."""
        thread = self.thread
        if thread is None:
            return True
        self._is_closing = True
        self._poke()
        thread.join(timeout_s)
        if thread.is_alive():
            return False
        wake, self._wake = self._wake, None
        for fd in wake or ():
            os.close(fd)
        return True

    # --- on the grabber's thread --------------------------------------------------------------------
    def _serve(self) -> None:
        from Xlib import X
        from Xlib import error as xerror

        conn = self._conn
        assert self._wake is not None
        wake_read = self._wake[0]
        try:
            while not self._is_closing:
                readable, _, _ = select.select([conn.fileno(), wake_read], [], [])
                if wake_read in readable:
                    os.read(wake_read, 512)
                self._run_jobs()
                while conn.pending_events():
                    event = conn.next_event()
                    if event.type == X.MappingNotify:
                        conn.refresh_keyboard_mapping(event)  # later grabs look keycodes up afresh
        except (xerror.ConnectionClosedError, OSError):
            log.warning("The X connection that holds the hotkey grabs on %s closed", self.display_name,
                        exc_info=True)
        finally:
            self._finish()

    def _run_jobs(self) -> None:
        while True:
            try:
                job, future = self._jobs.get_nowait()
            except queue.Empty:
                return
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(job())
                except Exception as exc:  # noqa: BLE001 - handed to the waiting caller, who raises it
                    future.set_exception(exc)

    def _grab_all(self, bindings: Mapping[Action, Chord]) -> list[Action]:
        self._release_all()
        taken = []
        for action in sorted(bindings, key=list(Action).index):
            grabs = self._grab_chord(bindings[action])
            if grabs is None:
                taken.append(action)
            elif grabs:
                self._held[bindings[action]] = grabs
        return taken

    def _grab_chord(self, chord: Chord) -> list[Grab] | None:
        """Grab ``chord`` in every lock combination; the grabs, [] if it cannot be grabbed, None if it is taken."""
        from Xlib import X
        from Xlib import error as xerror

        mask = self._masks.chord_mask(chord)
        keycodes = self._keycodes(chord)
        if mask is None or not keycodes:
            if mask is None:
                log.warning("%s cannot be grabbed (a modifier is on no X modifier bit): the focused program "
                            "sees it too", chord)
            return []
        grabs = [(keycode, mask | locks) for keycode in keycodes for locks in self._masks.lock_combinations()]
        caught = xerror.CatchError()
        root = self._conn.screen().root
        for keycode, state in grabs:
            root.grab_key(keycode, state, False, X.GrabModeAsync, X.GrabModeAsync, onerror=caught)
        self._conn.sync()  # BadAccess arrives asynchronously: wait for this chord's answers before the next
        if caught.get_error() is None:
            return grabs
        self._ungrab(grabs)  # only this client's grabs are released; the other program keeps its own
        if isinstance(caught.get_error(), xerror.BadAccess):
            return None
        log.warning("Grabbing %s failed (%s): the focused program sees it too", chord, caught.get_error())
        return []

    def _keycodes(self, chord: Chord) -> list[int]:
        from Xlib import XK

        XK.load_keysym_group("xf86")
        keysym = XK.string_to_keysym(chord.spec.x_keysym)
        return sorted({keycode for keycode, _ in self._conn.keysym_to_keycodes(keysym)}) if keysym else []

    def _ungrab(self, grabs: list[Grab]) -> None:
        root = self._conn.screen().root
        for keycode, state in grabs:
            root.ungrab_key(keycode, state)
        self._conn.sync()

    def _release_all(self) -> None:
        held, self._held = self._held, {}
        for grabs in held.values():
            self._ungrab(grabs)

    def _finish(self) -> None:
        """Release the grabs, close the connection, fail waiting callers (``close`` closes the pipe)."""
        try:
            self._release_all()
            self._conn.close()
        except Exception:  # the server may be gone; closing frees the grabs anyway
            log.debug("Closing the hotkey grab connection failed", exc_info=True)
        self._is_closing = True
        while True:
            try:
                _, future = self._jobs.get_nowait()
            except queue.Empty:
                break
            future.cancel()

    # --- from other threads ---------------------------------------------------------------------------
    def _call(self, job: Callable[[], T], timeout_s: float = 5.0) -> T:
        future: Future = Future()
        if self.thread is None or not self.thread.is_alive():
            raise _closed_error()
        self._jobs.put((job, future))
        self._poke()
        try:
            return future.result(timeout_s)
        except CancelledError:
            raise _closed_error() from None
        except FutureTimeout:
            raise HotkeyError(f"The X server on {self.display_name!r} did not answer the hotkey grabs in time.",
                              _RESTART_ADVICE) from None

    def _poke(self) -> None:
        wake = self._wake
        if wake is not None:
            try:
                os.write(wake[1], b"x")
            except OSError:  # closed meanwhile: the thread has ended
                pass


def _closed_error() -> HotkeyError:
    return HotkeyError("The hotkey grabs are not held (their X connection is closed).", _RESTART_ADVICE)
