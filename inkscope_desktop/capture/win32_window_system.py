"""The Windows window system back-end: the foreground window and the pointer, through user32 and dwmapi."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

from inkscope_desktop.capture.geometry import Rect
from inkscope_desktop.capture.window_system import ActiveWindow, WindowNotFound, WindowSystem
from inkscope_desktop.core.errors import CaptureError

#: DwmGetWindowAttribute: the visible frame, without the invisible resize borders of Windows 10 and 11.
DWMWA_EXTENDED_FRAME_BOUNDS = 9
#: DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2: every coordinate in physical pixels, as mss captures them.
PER_MONITOR_AWARE_V2 = -4
#: Window classes of the desktop itself, which is "active" when every window is minimised.
DESKTOP_CLASSES = frozenset({"Progman", "WorkerW"})


class Win32WindowSystem(WindowSystem):
    """``GetForegroundWindow`` for the active window, its visible frame from ``DwmGetWindowAttribute``
    (``GetWindowRect`` where DWM cannot answer), its title from ``GetWindowTextW``, and ``GetCursorPos``.

    mss makes the process per-monitor DPI aware (Qt 6 does as well), so desktop coordinates are physical
    pixels; each call here also runs with a per-monitor-aware thread context, so window and pointer
    coordinates are physical pixels even if nothing else set the awareness yet.
    """

    def __init__(self) -> None:
        self._api: Any = None

    name = "win32"

    def availability_problem(self) -> CaptureError | None:
        return None if sys.platform == "win32" else CaptureError("This is not Windows.")

    @property
    def is_native_here(self) -> bool:
        return sys.platform == "win32"

    def active_window(self) -> ActiveWindow:
        import ctypes
        from ctypes import wintypes

        user32, dwmapi = self._load()
        with _per_monitor_dpi(user32):
            hwnd = user32.GetForegroundWindow()
            if not hwnd:
                raise WindowNotFound("No window is active")
            if user32.IsIconic(hwnd):
                raise WindowNotFound("The active window is minimised")
            class_name = ctypes.create_unicode_buffer(256)
            user32.GetClassNameW(hwnd, class_name, 256)
            if class_name.value in DESKTOP_CLASSES:
                raise WindowNotFound("The desktop is active, not a window")
            rect = wintypes.RECT()
            if dwmapi is None or dwmapi.DwmGetWindowAttribute(
                    hwnd, DWMWA_EXTENDED_FRAME_BOUNDS, ctypes.byref(rect), ctypes.sizeof(rect)) != 0:
                if not user32.GetWindowRect(hwnd, ctypes.byref(rect)):
                    raise WindowNotFound("The active window could not be found")
            length = user32.GetWindowTextLengthW(hwnd)
            title = ctypes.create_unicode_buffer(length + 1)
            user32.GetWindowTextW(hwnd, title, length + 1)
        return ActiveWindow(Rect.from_corners(rect.left, rect.top, rect.right, rect.bottom), title.value.strip())

    def pointer_position(self) -> tuple[int, int] | None:
        import ctypes
        from ctypes import wintypes

        user32, _ = self._load()
        point = wintypes.POINT()
        with _per_monitor_dpi(user32):
            if not user32.GetCursorPos(ctypes.byref(point)):
                return None
        return int(point.x), int(point.y)

    def _load(self) -> Any:
        """user32 and dwmapi (``None`` where missing) with their signatures, loaded on first use."""
        if self._api is None:
            import ctypes
            from ctypes import wintypes

            win_dll: Any = vars(ctypes)["WinDLL"]  # Windows only: ctypes has no WinDLL elsewhere (nor its types)
            user32 = win_dll("user32", use_last_error=True)
            hwnd = wintypes.HWND
            for name, argtypes, restype in (
                ("GetForegroundWindow", [], hwnd),
                ("IsIconic", [hwnd], wintypes.BOOL),
                ("GetClassNameW", [hwnd, wintypes.LPWSTR, ctypes.c_int], ctypes.c_int),
                ("GetWindowRect", [hwnd, ctypes.POINTER(wintypes.RECT)], wintypes.BOOL),
                ("GetWindowTextLengthW", [hwnd], ctypes.c_int),
                ("GetWindowTextW", [hwnd, wintypes.LPWSTR, ctypes.c_int], ctypes.c_int),
                ("GetCursorPos", [ctypes.POINTER(wintypes.POINT)], wintypes.BOOL),
            ):
                function = getattr(user32, name)
                function.argtypes, function.restype = argtypes, restype
            with contextlib.suppress(AttributeError):  # Windows 10 1607 and later
                user32.SetThreadDpiAwarenessContext.argtypes = [ctypes.c_void_p]
                user32.SetThreadDpiAwarenessContext.restype = ctypes.c_void_p
            try:
                dwmapi = win_dll("dwmapi")
                dwmapi.DwmGetWindowAttribute.argtypes = [hwnd, wintypes.DWORD, ctypes.c_void_p, wintypes.DWORD]
                dwmapi.DwmGetWindowAttribute.restype = ctypes.c_long
            except OSError:
                dwmapi = None
            self._api = (user32, dwmapi)
        return self._api


@contextlib.contextmanager
def _per_monitor_dpi(user32: Any) -> Iterator[None]:
    """Run the block with a per-monitor DPI aware thread context, then restore the previous one."""
    setter = getattr(user32, "SetThreadDpiAwarenessContext", None)
    previous = setter(PER_MONITOR_AWARE_V2) if setter is not None else None
    try:
        yield
    finally:
        if previous and setter is not None:
            setter(previous)
