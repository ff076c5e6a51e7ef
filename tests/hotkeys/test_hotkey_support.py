"""Where hotkeys cannot work (Wayland, no display, an unreachable X server) the user gets one clear line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys import Chord, HotkeyListener, check_hotkey_support, is_wayland_session

BINDINGS = {Action.DESCRIBE_SCREEN: Chord.parse("ctrl+alt+shift+d")}


@pytest.mark.parametrize("env, wayland", [
    ({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, True),
    ({"XDG_SESSION_TYPE": "Wayland"}, True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, True),
    ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, False),  # XWayland without a session type: try X
    ({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}, False),
    ({}, False),
])
def test_wayland_is_detected_from_the_environment(env, wayland):
    assert is_wayland_session(env) is wayland


def test_wayland_error_points_at_the_trigger_command():
    with pytest.raises(HotkeyError) as caught:
        check_hotkey_support({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, platform="linux")
    text = str(caught.value)
    assert "cannot be grabbed on Wayland" in text and "inkscope-desktop trigger describe-screen" in text
    assert "\n" not in text


def test_no_display_is_one_clear_line():
    with pytest.raises(HotkeyError, match="no display was found") as caught:
        check_hotkey_support({}, platform="linux")
    assert "\n" not in str(caught.value)


def test_windows_and_macos_need_no_display():
    assert check_hotkey_support({}, platform="win32") is None
    assert check_hotkey_support({"XDG_SESSION_TYPE": "wayland"}, platform="darwin") is None
    assert check_hotkey_support({"DISPLAY": ":7"}, platform="linux") == ":7"


def test_the_listener_refuses_to_start_on_wayland(monkeypatch):
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    listener = HotkeyListener(BINDINGS, lambda action: None, platform="linux")
    with pytest.raises(HotkeyError, match="Wayland"):
        listener.start()
    assert not listener.is_running and listener.stop()


def test_an_unreachable_x_display_is_one_clear_line(monkeypatch):
    pytest.importorskip("Xlib")
    monkeypatch.setenv("DISPLAY", ":23999")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    with pytest.raises(HotkeyError, match="Cannot connect to the X display ':23999'") as caught:
        HotkeyListener(BINDINGS, lambda action: None, platform="linux").start()
    assert "\n" not in str(caught.value)


def test_an_unreachable_display_under_wayland_gets_the_wayland_advice(monkeypatch):
    pytest.importorskip("Xlib")
    monkeypatch.setenv("DISPLAY", ":23999")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    with pytest.raises(HotkeyError, match="Wayland"):
        HotkeyListener(BINDINGS, lambda action: None, platform="linux").start()


NO_DISPLAY_RUN = """
import sys
from inkscope_desktop.core.actions import Action
from inkscope_desktop.hotkeys import HotkeyListener, default_bindings
try:
    HotkeyListener(default_bindings(), print).start()
except Exception as exc:
    print(type(exc).__name__, exc)
print(sorted(name for name in ("pynput", "Xlib", "PySide6", "torch") if name in sys.modules))
"""


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="X11 only")
def test_with_no_display_start_says_so_without_importing_pynput():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")}
    result = subprocess.run([sys.executable, "-c", NO_DISPLAY_RUN], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    error, imported = result.stdout.strip().splitlines()
    assert error.startswith("HotkeyError Global hotkeys need a graphical session, and no display was found")
    assert imported == "[]"
