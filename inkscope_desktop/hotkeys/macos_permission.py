"""macOS: hotkeys need the Accessibility permission; without it nothing is delivered, silently (tested on doubles)."""

from __future__ import annotations

from collections.abc import Callable

from inkscope_desktop.core.errors import HotkeyError

ACCESSIBILITY_ADVICE = ("Allow the program that runs Inkscope (Terminal, or Python) in System Settings, Privacy & "
                        "Security, Accessibility and Input Monitoring, then start Inkscope again.")


def application_services_trusted() -> bool:
    """AXIsProcessTrusted() through ctypes; True where the framework or the call is missing (not macOS 10.9+).

    pynput's keyboard listener is a Quartz event tap, which macOS feeds only to trusted processes. The permission
    belongs to the program that runs Python: Terminal, or the Python app. Not run by this project's CI (no macOS).
    """
    import ctypes
    import ctypes.util

    path = ctypes.util.find_library("ApplicationServices")
    if path is None:
        return True
    function = getattr(ctypes.cdll.LoadLibrary(path), "AXIsProcessTrusted", None)
    if function is None:
        return True
    function.restype = ctypes.c_bool
    return bool(function())


def accessibility_problem(is_trusted: Callable[[], bool] = application_services_trusted) -> HotkeyError | None:
    """The one-line error when macOS keeps the keyboard from Inkscope, else None."""
    try:
        if is_trusted():
            return None
    except OSError:  # the framework could not be loaded: let pynput try and report what it meets
        return None
    return HotkeyError("macOS does not let Inkscope watch the keyboard, so its hotkeys would do nothing.",
                       ACCESSIBILITY_ADVICE)
