"""macOS: capturing the screen needs the Screen Recording permission, without which captures show only the wallpaper.

macOS hands back the desktop wallpaper and the menu bar, with no error, so every description would describe an
empty desktop.

``CGPreflightScreenCaptureAccess()`` (CoreGraphics, macOS 10.15 and later) says whether this process may record
the screen, without asking the user. Not run by this project's CI (no macOS); tested with a double of the call.
"""

from __future__ import annotations

from collections.abc import Callable

from inkscope_desktop.core.errors import CaptureError
from inkscope_desktop.core.macos_calls import framework_says

SCREEN_RECORDING_ADVICE = ("Allow the program that runs Inkscope (Terminal, or Python) in System Settings, Privacy "
                           "& Security, Screen Recording, then start Inkscope again.")


def core_graphics_allows_capture() -> bool:
    """CGPreflightScreenCaptureAccess() through ctypes; True where it does not exist (before macOS 10.15, which
    did not ask)."""
    return framework_says("CoreGraphics", "CGPreflightScreenCaptureAccess")


def screen_recording_problem(allows: Callable[[], bool] = core_graphics_allows_capture) -> CaptureError | None:
    """The one-line error when macOS would show Inkscope only the wallpaper, else None."""
    try:
        if allows():
            return None
    except OSError:
        return None
    return CaptureError("macOS does not let Inkscope see the screen; it would capture only the wallpaper.",
                        SCREEN_RECORDING_ADVICE)
