"""Two monitors on a real X server: RandR 1.5 monitors defined on one wide Xvfb screen, which mss enumerates.

LEFT is 1920x1080 at 0, 0 and RIGHT 1600x900 at 1920, 300, so the desktop's bounding box (3520x1200) has
two gaps no monitor shows; the root window is painted there, and captures must show black instead.
"""

from __future__ import annotations

import numpy as np
import pytest
from capture_scene import (
    PatternWindow, expected_screen, move_pointer, pattern, set_fake_active_window, set_monitors, set_root_colour,
    start_xvfb,
)

from inkscope_desktop.capture import CaptureSource, Rect
from inkscope_desktop.core.errors import CaptureError

LEFT = Rect(0, 0, 1920, 1080)
RIGHT = Rect(1920, 300, 1600, 900)
DESKTOP = Rect(0, 0, 3520, 1200)


@pytest.fixture(scope="module")
def xvfb():
    yield from start_xvfb(3840, 1200)


@pytest.fixture(scope="module")
def scene(xconn):
    set_root_colour(xconn)
    set_monitors(xconn, [LEFT, RIGHT])
    windows = [PatternWindow.create(xconn, Rect(100, 100, 400, 300), pattern(400, 300, seed=11)),
               PatternWindow.create(xconn, Rect(2600, 700, 500, 400), pattern(500, 400, seed=12)),
               PatternWindow.create(xconn, Rect(1700, 400, 500, 300), pattern(500, 300, seed=13), title="Across")]
    yield windows
    for window in windows:
        window.destroy(xconn)


@pytest.fixture
def desktop(scene) -> np.ndarray:
    """What all monitors show, in the desktop's bounding box, black where no monitor is."""
    screen = expected_screen(3840, 1200, scene)[:DESKTOP.bottom, :DESKTOP.right].copy()
    shown = np.zeros(screen.shape[:2], dtype=bool)
    for monitor in (LEFT, RIGHT):
        shown[monitor.y:monitor.bottom, monitor.x:monitor.right] = True
    screen[~shown] = 0
    return screen


def pixels(captured) -> np.ndarray:
    assert captured.image.size == captured.rect.size
    return np.asarray(captured.image)


def test_mss_sees_both_randr_monitors(capturer, scene):
    assert capturer.monitors() == [LEFT, RIGHT]


def test_all_monitors_are_stitched_with_black_gaps(capturer, desktop):
    captured = capturer.capture_all_monitors()
    assert captured.rect == DESKTOP
    assert (captured.source, captured.label, captured.monitor_count) == (CaptureSource.ALL_MONITORS,
                                                                         "All screens", 2)
    image = pixels(captured)
    assert np.array_equal(image, desktop)
    assert (image[0:300, 1920:3520] == 0).all() and (image[1080:1200, 0:1920] == 0).all()


def test_a_chosen_monitor(capturer, desktop):
    captured = capturer.capture_monitor(2)
    assert (captured.rect, captured.monitor, captured.label) == (RIGHT, 2, "Screen 2 of 2")
    assert np.array_equal(pixels(captured), desktop[300:1200, 1920:3520])


@pytest.mark.parametrize(("pointer", "number"), [
    ((2500, 600), 2), ((100, 100), 1), ((1919, 1079), 1), ((1920, 300), 2),
    ((2500, 100), 2),  # in the gap above RIGHT: the nearest monitor
    ((100, 1150), 1),  # in the gap below LEFT
])
def test_the_screen_is_the_monitor_under_the_pointer(capturer, desktop, xconn, pointer, number):
    move_pointer(xconn, *pointer)
    captured = capturer.capture_screen()
    monitor = (LEFT, RIGHT)[number - 1]
    assert (captured.source, captured.monitor, captured.rect) == (CaptureSource.SCREEN, number, monitor)
    assert captured.label == f"Screen {number} of 2"
    assert np.array_equal(pixels(captured), desktop[monitor.y:monitor.bottom, monitor.x:monitor.right])


def test_a_region_across_the_gap_is_black_where_no_monitor_shows(capturer, desktop):
    captured = capturer.capture_region(Rect(1800, 200, 300, 200))
    image = pixels(captured)
    assert np.array_equal(image, desktop[200:400, 1800:2100])
    assert (image[0:100, 120:300] == 0).all()


def test_a_region_only_in_a_gap_is_outside_every_screen(capturer, scene):
    with pytest.raises(CaptureError) as caught:
        capturer.capture_region(Rect(2000, 0, 100, 100))
    assert str(caught.value) == ("The region 100x100 at 2000, 0 is outside every screen. "
                                 "Choose a region on the screens, which cover 3520x1200 at 0, 0.")


def test_there_is_no_third_monitor(capturer, scene):
    with pytest.raises(CaptureError) as caught:
        capturer.capture_monitor(3)
    assert str(caught.value) == "There is no screen 3; this computer has 2. Choose a screen from 1 to 2."


def test_an_active_window_across_two_monitors(capturer, scene, desktop, xconn):
    set_fake_active_window(xconn, scene[2].window)
    try:
        captured = capturer.capture_active_window()
    finally:
        set_fake_active_window(xconn, None)
    assert (captured.source, captured.rect, captured.window_title) == (CaptureSource.WINDOW,
                                                                       Rect(1700, 400, 500, 300), "Across")
    assert np.array_equal(pixels(captured), scene[2].pixels)
