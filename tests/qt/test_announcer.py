"""The announcer: accessibility events that never crash, a signal, and a bounded record of what was said."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel

from inkscope_desktop.qt.widgets.announcer import Announcer


@pytest.fixture
def screen_reader_on(qapp):
    """Pretend an assistive technology listens, so updateAccessibility reaches the platform layer."""
    was_active = QAccessible.isActive()
    QAccessible.setActive(True)
    yield
    QAccessible.setActive(was_active)


def test_polite_and_assertive_announcements_are_signalled_and_recorded(qtbot):
    announcer = Announcer()
    with qtbot.waitSignal(announcer.announced, timeout=1000) as blocker:
        announcer.announce("Inkscope ready")
    assert blocker.args == ["Inkscope ready", False]
    with qtbot.waitSignal(announcer.announced, timeout=1000) as blocker:
        announcer.announce("The model failed to load.", is_assertive=True)
    assert blocker.args == ["The model failed to load.", True]
    assert announcer.recent == [("Inkscope ready", False), ("The model failed to load.", True)]


def test_text_is_one_line_and_empty_text_is_not_announced(qtbot):
    announcer = Announcer()
    with qtbot.assertNotEmitted(announcer.announced):
        announcer.announce("  \n ")
    announcer.announce("Line one\n\nline   two")
    assert announcer.recent == [("Line one line two", False)]


def test_recent_is_bounded(qtbot):
    announcer = Announcer(recent_limit=3)
    for number in range(10):
        announcer.announce(f"Message {number}")
    assert [text for text, _ in announcer.recent] == ["Message 7", "Message 8", "Message 9"]


def test_no_screen_reader_is_a_harmless_no_op(qtbot):
    assert not QAccessible.isActive()  # offscreen and Xvfb have no AT-SPI listener
    label = QLabel("x")
    qtbot.addWidget(label)
    announcer = Announcer(label)
    assert announcer.is_screen_reader_active is False
    announcer.announce("Nobody hears this", is_assertive=True)
    assert announcer.recent[-1] == ("Nobody hears this", True)


def test_an_active_screen_reader_path_does_not_crash(qtbot, screen_reader_on):
    label = QLabel("x")
    qtbot.addWidget(label)
    label.show()
    announcer = Announcer(label)
    assert announcer.is_screen_reader_active is True
    announcer.announce("Heard", is_assertive=False)
    announcer.announce("Heard loudly", is_assertive=True)
    Announcer().announce("From the application object")


def test_a_deleted_source_falls_back_to_the_application(qtbot, screen_reader_on):
    label = QLabel("x")
    announcer = Announcer(label)
    label.deleteLater()
    qtbot.wait(10)
    announcer.announce("Still fine")
    assert announcer.recent[-1] == ("Still fine", False)
