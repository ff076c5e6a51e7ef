"""The capturer's logic on a synthetic desktop (no display): monitor layouts X11 cannot easily make, Retina
scaling, fallbacks and errors. ``fake_capturer`` is the stand-in the Qt tests and demos use."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from inkscope_desktop.capture import (
    ActiveWindow, CaptureSource, NullWindowSystem, Rect, ScreenCapturer, fake_capturer,
)
from inkscope_desktop.capture.pixel_sources import ImagePixelSource
from inkscope_desktop.core.errors import CaptureError

# A primary 1920x1080 monitor, one to its left and higher (negative coordinates), one below it.
MONITORS = [Rect(0, 0, 1920, 1080), Rect(-1280, -300, 1280, 1024), Rect(400, 1080, 1024, 768)]
DESKTOP = Rect.bounding(MONITORS)  # 3200x2148 at -1280, -300


@pytest.fixture(scope="module")
def desktop_pixels() -> np.ndarray:
    return np.random.default_rng(5).integers(0, 256, size=(DESKTOP.height, DESKTOP.width, 3), dtype=np.uint8)


def make(desktop_pixels, **options) -> ScreenCapturer:
    return fake_capturer(Image.fromarray(desktop_pixels), MONITORS, origin=(DESKTOP.x, DESKTOP.y), **options)


def expected(desktop_pixels, rect: Rect, black_outside_monitors: bool = True) -> np.ndarray:
    part = desktop_pixels[rect.y - DESKTOP.y:rect.bottom - DESKTOP.y, rect.x - DESKTOP.x:rect.right - DESKTOP.x].copy()
    if black_outside_monitors:
        shown = np.zeros(part.shape[:2], dtype=bool)
        for monitor in MONITORS:
            if (inside := monitor.intersection(rect)) is not None:
                shown[inside.y - rect.y:inside.bottom - rect.y, inside.x - rect.x:inside.right - rect.x] = True
        part[~shown] = 0
    return part


def test_all_monitors_cover_the_bounding_box_with_black_gaps(desktop_pixels):
    captured = make(desktop_pixels).capture_all_monitors()
    assert captured.rect == DESKTOP == Rect(-1280, -300, 3200, 2148)
    assert captured.monitor_count == 3
    image = np.asarray(captured.image)
    assert np.array_equal(image, expected(desktop_pixels, DESKTOP))
    assert (image[0:300, 1280:] == 0).all()  # above the primary monitor, right of the left one


@pytest.mark.parametrize(("pointer", "number"), [((10, 10), 1), ((-5, 700), 2), ((500, 1500), 3), ((1900, 1800), 3)])
def test_the_screen_under_the_pointer(desktop_pixels, pointer, number):
    captured = make(desktop_pixels, pointer=pointer).capture_screen()
    monitor = MONITORS[number - 1]
    assert (captured.monitor, captured.rect, captured.label) == (number, monitor, f"Screen {number} of 3")
    assert np.array_equal(np.asarray(captured.image), expected(desktop_pixels, monitor))


def test_without_a_pointer_the_first_screen_is_captured(desktop_pixels):
    capturer = ScreenCapturer(ImagePixelSource(Image.fromarray(desktop_pixels), MONITORS, (DESKTOP.x, DESKTOP.y)),
                              NullWindowSystem())
    assert capturer.pointer_position() is None
    assert capturer.capture_screen().monitor == 1


def test_a_region_on_a_monitor_with_negative_coordinates(desktop_pixels):
    captured = make(desktop_pixels).capture_region(Rect(-1000, -250, 300, 200))
    assert np.array_equal(np.asarray(captured.image), expected(desktop_pixels, Rect(-1000, -250, 300, 200)))


def test_a_region_partly_outside_the_desktop_is_clipped_to_it(desktop_pixels):
    captured = make(desktop_pixels).capture_region(Rect(-2000, 500, 1000, 400))
    assert captured.rect == Rect(-1280, 500, 280, 400)  # black below the left monitor
    assert np.array_equal(np.asarray(captured.image), expected(desktop_pixels, captured.rect))


@pytest.mark.parametrize("rect", [Rect(5000, 5000, 100, 100), Rect(-1280, 800, 200, 100)])
def test_a_region_no_monitor_shows_is_an_error(desktop_pixels, rect):
    with pytest.raises(CaptureError, match=r"is outside every screen\. Choose a region on the screens, which "
                                           r"cover 3200x2148 at -1280, -300\.$"):
        make(desktop_pixels).capture_region(rect)


@pytest.mark.parametrize("rect", [Rect(10, 10, 0, 100), Rect(10, 10, 100, 0), (10, 10, -5, 20)])
def test_an_empty_region_is_an_error(desktop_pixels, rect):
    with pytest.raises(CaptureError, match=r"^The region .* is empty\. Choose a region at least one pixel wide"):
        make(desktop_pixels).capture_region(rect)


@pytest.mark.parametrize("number", [0, 4, -1])
def test_a_monitor_number_out_of_range(desktop_pixels, number):
    with pytest.raises(CaptureError) as caught:
        make(desktop_pixels).capture_monitor(number)
    assert str(caught.value) == f"There is no screen {number}; this computer has 3. Choose a screen from 1 to 3."


def test_one_monitor_wording():
    capturer = fake_capturer(Image.new("RGB", (800, 600)))
    with pytest.raises(CaptureError, match=r"^There is no screen 2; this computer has 1\. Choose screen 1\.$"):
        capturer.capture_monitor(2)


def test_the_active_window_is_clipped_and_composed(desktop_pixels):
    window = ActiveWindow(Rect(-300, 1000, 1000, 300), "Editor")  # over the left, primary and bottom monitors
    captured = make(desktop_pixels, window=window).capture_active_window()
    assert (captured.source, captured.window_title, captured.notice) == (CaptureSource.WINDOW, "Editor", None)
    assert captured.rect == window.rect
    assert np.array_equal(np.asarray(captured.image), expected(desktop_pixels, window.rect))


def test_an_untitled_window_has_no_title():
    capturer = fake_capturer(Image.new("RGB", (800, 600)), window=ActiveWindow(Rect(0, 0, 10, 10)))
    captured = capturer.capture_active_window()
    assert (captured.window_title, captured.label) == (None, "Active window")


@pytest.mark.parametrize(("window", "notice"), [
    (None, "No window is active, so the whole screen was captured."),
    (ActiveWindow(Rect(-32000, -32000, 160, 28), "Minimised"),
     "The active window is off the screen, so the whole screen was captured."),
])
def test_a_missing_window_falls_back_to_the_screen_under_the_pointer(desktop_pixels, window, notice):
    captured = make(desktop_pixels, pointer=(-10, 0), window=window).capture_active_window()
    assert (captured.source, captured.monitor, captured.notice) == (CaptureSource.SCREEN, 2, notice)
    assert captured.subject == "screen"
    assert np.array_equal(np.asarray(captured.image), expected(desktop_pixels, MONITORS[1]))


def test_an_unsupported_system_falls_back_with_its_reason():
    capturer = ScreenCapturer(ImagePixelSource(Image.new("RGB", (64, 48), "red")), NullWindowSystem())
    captured = capturer.capture_active_window()
    assert captured.notice == "Active-window capture is not supported on this system, so the whole screen was captured."


def test_retina_pixels_are_scaled_to_the_rectangle_asked_for(desktop_pixels):
    """mss returns twice the pixels on macOS Retina screens; each image still matches its rectangle."""
    capturer = make(desktop_pixels, scale=2)
    region = capturer.capture_region(Rect(100, 100, 301, 157))
    assert region.image.size == (301, 157)
    assert np.array_equal(np.asarray(region.image), expected(desktop_pixels, region.rect))
    everything = capturer.capture_all_monitors()
    assert np.array_equal(np.asarray(everything.image), expected(desktop_pixels, DESKTOP))


def test_an_uneven_scale_is_resized_to_the_rectangle():
    class OddSource(ImagePixelSource):
        def grab(self, rect):
            return Image.new("RGB", (rect.width * 3 // 2, rect.height * 3 // 2), (10, 20, 30))

    captured = ScreenCapturer(OddSource(Image.new("RGB", (100, 80))), NullWindowSystem()).capture_region((0, 0, 40, 30))
    assert captured.image.size == (40, 30)
    assert (np.asarray(captured.image) == (10, 20, 30)).all()


class CountingSource(ImagePixelSource):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.grabs: list[Rect] = []

    def grab(self, rect):
        self.grabs.append(rect)
        return super().grab(rect)


def test_monitors_side_by_side_without_gaps_are_grabbed_at_once():
    monitors = [Rect(0, 0, 1920, 1080), Rect(1920, 0, 1920, 1080)]
    source = CountingSource(Image.new("RGB", (3840, 1080), "blue"), monitors)
    capturer = ScreenCapturer(source, NullWindowSystem())
    assert capturer.capture_all_monitors().image.size == (3840, 1080)
    assert capturer.capture_region(Rect(1800, 10, 200, 20)).image.size == (200, 20)
    assert source.grabs == [Rect(0, 0, 3840, 1080), Rect(1800, 10, 200, 20)]


def test_overlapping_monitors_are_grabbed_one_by_one():
    monitors = [Rect(0, 0, 1920, 1080), Rect(0, 0, 1280, 720)]  # a mirrored smaller monitor
    source = CountingSource(Image.new("RGB", (1920, 1080), "blue"), monitors)
    captured = ScreenCapturer(source, NullWindowSystem()).capture_all_monitors()
    assert captured.rect == Rect(0, 0, 1920, 1080)
    assert source.grabs == [Rect(0, 0, 1920, 1080)]  # the bigger monitor holds the whole desktop


def test_without_a_capture_library_the_null_pixel_source_says_so_in_one_line(monkeypatch):
    import importlib.util

    from inkscope_desktop.capture import NullPixelSource, ScreenCapturer
    from inkscope_desktop.core.errors import CaptureError

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "mss" else real_find_spec(name, *a))
    capturer = ScreenCapturer(windows=capture_fake_windows())
    assert isinstance(capturer._pixels, NullPixelSource)
    with pytest.raises(CaptureError, match="mss is not installed") as error:
        capturer.capture_screen()
    assert "\n" not in error.value.user_text and "pip install mss" in error.value.user_text


def capture_fake_windows():
    from inkscope_desktop.capture import FakeWindowSystem

    return FakeWindowSystem()
