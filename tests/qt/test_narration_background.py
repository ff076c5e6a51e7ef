"""Notices reach a screen reader user while Inkscope is in the background: through the speaker that speaks
captions, not as an announcement of a window the screen reader is not reading (Qt raises UI Automation
notifications only once a screen reader has queried the window, and NVDA drops a background program's)."""

from __future__ import annotations

from inkscope_desktop.qt.widgets.announcer import Announcer
from inkscope_desktop.speech.recording import RecordingSpeaker


class ScreenReaderRoute(RecordingSpeaker):
    """Stands for the NVDA or JAWS route: a screen reader route that is not the announcements."""

    name = "nvda"
    is_screen_reader_route = True


def test_a_notice_goes_to_the_screen_reader_route_while_the_window_is_in_the_background(make_parts, monkeypatch,
                                                                                         qtbot):
    monkeypatch.setattr(Announcer, "is_screen_reader_active", property(lambda _self: True))
    speaker = ScreenReaderRoute(seconds_per_char=0.0)
    app = make_parts(speaker=speaker, show=False)
    app.parts.narration.prepare()
    qtbot.waitUntil(lambda: app.parts.narration.narrator.speaker is speaker, timeout=5000)
    assert not app.window.isActiveWindow()
    app.window.notify("The clipboard holds no image.", is_error=True)
    qtbot.waitUntil(lambda: "The clipboard holds no image." in speaker.spoken, timeout=5000)
    assert "The clipboard holds no image." not in [text for text, _ in app.announced]


def test_a_notice_is_announced_while_the_screen_reader_reads_the_window(make_parts, monkeypatch, qtbot):
    monkeypatch.setattr(Announcer, "is_screen_reader_active", property(lambda _self: True))
    speaker = ScreenReaderRoute(seconds_per_char=0.0)
    app = make_parts(speaker=speaker)
    app.parts.narration.prepare()
    qtbot.waitUntil(lambda: app.parts.narration.narrator.speaker is speaker, timeout=5000)
    app.window.activateWindow()
    qtbot.waitUntil(app.window.isActiveWindow, timeout=5000)
    app.window.notify("Caption copied.")  # a notice while the user reads the window
    qtbot.waitUntil(lambda: "Caption copied." in [text for text, _ in app.announced], timeout=5000)
    assert "Caption copied." not in speaker.spoken
