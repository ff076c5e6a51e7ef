"""Captures on a real X server (Xvfb, 1920x1080, no window manager) return exactly the pixels shown."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from capture_scene import (
    ROOT_RGB, PatternWindow, expected_screen, move_pointer, pattern, set_fake_active_window, set_root_colour,
)

from inkscope_desktop.capture import CaptureSource, MssPixelSource, Rect, ScreenCapturer

WINDOW_RECT = Rect(300, 200, 640, 480)
OTHER_RECT = Rect(1200, 500, 500, 400)


@pytest.fixture(scope="module")
def scene(xconn):
    set_root_colour(xconn)
    windows = [PatternWindow.create(xconn, WINDOW_RECT, pattern(640, 480, seed=1), title="Pattern ✓ window"),
               PatternWindow.create(xconn, OTHER_RECT, pattern(500, 400, seed=2), title="Café",
                                    net_wm_name=False)]
    yield windows
    for window in windows:
        window.destroy(xconn)


@pytest.fixture
def screen(scene) -> np.ndarray:
    return expected_screen(1920, 1080, scene)


@pytest.fixture
def no_active_window(xconn):
    set_fake_active_window(xconn, None)
    yield
    set_fake_active_window(xconn, None)


def pixels(captured) -> np.ndarray:
    assert captured.image.mode == "RGB"
    assert captured.image.size == captured.rect.size
    return np.asarray(captured.image)


def test_the_screen_capture_is_exactly_what_the_screen_shows(capturer, screen, xconn):
    move_pointer(xconn, 600, 400)  # over the pattern: the pointer is never part of a capture
    captured = capturer.capture_screen()
    assert captured.source is CaptureSource.SCREEN
    assert captured.rect == Rect(0, 0, 1920, 1080)
    assert (captured.monitor, captured.monitor_count) == (1, 1)
    assert captured.notice is None
    assert (captured.label, captured.subject) == ("Screen", "screen")
    assert np.array_equal(pixels(captured), screen)


def test_monitor_capture_and_all_monitors_match_on_one_screen(capturer, screen):
    monitor = capturer.capture_monitor(1)
    everything = capturer.capture_all_monitors()
    assert capturer.monitors() == [Rect(0, 0, 1920, 1080)]
    assert monitor.source is CaptureSource.MONITOR and everything.source is CaptureSource.ALL_MONITORS
    assert everything.rect == monitor.rect == Rect(0, 0, 1920, 1080)
    assert everything.label == "All screens"
    assert np.array_equal(pixels(monitor), screen)
    assert np.array_equal(pixels(everything), screen)


def test_a_region_is_exactly_those_pixels(capturer, screen):
    captured = capturer.capture_region(Rect(250, 150, 800, 600))
    assert captured.rect == Rect(250, 150, 800, 600)
    assert (captured.source, captured.subject, captured.monitor) == (CaptureSource.REGION, "region", None)
    assert captured.label == "Region 800x600 at 250, 150"
    assert np.array_equal(pixels(captured), screen[150:750, 250:1050])


def test_a_region_given_as_a_tuple_works_too(capturer, screen):
    captured = capturer.capture_region((1200, 500, 10, 7))
    assert np.array_equal(pixels(captured), screen[500:507, 1200:1210])


def test_a_region_partly_outside_the_screen_is_clipped(capturer, screen):
    captured = capturer.capture_region(Rect(1700, -50, 400, 700))
    assert captured.rect == Rect(1700, 0, 220, 650)
    assert captured.label == "Region 220x650 at 1700, 0"
    assert np.array_equal(pixels(captured), screen[0:650, 1700:1920])


def test_the_active_window_from_ewmh_with_its_frame_extents(capturer, scene, screen, xconn, no_active_window):
    window = scene[0]
    set_fake_active_window(xconn, window.window, frame_extents=(4, 6, 24, 2))
    captured = capturer.capture_active_window()
    assert captured.source is CaptureSource.WINDOW
    assert captured.notice is None
    assert captured.rect == Rect(300 - 4, 200 - 24, 640 + 4 + 6, 480 + 24 + 2)
    assert captured.window_title == "Pattern ✓ window"
    assert (captured.label, captured.subject) == ("Active window: Pattern ✓ window", "window")
    assert np.array_equal(pixels(captured), screen[176:682, 296:946])
    assert np.array_equal(pixels(captured)[24:504, 4:644], window.pixels)


def test_gtk_frame_extents_cut_off_a_client_side_shadow(capturer, scene, screen, xconn, no_active_window):
    set_fake_active_window(xconn, scene[0].window, gtk_extents=(10, 20, 30, 40))
    captured = capturer.capture_active_window()
    assert captured.rect == Rect(310, 230, 640 - 30, 480 - 70)
    assert np.array_equal(pixels(captured), scene[0].pixels[30:440, 10:620])


def test_a_latin1_wm_name_is_the_title_when_there_is_no_net_wm_name(capturer, scene, screen, xconn,
                                                                     no_active_window):
    set_fake_active_window(xconn, scene[1].window)
    captured = capturer.capture_active_window()
    assert captured.window_title == "Café"
    assert captured.rect == OTHER_RECT
    assert np.array_equal(pixels(captured), scene[1].pixels)


def test_without_an_ewmh_window_manager_the_screen_is_captured_with_a_notice(capturer, screen, no_active_window):
    captured = capturer.capture_active_window()
    assert captured.source is CaptureSource.SCREEN
    assert captured.notice == ("The window manager does not say which window is active, "
                               "so the whole screen was captured.")
    assert captured.rect == Rect(0, 0, 1920, 1080)
    assert np.array_equal(pixels(captured), screen)


def test_a_closed_active_window_falls_back_to_the_screen(capturer, xconn, no_active_window):
    gone = PatternWindow.create(xconn, Rect(10, 10, 20, 20), pattern(20, 20, seed=3))
    set_fake_active_window(xconn, gone.window)
    gone.destroy(xconn)
    captured = capturer.capture_active_window()
    assert captured.source is CaptureSource.SCREEN
    assert captured.notice == "The active window closed before it could be captured, so the whole screen was captured."


def test_no_active_window_falls_back_to_the_screen(capturer, xconn, no_active_window):
    root = xconn.screen().root
    root.change_property(xconn.intern_atom("_NET_ACTIVE_WINDOW"), xconn.intern_atom("WINDOW"), 32, [0])
    xconn.sync()
    captured = capturer.capture_active_window()
    assert captured.notice == "No window is active, so the whole screen was captured."


def test_on_wayland_the_active_window_is_not_guessed(capturer, scene, xconn, monkeypatch, no_active_window):
    set_fake_active_window(xconn, scene[0].window)  # XWayland would not know the Wayland windows
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    captured = capturer.capture_active_window()
    assert captured.source is CaptureSource.SCREEN
    assert captured.notice == "Active-window capture does not work on Wayland, so the whole screen was captured."


def test_the_pointer_position_is_read_from_the_server(capturer, xconn):
    move_pointer(xconn, 123, 456)
    assert capturer.pointer_position() == (123, 456)
    move_pointer(xconn, 1900, 1070)
    assert capturer.pointer_position() == (1900, 1070)


def test_an_explicit_display_needs_no_environment(xvfb, screen, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    with ScreenCapturer(display=xvfb.display) as capturer:
        captured = capturer.capture_region(Rect(300, 200, 64, 48))
        assert capturer.pointer_position() is not None
    assert np.array_equal(pixels(captured), screen[200:248, 300:364])


def test_captures_from_several_threads_at_once(capturer, screen):
    results: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            for _ in range(5):
                results[index] = pixels(capturer.capture_region(Rect(300 + index * 10, 200, 200, 100)))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    for index, image in results.items():
        assert np.array_equal(image, screen[200:300, 300 + index * 10:500 + index * 10])


def test_warm_up_then_capture(capturer, screen):
    capturer.warm_up()
    assert np.array_equal(pixels(capturer.capture_region(Rect(300, 200, 64, 48))), screen[200:248, 300:364])


def test_refresh_monitors_keeps_capturing(capturer, screen):
    capturer.capture_region(Rect(0, 0, 10, 10))
    capturer.refresh_monitors()
    captured = capturer.capture_region(Rect(300, 200, 10, 10))
    assert np.array_equal(pixels(captured), screen[200:210, 300:310])


def test_the_root_colour_shows_where_no_window_is(capturer):
    captured = capturer.capture_region(Rect(0, 0, 50, 50))
    assert (pixels(captured) == ROOT_RGB).all()


def test_the_mss_instances_of_ended_threads_are_closed(x_display):
    source = MssPixelSource()
    all_grabbed = threading.Barrier(3, timeout=30)

    def grab_and_wait() -> None:
        source.grab(Rect(0, 0, 10, 10))
        all_grabbed.wait()  # no thread ends before all three have their own instance

    threads = [threading.Thread(target=grab_and_wait) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(source._instances) == 3  # white box: one per thread
    source.grab(Rect(0, 0, 10, 10))
    assert len(source._instances) == 1
    source.close()
    assert source._instances == []
