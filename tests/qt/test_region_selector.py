"""The region selector: keyboard moves and resizes, mouse drags, clamping, origin offset, announcements."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from inkscope_desktop.qt.widgets.announcer import Announcer
from inkscope_desktop.qt.widgets.images import pil_to_qimage
from inkscope_desktop.qt.widgets.region_selector import INSTRUCTIONS, RegionSelector

W, H = 600, 300  # the initial rectangle is a third of each side, centred: 200 x 100 at (200, 100)
SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


def make(qtbot, *, origin=(0, 0), size=(W, H), delay_ms=20, screenshot=None):
    announcer = Announcer()
    if screenshot is None:
        screenshot = QImage(*size, QImage.Format.Format_RGB32)
        screenshot.fill(QColor(90, 140, 200))
    selector = RegionSelector(screenshot, origin, announcer=announcer, announce_delay_ms=delay_ms)
    qtbot.addWidget(selector)
    selector.resize(*size)  # one widget pixel per screenshot pixel
    selector.show()
    qtbot.waitExposed(selector)
    selector.setFocus()
    return selector, announcer


def press(qtbot, selector, key, modifier=Qt.KeyboardModifier.NoModifier, times=1):
    for _ in range(times):
        qtbot.keyClick(selector, key, modifier)


def test_starts_centred_with_a_third_of_the_screen_and_announces_how_to_use_it(qtbot):
    selector, announcer = make(qtbot)
    assert selector.region() == (200, 100, 200, 100)
    assert announcer.recent[0] == (INSTRUCTIONS, False)
    assert selector.accessibleName() == "Region selector"
    assert selector.accessibleDescription().startswith(INSTRUCTIONS)


def test_arrows_move_by_ten_and_ctrl_by_one_then_enter_confirms(qtbot):
    selector, _ = make(qtbot)
    press(qtbot, selector, Qt.Key.Key_Right, times=3)
    press(qtbot, selector, Qt.Key.Key_Up)
    press(qtbot, selector, Qt.Key.Key_Left, CTRL, times=2)
    press(qtbot, selector, Qt.Key.Key_Down, CTRL)
    with qtbot.waitSignal(selector.region_chosen, timeout=1000) as blocker:
        press(qtbot, selector, Qt.Key.Key_Return)
    assert blocker.args == [228, 91, 200, 100]


def test_shift_arrows_resize_and_ctrl_shift_resizes_by_one(qtbot):
    selector, _ = make(qtbot)
    press(qtbot, selector, Qt.Key.Key_Right, SHIFT, times=2)
    press(qtbot, selector, Qt.Key.Key_Up, SHIFT)
    press(qtbot, selector, Qt.Key.Key_Left, SHIFT | CTRL, times=3)
    press(qtbot, selector, Qt.Key.Key_Down, SHIFT | CTRL)
    with qtbot.waitSignal(selector.region_chosen, timeout=1000) as blocker:
        press(qtbot, selector, Qt.Key.Key_Enter)
    assert blocker.args == [200, 100, 217, 91]


def test_escape_cancels(qtbot):
    selector, _ = make(qtbot)
    with qtbot.waitSignal(selector.cancelled, timeout=1000), qtbot.assertNotEmitted(selector.region_chosen):
        press(qtbot, selector, Qt.Key.Key_Escape)


def test_moves_stop_at_the_edges(qtbot):
    selector, announcer = make(qtbot)
    press(qtbot, selector, Qt.Key.Key_Left, times=50)
    press(qtbot, selector, Qt.Key.Key_Up, times=50)
    assert selector.region() == (0, 0, 200, 100)
    press(qtbot, selector, Qt.Key.Key_Right, times=80)
    press(qtbot, selector, Qt.Key.Key_Down, times=80)
    assert selector.region() == (400, 200, 200, 100)
    qtbot.waitUntil(lambda: announcer.recent[-1][0].endswith("at the right and bottom edge"), timeout=1000)


def test_resizing_stops_at_the_edges_and_at_the_smallest_size(qtbot):
    selector, _ = make(qtbot)
    press(qtbot, selector, Qt.Key.Key_Right, SHIFT, times=100)
    press(qtbot, selector, Qt.Key.Key_Down, SHIFT, times=100)
    assert selector.region() == (200, 100, 400, 200)
    press(qtbot, selector, Qt.Key.Key_Left, SHIFT, times=100)
    press(qtbot, selector, Qt.Key.Key_Up, SHIFT, times=100)
    assert selector.region()[2:] == (4, 4)


def test_the_origin_offset_is_added_to_the_region(qtbot):
    selector, _ = make(qtbot, origin=(-1920, 40))
    with qtbot.waitSignal(selector.region_chosen, timeout=1000) as blocker:
        press(qtbot, selector, Qt.Key.Key_Return)
    assert blocker.args == [-1920 + 200, 40 + 100, 200, 100]
    selector.set_region(-1920, 40, 10, 10)
    assert selector.region() == (-1920, 40, 10, 10)
    selector.set_region(-5000, 9000, 0, 99999)  # off the screenshot, too thin and too tall: held inside
    assert selector.region() == (-1920, 40, 4, 300)


def test_a_mouse_drag_picks_the_region(qtbot):
    selector, _ = make(qtbot, origin=(100, 50))
    qtbot.mousePress(selector, Qt.MouseButton.LeftButton, pos=QPoint(300, 250))
    qtbot.mouseMove(selector, QPoint(200, 150))
    qtbot.mouseMove(selector, QPoint(150, 120))
    with qtbot.waitSignal(selector.region_chosen, timeout=1000) as blocker:
        qtbot.mouseRelease(selector, Qt.MouseButton.LeftButton, pos=QPoint(120, 100))
    assert blocker.args == [100 + 120, 50 + 100, 180, 150]


def test_a_drag_past_the_edge_is_clipped_to_the_screenshot(qtbot):
    selector, _ = make(qtbot)
    qtbot.mousePress(selector, Qt.MouseButton.LeftButton, pos=QPoint(500, 200))
    with qtbot.waitSignal(selector.region_chosen, timeout=1000) as blocker:
        qtbot.mouseRelease(selector, Qt.MouseButton.LeftButton, pos=QPoint(W + 80, H + 80))
    assert blocker.args == [500, 200, 100, 100]


def test_a_plain_or_shaky_click_keeps_the_rectangle_and_a_right_click_cancels(qtbot):
    selector, _ = make(qtbot)
    with qtbot.assertNotEmitted(selector.region_chosen):
        qtbot.mouseClick(selector, Qt.MouseButton.LeftButton, pos=QPoint(30, 30))
        qtbot.mousePress(selector, Qt.MouseButton.LeftButton, pos=QPoint(30, 30))
        qtbot.mouseMove(selector, QPoint(32, 31))
        qtbot.mouseRelease(selector, Qt.MouseButton.LeftButton, pos=QPoint(32, 31))
    assert selector.region() == (200, 100, 200, 100)
    with qtbot.waitSignal(selector.cancelled, timeout=1000):
        qtbot.mouseClick(selector, Qt.MouseButton.RightButton, pos=QPoint(30, 30))


def test_a_scaled_widget_maps_the_mouse_to_screenshot_pixels(qtbot):
    selector, _ = make(qtbot, size=(W, H))
    selector.resize(W // 2, H // 2)  # e.g. a HiDPI screen: 2 screenshot pixels per widget pixel
    qtbot.mousePress(selector, Qt.MouseButton.LeftButton, pos=QPoint(10, 20))
    with qtbot.waitSignal(selector.region_chosen, timeout=1000) as blocker:
        qtbot.mouseRelease(selector, Qt.MouseButton.LeftButton, pos=QPoint(60, 70))
    assert blocker.args == [20, 40, 100, 100]


def test_held_keys_are_announced_once_when_they_stop(qtbot):
    selector, announcer = make(qtbot, delay_ms=200)
    qtbot.waitUntil(lambda: len(announcer.recent) == 2, timeout=1000)  # instructions, then the region
    assert announcer.recent[1] == ("200 by 100 pixels at 200, 100", False)
    press(qtbot, selector, Qt.Key.Key_Right, times=5)
    press(qtbot, selector, Qt.Key.Key_Right, SHIFT, times=2)
    assert len(announcer.recent) == 2  # nothing yet: the keys were quicker than the delay
    with qtbot.waitSignal(announcer.announced, timeout=1000) as blocker:
        pass
    assert blocker.args == ["220 by 100 pixels at 250, 100", False]
    qtbot.wait(300)
    assert len(announcer.recent) == 3


def test_accepts_a_pil_screenshot_and_paints_without_error(qtbot):
    pil = Image.new("RGB", (120, 80), (250, 250, 250))
    selector, _ = make(qtbot, size=(120, 80), screenshot=pil)
    grabbed = selector.grab().toImage()
    assert grabbed.width() >= 120
    inside = grabbed.pixelColor(60, 40)  # the selection shows the screenshot undimmed
    outside = grabbed.pixelColor(2, 78)  # the rest is dimmed
    assert inside.lightness() > 200 and outside.lightness() < 150


def test_pil_to_qimage_round_trip_pixels():
    image = Image.new("RGB", (3, 2), (1, 2, 3))
    image.putpixel((2, 1), (200, 100, 50))
    qimage = pil_to_qimage(image)
    assert (qimage.width(), qimage.height()) == (3, 2)
    assert qimage.pixelColor(2, 1) == QColor(200, 100, 50)


def test_an_empty_screenshot_is_refused(qtbot):
    with pytest.raises(ValueError):
        RegionSelector(QImage())


@pytest.mark.parametrize("how", ["show_over_desktop", "showFullScreen"])
def test_keys_work_however_it_is_shown_without_an_explicit_set_focus(qtbot, how):
    screenshot = QImage(W, H, QImage.Format.Format_RGB32)
    screenshot.fill(QColor(0, 0, 0))
    selector = RegionSelector(screenshot, (10, 20), announce_delay_ms=10)
    qtbot.addWidget(selector)
    getattr(selector, how)()
    selector.activateWindow()  # as the region flow does after showing it
    qtbot.waitUntil(selector.hasFocus, timeout=2000)
    press(qtbot, selector, Qt.Key.Key_Right)
    with qtbot.waitSignal(selector.region_chosen, timeout=1000) as blocker:
        press(qtbot, selector, Qt.Key.Key_Return)
    assert blocker.args == [10 + 210, 20 + 100, 200, 100]
    if how == "show_over_desktop":
        screen = selector.screen().virtualGeometry()
        assert selector.geometry() == screen
