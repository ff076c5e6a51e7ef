"""Fixtures for capture tests: a private Xvfb per module, a scene connection, DISPLAY set per test."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from inkscope_desktop.testing.xserver import XvfbServer

# The X11 tests (files ending in _x11.py) need python-xlib, which pynput brings on Linux only.
collect_ignore_glob = [] if importlib.util.find_spec("Xlib") else ["*_x11.py"]


@pytest.fixture(scope="module")
def xvfb() -> Iterator[XvfbServer]:
    """A private 1920x1080 X server for this test module (a module may override it with another size)."""
    from capture_scene import start_xvfb

    yield from start_xvfb(1920, 1080)


@pytest.fixture(scope="module")
def xconn(xvfb: XvfbServer):
    """A python-xlib connection to the module's X server, for building the scene."""
    from Xlib import display

    conn = display.Display(xvfb.display)
    yield conn
    conn.close()


@pytest.fixture
def x_display(xvfb: XvfbServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """DISPLAY points at the module's X server for this test (capture reads it like mss and Xlib do)."""
    monkeypatch.setenv("DISPLAY", xvfb.display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    return xvfb.display


@pytest.fixture
def capturer(x_display: str):
    """A real ScreenCapturer (mss and X11/EWMH) on the module's X server, closed after the test."""
    from inkscope_desktop.capture import ScreenCapturer

    with ScreenCapturer() as capturer:
        yield capturer
