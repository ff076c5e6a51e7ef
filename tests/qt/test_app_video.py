"""The whole app (fake engine): the recent-screen action in the menu, its hotkey and trigger name, reached the way
hotkeys and IPC reach the app; the rolling recording follows the settings and stops at shutdown."""

from __future__ import annotations

from dataclasses import replace

from inkscope_desktop.cli import build_parser
from inkscope_desktop.core.actions import Action
from inkscope_desktop.settings import VideoSettings

WAIT_MS = 10_000


def test_the_action_has_a_menu_item_a_hotkey_and_a_trigger_name(make_inkscope_app):
    app = make_inkscope_app()
    labels = [a.text() for a in app.parts.menu_actions if a is not None]
    assert "Describe the last seconds of the screen\tCtrl+Alt+Shift+H" in labels
    assert "&Open image or video…" in labels
    assert build_parser().parse_args(["trigger", "describe-recent-screen"]).action == "describe-recent-screen"


def test_the_action_posted_like_a_hotkey_records_then_describes_or_says_why_not(qtbot, make_inkscope_app):
    app = make_inkscope_app(start=True)
    old = app.store.settings
    app.parts.settings_flow.save(replace(old, video=VideoSettings(recent_seconds=2, recent_fps=4.0)))
    qtbot.waitUntil(lambda: app.parts.engine_host.jobs.service.is_ready, timeout=WAIT_MS)
    qtbot.wait(200)  # the start-up notices (model ready, hotkeys without a display) are out of the way
    done = []
    app.watch.caption_finished.connect(lambda result: done.append(result.text))
    app.window.error_shown.connect(done.append)  # no display to record here: one error line instead
    assert app.parts.registry.accept(Action.DESCRIBE_RECENT_SCREEN.value)  # as the hotkey and IPC threads do
    qtbot.waitUntil(lambda: app.parts.recent_screen.is_recording, timeout=WAIT_MS)
    assert "Recording 2 seconds" in app.window.messages()
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert "\n" not in done[0]


def test_the_rolling_recording_follows_the_settings_and_stops_at_shutdown(make_inkscope_app):
    app = make_inkscope_app()
    assert app.parts.recent_screen.rolling_recorder is None  # off by default: nothing is recorded
    old = app.store.settings
    app.parts.settings_flow.save(replace(old, video=VideoSettings(keep_recent=True)))
    recorder = app.parts.recent_screen.rolling_recorder
    assert recorder is not None and recorder.is_running and recorder.max_bytes == 9_072_000
    app.shutdown()
    assert not recorder.is_running and recorder.frames() == []
