"""Fixtures for hotkey tests: a private Xvfb per module, DISPLAY pointing at it, listeners stopped after use.

pynput reads DISPLAY twice: once when ``pynput`` is first imported (only to check that some display
answers) and again whenever a listener thread starts (``Xlib.display.Display()`` with no argument). So the
whole suite can run in one process: a test sets DISPLAY to its own Xvfb before ``HotkeyListener.start()``,
which returns only once pynput's thread has connected. The first pynput import may happen under another
display (xvfb-run's, say); only the listener's own connections matter.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest

from inkscope_desktop.testing.xserver import XvfbServer

from hotkey_harness import ActionInbox, KeyLogger


@pytest.fixture(scope="module")
def xvfb() -> Iterator[XvfbServer]:
    """A private X server for this module; skips where Xvfb or xdotool is not installed.

    An X server resets itself whenever its last client disconnects, and refuses connections while it does;
    one connection held open for the module's lifetime keeps it from resetting between tests.
    """
    if not XvfbServer.is_available() or shutil.which("xdotool") is None:
        pytest.skip("Xvfb and xdotool are needed (Debian/Ubuntu: apt-get install xvfb xdotool)")
    xdisplay = pytest.importorskip("Xlib.display", reason="python-xlib comes with pynput on Linux")
    with XvfbServer(800, 600) as server:
        keep_alive = xdisplay.Display(server.display)
        try:
            yield server
        finally:
            keep_alive.close()


@pytest.fixture
def x_env(xvfb: XvfbServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """DISPLAY points at the module's X server for this test (pynput and the listener read it)."""
    monkeypatch.setenv("DISPLAY", xvfb.display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    return xvfb.env()


@pytest.fixture
def inbox() -> ActionInbox:
    return ActionInbox()


@pytest.fixture
def make_listener(x_env: dict[str, str], inbox: ActionInbox) -> Iterator[Callable[..., object]]:
    """Builds started HotkeyListeners that report to ``inbox``; every one is stopped after the test."""
    from inkscope_desktop.hotkeys import HotkeyListener

    made: list[HotkeyListener] = []

    def make(bindings, **kwargs) -> HotkeyListener:
        listener = HotkeyListener(bindings, inbox, **kwargs)
        made.append(listener)
        listener.start()
        return listener

    yield make
    for listener in made:
        assert listener.stop(), "the listener thread did not end"


@pytest.fixture
def key_logger(x_env: dict[str, str]) -> Iterator[KeyLogger]:
    """A focused X window that logs the key events it gets (the program the user is working in)."""
    logger = KeyLogger(x_env["DISPLAY"])
    yield logger
    logger.close()
