"""The X11 window system back-end: the active window through EWMH and the pointer, via python-xlib."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

from inkscope_desktop.capture.geometry import Rect
from inkscope_desktop.capture.session import is_wayland_session, uses_x11, x_display_name
from inkscope_desktop.capture.window_system import ActiveWindow, WindowNotFound, WindowSystem
from inkscope_desktop.core.errors import CaptureError

if TYPE_CHECKING:
    from Xlib.display import Display

log = logging.getLogger(__name__)

#: Window types that are not a window a user works in (``_NET_WM_WINDOW_TYPE_...``).
SKIPPED_WINDOW_TYPES = ("DESKTOP", "DOCK", "TOOLBAR", "MENU", "SPLASH", "NOTIFICATION", "TOOLTIP")


class X11WindowSystem(WindowSystem):
    """Reads the EWMH properties a window manager publishes on the root window and on each client.

    The active window is ``_NET_ACTIVE_WINDOW``; its outer rectangle is the client's area in root
    coordinates, grown by its X border and by ``_NET_FRAME_EXTENTS`` (the window manager's frame and
    title bar) and shrunk by ``_GTK_FRAME_EXTENTS`` (the invisible shadow of a client-side decorated
    window). The title is ``_NET_WM_NAME`` (UTF-8), else ``WM_NAME``. Connecting with python-xlib
    takes ~50 ms, so each thread keeps one connection and reuses it (python-xlib connections must not
    be shared between threads); ``close()`` closes them all.

    The active window is never one of this process's own (``own_pid``, by ``_NET_WM_PID``): when Inkscope's
    window has the focus, the topmost other window in ``_NET_CLIENT_LIST_STACKING`` (on the screen, not a dock
    or the desktop) stands in, the last window the user was in.
    """

    def __init__(self, display: str | None = None, *, own_pid: int | None = None) -> None:
        self._display = display
        self._own_pid = own_pid if own_pid is not None else os.getpid()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[tuple[threading.Thread, Display]] = []

    name = "x11"

    def availability_problem(self) -> CaptureError | None:
        if not uses_x11():
            return CaptureError("This session has no X11 display.", "Active-window capture uses X11 here.")
        if importlib.util.find_spec("Xlib") is None:
            return CaptureError("python-xlib is not installed.", "Install it with: pip install python-xlib")
        return None

    @property
    def is_native_here(self) -> bool:
        return sys.platform not in ("win32", "darwin")

    def active_window(self) -> ActiveWindow:
        if is_wayland_session():
            raise WindowNotFound("Active-window capture does not work on Wayland")
        from Xlib import error

        try:
            return self._with_connection(self._read_active_window)
        except (error.BadWindow, error.BadDrawable, error.BadMatch) as failure:
            log.info("The active window went away while being read: %s", failure)
            raise WindowNotFound("The active window closed before it could be captured") from failure
        except (error.DisplayError, error.ConnectionClosedError, OSError) as failure:
            log.info("No X connection for the active window: %s", failure)
            raise WindowNotFound("The active window could not be found") from failure

    def pointer_position(self) -> tuple[int, int] | None:
        from Xlib import error

        try:
            reply = self._with_connection(lambda conn: conn.screen().root.query_pointer())
        except (CaptureError, error.DisplayError, error.ConnectionClosedError, error.XError, OSError) as failure:
            log.info("The pointer position is unknown: %s", failure)
            return None
        return int(reply.root_x), int(reply.root_y)

    def close(self) -> None:
        """Close every thread's connection (they are reopened if the window system is used again)."""
        with self._lock:
            connections, self._connections = self._connections, []
        self._local.cached = None
        for _, conn in connections:
            _close_quietly(conn)

    def _read_active_window(self, conn: "Display") -> ActiveWindow:
        from Xlib import X

        root = conn.screen().root
        active = root.get_full_property(conn.intern_atom("_NET_ACTIVE_WINDOW"), X.AnyPropertyType)
        if active is None or active.format != 32:
            raise WindowNotFound("The window manager does not say which window is active")
        window_id = int(active.value[0]) if len(active.value) else 0
        if window_id in (0, root.id):
            raise WindowNotFound("No window is active")
        window = conn.create_resource_object("window", window_id)
        if self._is_own(conn, window):
            window = self._topmost_other(conn, root)
            if window is None:
                raise WindowNotFound("No window but Inkscope's own is open")
        if window.get_attributes().map_state != X.IsViewable:
            raise WindowNotFound("The active window is not on the screen")
        geometry = window.get_geometry()
        origin = root.translate_coords(window, 0, 0)
        border = int(geometry.border_width)
        rect = Rect(int(origin.x), int(origin.y), int(geometry.width), int(geometry.height))
        rect = rect.grown(border, border, border, border)
        left, right, top, bottom = _cardinals(conn, window, "_NET_FRAME_EXTENTS")
        rect = rect.grown(left, top, right, bottom)
        left, right, top, bottom = _cardinals(conn, window, "_GTK_FRAME_EXTENTS")
        rect = rect.grown(-left, -top, -right, -bottom)
        title = _text(conn, window, "_NET_WM_NAME") or _text(conn, window, "WM_NAME")
        return ActiveWindow(rect, title)

    def _is_own(self, conn: Display, window: Any) -> bool:
        return _cardinal(conn, window, "_NET_WM_PID") == self._own_pid

    def _topmost_other(self, conn: Display, root: Any) -> Any:
        """The highest window in the stacking order that is not this process's, is on the screen, and is an
        application's window (not a dock, a desktop or a hidden one); None when there is none."""
        from Xlib import X

        stacking = root.get_full_property(conn.intern_atom("_NET_CLIENT_LIST_STACKING"), X.AnyPropertyType)
        if stacking is None or stacking.format != 32:
            return None
        skipped_types = {conn.intern_atom(f"_NET_WM_WINDOW_TYPE_{name}") for name in SKIPPED_WINDOW_TYPES}
        hidden = conn.intern_atom("_NET_WM_STATE_HIDDEN")
        for window_id in reversed([int(value) for value in stacking.value]):  # topmost first
            window = conn.create_resource_object("window", window_id)
            try:
                if self._is_own(conn, window) or window.get_attributes().map_state != X.IsViewable:
                    continue
                if hidden in _atoms(conn, window, "_NET_WM_STATE") or \
                        skipped_types & set(_atoms(conn, window, "_NET_WM_WINDOW_TYPE")):
                    continue
            except Exception:  # noqa: BLE001 - a window that went away meanwhile: the next one
                continue
            return window
        return None

    def _with_connection(self, call: Any) -> Any:
        """Run ``call(connection)``; a lost connection is reopened once (the X server may have restarted)."""
        from Xlib import error

        for attempt in range(2):
            conn = self._connection()
            try:
                return call(conn)
            except error.ConnectionClosedError:
                self._drop(conn)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _connection(self) -> "Display":
        from Xlib import display as xdisplay

        name = x_display_name(self._display)
        cached = getattr(self._local, "cached", None)
        if cached is not None and cached[0] == name and any(item[1] is cached[1] for item in self._connections):
            return cached[1]
        if cached is not None:
            self._drop(cached[1])
        conn = xdisplay.Display(name)
        with self._lock:
            ended = [item for item in self._connections if not item[0].is_alive()]
            self._connections = [item for item in self._connections if item[0].is_alive()]
            self._connections.append((threading.current_thread(), conn))
        self._local.cached = (name, conn)
        for _, old in ended:  # connections of threads that have ended: nobody can use them any more
            _close_quietly(old)
        return conn

    def _drop(self, conn: "Display") -> None:
        with self._lock:
            self._connections = [item for item in self._connections if item[1] is not conn]
        self._local.cached = None
        _close_quietly(conn)


def _close_quietly(conn: "Display") -> None:
    try:
        conn.close()
    except Exception:
        log.debug("Closing an X connection failed", exc_info=True)


def _cardinals(conn: "Display", window: Any, name: str) -> tuple[int, int, int, int]:
    """A four-CARDINAL property such as ``_NET_FRAME_EXTENTS`` (left, right, top, bottom); zeros if absent."""
    from Xlib import X

    prop = window.get_full_property(conn.intern_atom(name), X.AnyPropertyType)
    if prop is None or prop.format != 32 or len(prop.value) < 4:
        return 0, 0, 0, 0
    left, right, top, bottom = (max(int(value), 0) for value in prop.value[:4])
    return left, right, top, bottom


def _cardinal(conn: Display, window: Any, name: str) -> int | None:
    """A one-CARDINAL property such as ``_NET_WM_PID``; None if absent."""
    from Xlib import X

    prop = window.get_full_property(conn.intern_atom(name), X.AnyPropertyType)
    if prop is None or prop.format != 32 or not len(prop.value):
        return None
    return int(prop.value[0])


def _atoms(conn: Display, window: Any, name: str) -> list[int]:
    """An ATOM list property such as ``_NET_WM_STATE``; empty if absent."""
    from Xlib import X

    prop = window.get_full_property(conn.intern_atom(name), X.AnyPropertyType)
    return [int(value) for value in prop.value] if prop is not None and prop.format == 32 else []


def _text(conn: "Display", window: Any, name: str) -> str:
    """A text property, decoded from UTF-8 (``UTF8_STRING``) or Latin-1 (``STRING``); "" if absent."""
    from Xlib import X

    prop = window.get_full_property(conn.intern_atom(name), X.AnyPropertyType)
    if prop is None or prop.format != 8:
        return ""
    value = prop.value if isinstance(prop.value, bytes) else str(prop.value).encode("latin-1", "replace")
    is_utf8 = prop.property_type == conn.intern_atom("UTF8_STRING")
    text = value.decode("utf-8" if is_utf8 else "latin-1", "replace")
    return " ".join(text.replace("\x00", " ").split())
