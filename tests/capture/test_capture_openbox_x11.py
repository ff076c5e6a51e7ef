"""The active window under a real EWMH window manager (openbox on Xvfb): its frame, its pixels, its title."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from capture_scene import (
    PatternWindow, active_window_id, frame_rect, has_openbox, pattern, set_root_colour, start_openbox, wait_until,
)

from inkscope_desktop.capture import CaptureSource, Rect

pytestmark = pytest.mark.skipif(not has_openbox(), reason="openbox is not installed (apt-get install openbox)")


@pytest.fixture(scope="module")
def scene(xvfb, xconn):
    set_root_colour(xconn)
    openbox = start_openbox(xconn, xvfb.env())
    windows = [PatternWindow.create(xconn, Rect(200, 150, 640, 480), pattern(640, 480, seed=21), title="First ✓"),
               PatternWindow.create(xconn, Rect(1000, 300, 600, 400), pattern(600, 400, seed=22), title="Second")]
    wait_until(lambda: active_window_id(xconn) == windows[1].window.id, what="openbox to focus the new window")
    yield windows
    for window in windows:
        window.destroy(xconn)
    openbox.terminate()
    openbox.wait(10)


def frame_extents(xconn, window) -> tuple[int, int, int, int]:
    prop = window.window.get_full_property(xconn.intern_atom("_NET_FRAME_EXTENTS"), xconn.intern_atom("CARDINAL"))
    return tuple(int(value) for value in prop.value)


def activate(xvfb, xconn, window) -> None:
    subprocess.run(["xdotool", "windowactivate", str(window.window.id)], env=xvfb.env(), check=True, timeout=10)
    wait_until(lambda: active_window_id(xconn) == window.window.id, what="the window to become active")


@pytest.mark.parametrize("index", [1, 0])
def test_the_active_window_is_its_frame_with_the_client_inside(capturer, scene, xvfb, xconn, index):
    window = scene[index]
    activate(xvfb, xconn, window)
    left, right, top, bottom = frame_extents(xconn, window)
    assert top > 0, "openbox draws a title bar"
    captured = capturer.capture_active_window()
    frame = frame_rect(xconn, window.window)
    assert (captured.source, captured.notice) == (CaptureSource.WINDOW, None)
    assert captured.rect == frame
    assert captured.rect.size == (window.rect.width + left + right, window.rect.height + top + bottom)
    assert captured.window_title == ("First ✓", "Second")[index]
    assert captured.label == f"Active window: {captured.window_title}"
    image = np.asarray(captured.image)
    assert np.array_equal(image[top:top + window.rect.height, left:left + window.rect.width], window.pixels)
    desktop = np.asarray(capturer.capture_all_monitors().image)
    assert np.array_equal(image, desktop[frame.y:frame.bottom, frame.x:frame.right])


def test_a_window_partly_off_the_screen_is_clipped(capturer, scene, xvfb, xconn):
    window = scene[1]
    activate(xvfb, xconn, window)
    subprocess.run(["xdotool", "windowmove", "--sync", str(window.window.id), "1600", "900"], env=xvfb.env(),
                   check=True, timeout=10)
    try:
        frame = frame_rect(xconn, window.window)
        assert frame.right > 1920 and frame.bottom > 1080
        captured = capturer.capture_active_window()
        assert captured.rect == Rect.from_corners(frame.x, frame.y, 1920, 1080)
    finally:
        subprocess.run(["xdotool", "windowmove", "--sync", str(window.window.id), "1000", "300"],
                       env=xvfb.env(), check=True, timeout=10)


def test_when_inkscopes_own_window_is_active_the_topmost_other_window_is_described(scene, xvfb, xconn, x_display):
    """Issue 14, item 8: the active window is the last window that was not Inkscope's (by _NET_WM_PID)."""
    from Xlib import X

    from inkscope_desktop.capture import ScreenCapturer
    from inkscope_desktop.capture.x11_window_system import X11WindowSystem

    own_pid = 4_000_000  # no real process: this window stands for Inkscope's caption window
    ours = PatternWindow.create(xconn, Rect(300, 200, 400, 300), pattern(400, 300, seed=23), title="Inkscope")
    try:
        ours.window.change_property(xconn.intern_atom("_NET_WM_PID"), xconn.intern_atom("CARDINAL"), 32, [own_pid],
                                    X.PropModeReplace)
        xconn.sync()
        activate(xvfb, xconn, scene[0])
        activate(xvfb, xconn, ours)  # the user is in Inkscope's window; "First" was the last one before it
        with ScreenCapturer(windows=X11WindowSystem(xvfb.display, own_pid=own_pid)) as capturer:
            captured = capturer.capture_active_window()
            assert captured.window_title == "First ✓" and captured.notice is None
        with ScreenCapturer(windows=X11WindowSystem(xvfb.display)) as capturer:  # another process's view
            assert capturer.capture_active_window().window_title == "Inkscope"
    finally:
        ours.destroy(xconn)
