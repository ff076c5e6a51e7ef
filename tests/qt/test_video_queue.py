"""Videos in the tray app: a real video file dropped on the window, a bad one, and "describe the last seconds of
the screen" recorded by a real ScreenRecorder, all through the parts ``build_parts`` wires for the app (the video
queue, the describe flow, narration, the caption service) and the fake engine."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from dataclasses import replace

from inkscope_desktop.capture import fake_capturer
from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import CaptureError
from inkscope_desktop.qt.flows.video_queue import FOLLOW_UP_NOTE
from inkscope_desktop.qt.widgets.history_list import HistoryList
from inkscope_desktop.settings import Settings, VideoSettings

_spec = importlib.util.spec_from_file_location("_video_clips", Path(__file__).parents[1] / "core" / "test_video.py")
_clips = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_clips)
write_clip = _clips.write_clip

WAIT_MS = 8000
FAST = VideoSettings(recent_seconds=2, recent_fps=5.0)


class Screen:
    """A screen whose picture changes at every grab (called on the recorder's thread)."""

    def __init__(self, *, fails: bool = False) -> None:
        self.grabs = 0
        self._fails = fails
        self._lock = threading.Lock()

    def grab(self) -> Image.Image:
        if self._fails:
            raise CaptureError("The screen cannot be captured here.", "Check that this session has a desktop.")
        with self._lock:
            self.grabs += 1
            seed = self.grabs
        pixels = np.random.default_rng(seed).integers(0, 256, (360, 640, 3), dtype=np.uint8)
        return Image.fromarray(pixels, "RGB")


@pytest.fixture
def make_app(make_parts):
    def make(settings: VideoSettings = FAST, *, screen: Screen | None = None):
        screen = screen or Screen()
        app = make_parts(capturer=fake_capturer(Image.new("RGB", (64, 48))), settings=replace(Settings(), video=settings),
                         grab_screen=screen.grab)
        app.screen = screen
        app.flow = app.parts.recent_screen
        app.history = app.window.findChild(HistoryList)
        app.announced = []
        app.window.announcer.announced.connect(lambda text, assertive: app.announced.append((text, assertive)))
        return app

    return make


def drop(app, *paths: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(20, 20), *args)
    QApplication.sendEvent(app.window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(app.window, QDropEvent(QPointF(20, 20), *args))


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return write_clip(tmp_path_factory.mktemp("video") / "clip.mp4")


def test_a_dropped_video_is_described_and_follow_ups_ask_about_the_whole_clip(qtbot, make_app, clip):
    app = make_app()
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        drop(app, clip)
    request = app.engine.requests[0]
    assert request.image is None and request.subject == "video" and request.source == str(clip)
    assert request.video.path == str(clip) and request.video.end_s == pytest.approx(3.0, abs=0.2)
    assert (request.video.fps, request.video.max_frames, request.video.start_s) == (1.0, 64, 0.0)  # one part
    assert finished.args[0].text == app.window.caption_text() == app.engine.script_for(request)
    assert "Describing the video (0:03 long)." in app.window.messages()
    assert app.window.status_text().endswith(FOLLOW_UP_NOTE)
    assert app.history.entry(0).source_label == str(clip)
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS):
        app.parts.describe.ask("What moves?")
    question = app.engine.requests[1]
    assert question.video.path == str(clip) and question.video.segment_s is None  # the whole clip at once
    assert len(question.history) == 1 and question.history[0].answer == finished.args[0].text
    assert not app.window.status_text().endswith(FOLLOW_UP_NOTE)  # said after the caption only


def test_a_long_video_is_described_in_parts_with_their_time_ranges(qtbot, make_app, tmp_path):
    long_clip = write_clip(tmp_path / "long.mp4", seconds=11.0, fps=2, size=(64, 48))
    app = make_app(VideoSettings(segment_s=5))
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        drop(app, long_clip)
    text = finished.args[0].text
    assert [line.split(": ", 1)[0] for line in text.split("\n")] == ["0:00–0:05", "0:05–0:10", "0:10–0:11"]
    assert [(r.video.start_s, r.video.end_s) for r in app.engine.requests] == [(0.0, 5.0), (5.0, 10.0),
                                                                               (10.0, pytest.approx(11.0, abs=0.2))]
    assert "Describing the video (0:11 long) in 3 parts of up to 5 seconds." in app.window.messages()


def test_a_bad_video_is_a_one_line_error_and_the_app_stays_usable(qtbot, make_app, tmp_path, clip):
    app = make_app()
    bad = tmp_path / "broken.mp4"
    bad.write_text("not a video at all\n")
    errors = []
    app.window.error_shown.connect(errors.append)
    drop(app, bad)
    assert len(errors) == 1 and "broken.mp4 is not a readable video" in errors[0] and "\n" not in errors[0]
    assert f"Error: {errors[0]}" in app.window.messages()  # kept, and said once
    assert app.engine.requests == []
    empty = tmp_path / "empty.mov"
    empty.write_bytes(b"")
    drop(app, empty)
    assert "empty (0 bytes)" in errors[-1]
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS):
        drop(app, clip)


def test_the_last_seconds_are_recorded_first_when_nothing_is_kept(qtbot, make_app):
    app = make_app()
    assert app.flow.rolling_recorder is None
    assert app.window.isVisible()
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS):
        app.dispatch(Action.DESCRIBE_RECENT_SCREEN)
        assert app.flow.is_recording and "Recording 2 seconds" in app.window.messages()
        assert not app.window.isVisible()  # kept out of the recording, as for a screenshot
    assert app.window.isVisible()
    request = app.engine.requests[0]
    clip = request.video
    assert clip.is_in_memory and clip.frames_fps == 5.0 and 8 <= len(clip.frames) <= 10
    assert request.source == "The last 2 seconds of the screen" and request.subject == "video"
    assert all(frame.width * frame.height <= FAST.frame_max_pixels for frame in clip.frames)
    assert not [thread for thread in threading.enumerate() if thread.name == "inkscope-screen-recorder"]


def test_the_rolling_recording_is_described_at_once(qtbot, make_app):
    app = make_app()
    app.flow.use(VideoSettings(recent_seconds=2, recent_fps=10.0, keep_recent=True))
    recorder = app.flow.rolling_recorder
    assert recorder.is_running and recorder.max_frames == 20
    qtbot.waitUntil(lambda: len(recorder.frames()) >= 4, timeout=WAIT_MS)
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS):
        app.dispatch(Action.DESCRIBE_RECENT_SCREEN)
        assert not app.flow.is_recording  # no waiting: the last seconds are there
    assert len(app.engine.requests[0].video.frames) >= 4 and recorder.is_running
    app.flow.use(FAST)  # turned off in the settings: the recording stops and its frames go
    assert app.flow.rolling_recorder is None and not recorder.is_running


def test_stop_describing_cancels_a_recording(qtbot, make_app):
    app = make_app()
    app.dispatch(Action.DESCRIBE_RECENT_SCREEN)
    assert not app.window.isVisible()
    app.dispatch(Action.STOP_DESCRIBING)
    assert not app.flow.is_recording and app.window.isVisible()
    assert app.window.messages()[0] == "Recording stopped; nothing was described."
    qtbot.wait(2500)
    assert app.engine.requests == []


def test_a_screen_that_cannot_be_recorded_is_a_one_line_error(qtbot, make_app):
    app = make_app(screen=Screen(fails=True))
    errors = []
    app.window.error_shown.connect(errors.append)
    app.dispatch(Action.DESCRIBE_RECENT_SCREEN)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert errors == ["The screen cannot be captured here. Check that this session has a desktop."]
    assert app.engine.requests == []


def test_a_pasted_video_file_is_described(qtbot, make_app, clip):
    from PySide6.QtGui import QGuiApplication

    app = make_app()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(clip))])  # a file copied in a file manager
    QGuiApplication.clipboard().setMimeData(mime)  # the clipboard owns it now
    try:
        with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS):
            app.window.paste_image()
    finally:
        QGuiApplication.clipboard().clear()  # deletes it while Qt is still up
    assert app.engine.requests[0].video.path == str(clip)


def test_several_dropped_videos_are_described_in_turn_past_a_bad_one(qtbot, make_app, tmp_path, clip):
    app = make_app()
    second = write_clip(tmp_path / "second.mp4", seconds=2.0, fps=2, size=(64, 48))
    bad = tmp_path / "broken.mp4"
    bad.write_text("not a video\n")
    errors, finished = [], []
    app.window.error_shown.connect(errors.append)
    app.watch.caption_finished.connect(finished.append)
    drop(app, clip, bad, second)
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=WAIT_MS)
    assert [request.source for request in app.engine.requests] == [str(clip), str(second)]
    assert len(errors) == 1 and "broken.mp4 is not a readable video" in errors[0]
    assert "Describing the video clip.mp4 (0:03 long). 2 more waiting." in app.window.messages()
    assert "Describing the video second.mp4 (0:02 long)." in app.window.messages()
    assert [app.history.entry(index).source_label for index in range(2)] in ([str(second), str(clip)],
                                                                             [str(clip), str(second)])


def test_a_screenshot_or_stop_drops_the_videos_still_waiting(qtbot, make_app, tmp_path, clip):
    app = make_app()
    second = write_clip(tmp_path / "second.mp4", seconds=2.0, fps=2, size=(64, 48))
    drop(app, clip, second)
    app.dispatch(Action.STOP_DESCRIBING)
    drop(app, clip, second)
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        app.dispatch(Action.DESCRIBE_SCREEN)
    assert finished.args[0].text == app.window.caption_text()
    qtbot.wait(500)  # time enough for a waiting video to start, were one left
    sources = [request.source for request in app.engine.requests]
    assert str(second) not in sources and sources[-1] != str(clip)


def test_a_speech_problem_during_the_first_of_two_videos_neither_cancels_it_nor_starts_the_second(
        qtbot, make_parts, tmp_path, clip):
    """The bug of issue 13: a speech error used to look like the video's own failure to the video queue, which then
    started the second video and so cancelled the first. Narration and the queue are wired as in the app."""
    from inkscope_desktop.speech import SpeechError
    from inkscope_desktop.speech.recording import RecordingSpeaker
    from recording_engine import RecordingEngine

    speaker = RecordingSpeaker(fail_with=SpeechError("Speech could not be played: no audio output.",
                                                     "Connect speakers or headphones."))
    engine = RecordingEngine("One sentence. Two sentences. Three sentences.", chunk_delay_s=0.05)
    app = make_parts(engine, speaker=speaker, settings=replace(Settings(), video=FAST))
    second = write_clip(tmp_path / "second.mp4", seconds=2.0, fps=2, size=(64, 48))
    errors, finished = [], []
    app.window.error_shown.connect(errors.append)
    app.watch.caption_finished.connect(finished.append)
    drop(app, clip, second)
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=WAIT_MS)
    assert errors == ["Speech could not be played: no audio output. Connect speakers or headphones."]
    first_job, second_job = app.watch.jobs
    assert first_job.outcome == "finished" and second_job.outcome == "finished"
    assert [job.request.source for job in app.watch.jobs] == [str(clip), str(second)]
    assert [request.source for request in engine.requests] == [str(clip), str(second)]  # nothing cut off, no retry
    assert finished[0].text == "One sentence. Two sentences. Three sentences."
