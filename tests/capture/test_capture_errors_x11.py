"""Errors a user can meet, each one line with advice: no display, a display that is gone, bad regions."""

from __future__ import annotations

from pathlib import Path

import pytest
from capture_scene import start_xvfb

from inkscope_desktop.capture import Rect, ScreenCapturer
from inkscope_desktop.core.errors import CaptureError

NO_DISPLAY = ("No display to capture (DISPLAY is not set). Run Inkscope Desktop inside a desktop session, "
              "or set DISPLAY to your X display (for example :0).")


def all_captures(capturer: ScreenCapturer):
    return [capturer.capture_screen, lambda: capturer.capture_monitor(1), capturer.capture_all_monitors,
            lambda: capturer.capture_region(Rect(0, 0, 10, 10)), capturer.capture_active_window,
            capturer.monitors]


def one_line_error(call) -> str:
    with pytest.raises(CaptureError) as caught:
        call()
    text = str(caught.value)
    assert "\n" not in text and caught.value.advice
    return text


def free_display() -> str:
    number = next(n for n in range(250, 400) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                  and not Path(f"/tmp/.X{n}-lock").exists())
    return f":{number}"


@pytest.fixture
def no_session(monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)


def test_no_display_is_one_clear_line_for_every_capture(no_session):
    with ScreenCapturer() as capturer:
        for call in all_captures(capturer):
            assert one_line_error(call) == NO_DISPLAY
        assert capturer.pointer_position() is None
        capturer.warm_up()  # says nothing: the capture will


def test_a_wayland_session_without_xwayland_says_so(no_session, monkeypatch):
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    with ScreenCapturer() as capturer:
        assert one_line_error(capturer.capture_screen) == (
            "No X display to capture: this Wayland session has no XWayland (DISPLAY is not set). "
            "Enable XWayland or log in to an X11 session, then try again.")


def test_a_display_nobody_serves(no_session, monkeypatch):
    display = free_display()
    monkeypatch.setenv("DISPLAY", display)
    with ScreenCapturer() as capturer:
        for call in all_captures(capturer):
            assert one_line_error(call).startswith(f"Cannot open the display {display}. Check that an X server")


def test_an_x_server_that_went_away_is_an_error_not_a_hang(no_session, monkeypatch):
    servers = start_xvfb(640, 480)
    server = next(servers)
    monkeypatch.setenv("DISPLAY", server.display)
    with ScreenCapturer() as capturer:
        assert capturer.capture_screen().image.size == (640, 480)
        assert capturer.pointer_position() is not None
        server.stop()
        assert one_line_error(capturer.capture_screen).startswith(f"Cannot open the display {server.display}.")
        assert capturer.pointer_position() is None
    servers.close()


def test_region_errors_on_a_real_display(x_display):
    with ScreenCapturer() as capturer:
        assert one_line_error(lambda: capturer.capture_region(Rect(100, 100, 0, 50))) == (
            "The region 0x50 at 100, 100 is empty. Choose a region at least one pixel wide and high.")
        assert one_line_error(lambda: capturer.capture_region(Rect(1920, 0, 100, 100))) == (
            "The region 100x100 at 1920, 0 is outside every screen. "
            "Choose a region on the screens, which cover 1920x1080 at 0, 0.")
        assert one_line_error(lambda: capturer.capture_monitor(2)) == (
            "There is no screen 2; this computer has 1. Choose screen 1.")
