"""Picking the pixel source and the window system from their priority lists, ending with the null member that
carries the reason: with the fake members (an image as the desktop, a fixed window), and mss's own question."""

from __future__ import annotations

import pytest
from PIL import Image

from inkscope_desktop.capture import (
    ActiveWindow, FakeWindowSystem, ImagePixelSource, MssPixelSource, NullPixelSource, NullWindowSystem, Rect,
    ScreenCapturer, WindowNotFound, create_pixel_source, create_window_system,
)
from inkscope_desktop.capture.pixel_sources import pixel_source_candidates
from inkscope_desktop.core.errors import CaptureError

WINDOW = ActiveWindow(Rect(10, 10, 20, 20), "Editor")


class MissingImage(ImagePixelSource):
    """An image source that says it cannot run here."""

    name = "missing"

    def availability_problem(self) -> CaptureError | None:
        return CaptureError("The picture library is gone.", "Install it again.")


class MissingWindows(FakeWindowSystem):
    """A window system that cannot run here; ``is_native`` says whether it is this platform's own."""

    def __init__(self, problem: str, *, is_native: bool) -> None:
        super().__init__(window=WINDOW)
        self.problem, self.is_native = problem, is_native

    def availability_problem(self) -> CaptureError | None:
        return CaptureError(self.problem, "Do something.")

    @property
    def is_native_here(self) -> bool:
        return self.is_native


def red(size=(32, 24)) -> Image.Image:
    return Image.new("RGB", size, "red")


def test_the_first_pixel_source_that_can_capture_is_used():
    image = ImagePixelSource(red())
    assert create_pixel_source(candidates=[MissingImage(red()), image]) is image


def test_with_no_pixel_source_the_null_one_says_why_in_one_line_for_every_capture():
    chosen = create_pixel_source(candidates=[MissingImage(red())])
    assert isinstance(chosen, NullPixelSource)
    capturer = ScreenCapturer(chosen, FakeWindowSystem(window=WINDOW))
    for capture in (capturer.capture_screen, capturer.monitors, capturer.capture_active_window,
                    lambda: capturer.capture_region(Rect(0, 0, 4, 4))):
        with pytest.raises(CaptureError) as error:
            capture()
        assert error.value.user_text == "The picture library is gone. Install it again."


def test_mss_is_the_default_source_and_asks_for_a_display_without_connecting(monkeypatch):
    assert [type(source) for source in pixel_source_candidates()] == [MssPixelSource]
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("inkscope_desktop.capture.pixel_sources.uses_x11", lambda: True)
    problem = MssPixelSource().availability_problem()
    assert problem is not None and problem.message == "No display to capture (DISPLAY is not set)."
    assert isinstance(create_pixel_source(), NullPixelSource)
    assert MssPixelSource(":4711").availability_problem() is None  # nobody serves :4711: asking does not connect
    monkeypatch.setenv("DISPLAY", ":4711")
    assert MssPixelSource().availability_problem() is None


def test_the_first_window_system_that_can_run_is_used():
    fake = FakeWindowSystem(window=WINDOW)
    chosen = create_window_system(candidates=[MissingWindows("No X here.", is_native=True), fake])
    assert chosen is fake
    capturer = ScreenCapturer(ImagePixelSource(red((64, 48))), chosen)
    assert capturer.capture_active_window().window_title == "Editor"


def test_with_no_window_system_the_null_one_carries_the_native_back_ends_reason():
    chosen = create_window_system(candidates=[MissingWindows("This is not Windows.", is_native=False),
                                              MissingWindows("This session has no X11 display.", is_native=True)])
    assert isinstance(chosen, NullWindowSystem)
    with pytest.raises(WindowNotFound, match="^This session has no X11 display$"):
        chosen.active_window()
    captured = ScreenCapturer(ImagePixelSource(red((64, 48))), chosen).capture_active_window()
    assert captured.notice == "This session has no X11 display, so the whole screen was captured."


def test_where_no_native_back_end_exists_the_null_one_gives_the_general_reason():
    chosen = create_window_system(candidates=[MissingWindows("This is not macOS.", is_native=False)])
    with pytest.raises(WindowNotFound, match="^Active-window capture is not supported on this system$"):
        chosen.active_window()
    assert chosen.pointer_position() is None


def test_window_systems_may_be_given_as_factories_and_later_ones_are_not_built():
    built: list[str] = []

    def later() -> FakeWindowSystem:
        built.append("later")
        return FakeWindowSystem()

    assert isinstance(create_window_system(candidates=[FakeWindowSystem, later]), FakeWindowSystem)
    assert built == []
