"""macOS: hotkeys need the Accessibility permission; without it nothing is delivered, silently (tested on doubles)."""

from __future__ import annotations

from collections.abc import Callable

from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.core.macos_calls import framework_says

ACCESSIBILITY_ADVICE = ("Allow the program that runs Inkscope (Terminal, or Python) in System Settings, Privacy & "
                        "Security, Accessibility and Input Monitoring, then start Inkscope again.")


def application_services_trusted() -> bool:
    """AXIsProcessTrusted() through ctypes; True where the framework or the call is missing (not macOS 10.9+).

    pynput's keyboard listener is a Quartz event tap, which macOS feeds only to trusted processes. The permission
    belongs to the program that runs Python: Terminal, or the Python app. Not run by this project's CI (no macOS).
    """
    return framework_says("ApplicationServices", "AXIsProcessTrusted")


def accessibility_problem(is_trusted: Callable[[], bool] = application_services_trusted) -> HotkeyError | None:
    """The one-line error when macOS keeps the keyboard from Inkscope, else None."""
    try:
        if is_trusted():
            return None
    except OSError:  # the framework could not be loaded: let pynput try and report what it meets
        return None
    return HotkeyError("macOS does not let Inkscope watch the keyboard, so its hotkeys would do nothing.",
                       ACCESSIBILITY_ADVICE)
