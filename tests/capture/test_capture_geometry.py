"""Rect maths, the monitor under a point, and how a capture names itself."""

from __future__ import annotations

import pytest
from PIL import Image

from inkscope_desktop.capture import CapturedImage, CaptureSource, Rect, monitor_at


def test_rect_edges_and_size():
    rect = Rect(-1280, 100, 1280, 1024)
    assert (rect.right, rect.bottom, rect.size, rect.area) == (0, 1124, (1280, 1024), 1280 * 1024)
    assert Rect.from_corners(-1280, 100, 0, 1124) == rect
    assert rect.as_mss() == {"left": -1280, "top": 100, "width": 1280, "height": 1024}
    assert Rect.from_mss(rect.as_mss()) == rect
    assert str(rect) == "1280x1024 at -1280, 100"


@pytest.mark.parametrize("rect", [Rect(0, 0, 0, 10), Rect(0, 0, 10, 0), Rect(5, 5, -3, 4)])
def test_empty_rects(rect):
    assert rect.is_empty and rect.area == 0


def test_contains_uses_exclusive_right_and_bottom_edges():
    rect = Rect(10, 20, 2, 2)
    assert rect.contains(10, 20) and rect.contains(11, 21)
    assert not rect.contains(12, 20) and not rect.contains(10, 22) and not rect.contains(9, 20)


def test_intersection():
    assert Rect(0, 0, 100, 100).intersection(Rect(50, 60, 100, 100)) == Rect(50, 60, 50, 40)
    assert Rect(0, 0, 100, 100).intersection(Rect(100, 0, 10, 10)) is None  # touching edges share nothing
    assert Rect(0, 0, 100, 100).intersection(Rect(10, 10, 5, 5)) == Rect(10, 10, 5, 5)


def test_bounding_box_of_monitors_left_of_and_above_the_primary():
    monitors = [Rect(0, 0, 1920, 1080), Rect(-1280, -200, 1280, 1024), Rect(1920, 500, 800, 600)]
    assert Rect.bounding(monitors) == Rect.from_corners(-1280, -200, 2720, 1100)
    with pytest.raises(ValueError):
        Rect.bounding([])


def test_grown_and_translated():
    assert Rect(100, 100, 50, 40).grown(1, 20, 2, 5) == Rect(99, 80, 53, 65)
    assert Rect(100, 100, 50, 40).grown(-10, -10, -10, -10) == Rect(110, 110, 30, 20)
    assert Rect(1, 2, 3, 4).translated(-1, 10) == Rect(0, 12, 3, 4)


def test_monitor_at_picks_the_monitor_holding_the_point_else_the_nearest():
    monitors = [Rect(0, 0, 1920, 1080), Rect(1920, 300, 1600, 900)]
    assert monitor_at(monitors, 0, 0) == 0
    assert monitor_at(monitors, 1919, 500) == 0
    assert monitor_at(monitors, 1920, 500) == 1
    assert monitor_at(monitors, 2500, 100) == 1  # in the gap above the second monitor
    assert monitor_at(monitors, 100, 1150) == 0
    assert monitor_at(monitors, -500, -500) == 0
    with pytest.raises(ValueError):
        monitor_at([], 0, 0)


def captured(source: CaptureSource, **fields) -> CapturedImage:
    rect = fields.pop("rect", Rect(100, 200, 640, 480))
    return CapturedImage(Image.new("RGB", rect.size), source, rect, **fields)


@pytest.mark.parametrize(("capture", "label", "subject"), [
    (captured(CaptureSource.SCREEN, monitor=1, monitor_count=2), "Screen 1 of 2", "screen"),
    (captured(CaptureSource.MONITOR, monitor=2, monitor_count=3), "Screen 2 of 3", "screen"),
    (captured(CaptureSource.SCREEN, monitor=1, monitor_count=1), "Screen", "screen"),
    (captured(CaptureSource.ALL_MONITORS, monitor_count=2), "All screens", "screen"),
    (captured(CaptureSource.WINDOW, window_title="Firefox"), "Active window: Firefox", "window"),
    (captured(CaptureSource.WINDOW), "Active window", "window"),
    (captured(CaptureSource.REGION), "Region 640x480 at 100, 200", "region"),
])
def test_labels_and_subjects(capture, label, subject):
    assert (capture.label, capture.subject) == (label, subject)


def test_a_captured_image_is_immutable():
    capture = captured(CaptureSource.SCREEN)
    with pytest.raises(AttributeError):
        capture.notice = "changed"  # type: ignore[misc]
