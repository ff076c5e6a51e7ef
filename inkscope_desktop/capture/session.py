"""Which display server this session runs on, and the errors for having none the capture can use."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from inkscope_desktop.core.errors import CaptureError


def uses_x11() -> bool:
    """True on Linux and the BSDs, where screens and windows are reached through an X server."""
    return not (sys.platform.startswith("win") or sys.platform == "darwin")


def is_wayland_session(environ: Mapping[str, str] | None = None) -> bool:
    """True in a Wayland session (``XDG_SESSION_TYPE=wayland`` or ``WAYLAND_DISPLAY`` set).

    X11 programs there run on XWayland: they may see the pointer and their own windows, but not which
    window is active nor, on most compositors, the pixels of native Wayland windows.
    """
    env = os.environ if environ is None else environ
    return env.get("XDG_SESSION_TYPE", "").strip().lower() == "wayland" or bool(env.get("WAYLAND_DISPLAY"))


def x_display_name(explicit: str | None = None) -> str:
    """The X display to use: ``explicit`` when given, else ``$DISPLAY`` now; a CaptureError when neither is set."""
    name = explicit or os.environ.get("DISPLAY", "")
    if not name:
        raise no_display_error()
    return name


def no_display_error() -> CaptureError:
    if is_wayland_session():
        return CaptureError(
            "No X display to capture: this Wayland session has no XWayland (DISPLAY is not set).",
            "Enable XWayland or log in to an X11 session, then try again.",
        )
    return CaptureError(
        "No display to capture (DISPLAY is not set).",
        "Run Inkscope Desktop inside a desktop session, or set DISPLAY to your X display (for example :0).",
    )


def display_unreachable_error(name: str) -> CaptureError:
    return CaptureError(
        f"Cannot open the display {name}.",
        "Check that an X server runs there and that this user may use it (XAUTHORITY, xhost), then try again.",
    )
