"""Whether global hotkeys can work in this session (Wayland, no display), and the lazy pynput import."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from types import ModuleType

from inkscope_desktop.core.errors import HotkeyError

TRIGGER_ADVICE = ("Bind a custom shortcut in your desktop's keyboard settings to the command "
                  "'inkscope-desktop trigger describe-screen' (likewise describe-window, describe-region, "
                  "describe-clipboard, ask-follow-up, repeat-last, stop-speaking, toggle-window).")
"""What to do where hotkeys cannot be listened for: drive the running app through the trigger command."""


def uses_x11(platform: str | None = None) -> bool:
    """True where pynput listens through X11 (Linux and the BSDs), not Windows or macOS."""
    return (platform or sys.platform) not in ("win32", "cygwin", "darwin")


def is_wayland_session(environ: Mapping[str, str] | None = None) -> bool:
    """A Wayland session: XDG_SESSION_TYPE says so, or WAYLAND_DISPLAY is set and DISPLAY is not."""
    env = os.environ if environ is None else environ
    if env.get("XDG_SESSION_TYPE", "").strip().lower() == "wayland":
        return True
    return bool(env.get("WAYLAND_DISPLAY", "").strip()) and not env.get("DISPLAY", "").strip()


def wayland_error() -> HotkeyError:
    return HotkeyError("Global hotkeys cannot be grabbed on Wayland.", TRIGGER_ADVICE)


def check_hotkey_support(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """The X display to listen on (None on Windows and macOS); a one-line HotkeyError where there is none, or
    where macOS keeps the keyboard from this process (the Accessibility permission).

    Under Wayland, XWayland may still set DISPLAY, but an X client there only sees keys typed into other X
    clients, so hotkeys would silently miss most presses: refuse and point at the trigger command.
    """
    env = os.environ if environ is None else environ
    if (platform or sys.platform) == "darwin":
        from inkscope_desktop.hotkeys.macos_permission import accessibility_problem

        problem = accessibility_problem()
        if problem is not None:
            raise problem
    if not uses_x11(platform):
        return None
    if is_wayland_session(env):
        raise wayland_error()
    display = env.get("DISPLAY", "").strip()
    if not display:
        raise HotkeyError("Global hotkeys need a graphical session, and no display was found (DISPLAY is not set).",
                          f"Start Inkscope Desktop from your desktop session. {TRIGGER_ADVICE}")
    return display


def import_pynput_keyboard() -> ModuleType:
    """``pynput.keyboard``, imported now; a one-line HotkeyError instead of pynput's multi-line ImportError."""
    try:
        from pynput import keyboard
    except ImportError as exc:
        if getattr(exc, "name", None) == "pynput":
            raise HotkeyError("Global hotkeys need the pynput package, which is not installed.",
                              "Install it with: pip install pynput") from exc
        first_line = (str(exc).strip().splitlines() or ["no reason given"])[0]
        raise HotkeyError(f"Global hotkeys are unavailable: pynput could not start ({first_line}).",
                          TRIGGER_ADVICE) from exc
    return keyboard
