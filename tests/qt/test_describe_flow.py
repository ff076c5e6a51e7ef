"""The describe flow wired by ``build_parts`` as the app wires it: a real CaptionWindow, caption service and
narration, the fake engine and fake capturers. Each test drives an action through the action registry and checks
what the window shows, what each job's handle reports, what was spoken, and which requests reached the engine."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit

from inkscope_desktop.capture import fake_capturer
from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import ModelNotFoundError
from inkscope_desktop.core.types import StopReason
from inkscope_desktop.qt.widgets.history_list import HistoryList
from inkscope_desktop.qt.widgets.images import pil_to_qimage
from inkscope_desktop.qt.widgets.media_intake import NO_CLIPBOARD_IMAGE
from recording_engine import RecordingEngine

WAIT_MS = 5000
SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
LONG_SCRIPT = " ".join(f"word{i}" for i in range(400))  # 8 s at 0.02 s a word: never ends by itself in a test


def noise(size=(320, 200), seed=0) -> Image.Image:
    """A patterned RGB image (never caught by the blank guard); the seed makes each one different."""
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


class FirstIsLongEngine(RecordingEngine):
    """The first request gets a long answer (still running when replaced), later ones the usual script."""

    def script_for(self, request):
        return LONG_SCRIPT if request is self.requests[0] else super().script_for(request)


class CountingCapturer:
    """Each capture_screen is a new, different desktop (its width grows by one pixel a capture)."""

    def __init__(self, window) -> None:
        self.images, self.window_was_visible = [], []
        self.window = window

    def capture_screen(self):
        self.window_was_visible.append(self.window is not None and self.window.isVisible())
        captured = fake_capturer(noise((300 + len(self.images), 200), seed=len(self.images))).capture_screen()
        self.images.append(captured.image)
        return captured

    def capture_active_window(self):
        return self.capture_screen()

    def capture_all_monitors(self):
        return self.capture_screen()

    def warm_up(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def make_app(make_parts):
    """The app's parts (``build_parts``) with a RecordingEngine and a fake (or counting) capturer."""

    def make(engine=None, desktop=None, *, origin=(0, 0), counting=False, show=True):
        capturer = CountingCapturer(None) if counting else fake_capturer(
            desktop if desktop is not None else noise(), origin=origin)
        app = make_parts(engine, capturer, show=show)
        if counting:
            capturer.window = app.window
        app.history = app.window.findChild(HistoryList)
        app.service = app.parts.engine_host.jobs.service
        app.region_flow = app.parts.region_flow
        return app

    return make


def finish(qtbot, app, action=Action.DESCRIBE_SCREEN):
    """Run ``action`` and wait for its caption; returns the CaptionResult."""
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        app.dispatch(action)
    return finished.args[0]


def start_slow_caption(qtbot, app):
    """Start describing the screen with a slow engine and wait until its first words are shown."""
    with qtbot.waitSignal(app.watch.chunk_shown, timeout=WAIT_MS):
        app.dispatch(Action.DESCRIBE_SCREEN)


def said(app) -> list[str]:
    """What the own voice (a RecordingSpeaker) started to say, in order."""
    return [text for text, _ in app.speaker.started]


def record(signal):
    calls = []
    signal.connect(lambda *args: calls.append(args[0] if args else None))
    return calls


def test_describe_screen_shows_the_engines_caption_and_adds_it_to_history(qtbot, make_app):
    app = make_app(counting=True)
    result = finish(qtbot, app)
    request = app.engine.requests[-1]
    script = app.engine.script_for(request)
    assert app.capturer.window_was_visible == [False]  # hidden while the screen was captured
    assert app.window.isVisible()
    assert request.image is app.capturer.images[0] and request.subject == "screen" and request.history == ()
    assert result.text == script and app.window.caption_text() == script
    assert app.window.transcript_text() == f"Screen\n{script}"
    assert app.window.status_text().startswith(f"Done: {result.new_tokens} tokens in ")
    assert len(app.history) == app.history.count() == 1
    assert app.history.entry(0).caption == script
    assert app.history.item(0).text().startswith("Screen: This is the fake engine's answer number 1.")


def test_a_follow_up_question_is_answered_below_with_the_caption_in_context(qtbot, make_app):
    app = make_app()
    caption = finish(qtbot, app).text
    question = app.window.findChild(QLineEdit)
    qtbot.keyClicks(question, "What   is the title?")
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        qtbot.keyClick(question, Qt.Key.Key_Return)
    first, asked = app.engine.requests
    answer = finished.args[0].text
    assert asked.prompt == "What is the title?" and asked.image is first.image
    assert [(turn.prompt, turn.answer) for turn in asked.history] == [(first.prompt, caption)]
    assert answer == app.engine.script_for(asked) and "answer number 2." in answer
    assert app.window.transcript_text() == f"Screen\n{caption}\n\nQ: What is the title?\nA: {answer}"
    assert app.window.caption_text() == caption and len(app.history) == 1  # an answer is not a new caption
    assert question.text() == ""


def test_dropped_files_are_described_in_order_and_a_text_file_is_a_one_line_error(qtbot, make_app, tmp_path):
    app = make_app()
    noise((64, 48), seed=1).save(tmp_path / "first.png")
    (tmp_path / "notes.txt").write_text("not a picture\nat all\n")
    noise((80, 40), seed=2).save(tmp_path / "second.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / name)) for name in ("first.png", "notes.txt", "second.png")])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(20, 20), *args)  # drag events take a QPoint, the drop a QPointF
    QApplication.sendEvent(app.window, enter)
    assert enter.isAccepted()
    finished = record(app.watch.caption_finished)
    QApplication.sendEvent(app.window, QDropEvent(QPointF(20, 20), *args))
    qtbot.waitUntil(lambda: len(finished) == 2 and not app.service.is_busy, timeout=WAIT_MS)
    error = "Error: notes.txt is not an image (it looks like text). Choose a PNG, JPEG, WebP, BMP, GIF or TIFF file."
    assert error in app.window.messages()  # kept in the window's messages
    qtbot.waitUntil(lambda: error[len("Error: "):] in said(app), timeout=WAIT_MS)  # and said by the own voice
    sources = [request.source for request in app.engine.requests]
    assert sources == [str(tmp_path / "first.png"), str(tmp_path / "second.png")]
    assert [r.image.size for r in app.engine.requests] == [(64, 48), (80, 40)]
    assert [r.text for r in finished] == [app.engine.script_for(r) for r in app.engine.requests]
    assert [app.history.entry(i).source_label for i in range(len(app.history))] == sources
    assert app.window.caption_text() == finished[1].text


def test_the_clipboard_image_is_described_and_an_empty_clipboard_is_an_error(qtbot, make_app):
    app = make_app()
    image = noise((90, 70), seed=3)
    QGuiApplication.clipboard().setImage(pil_to_qimage(image))
    result = finish(qtbot, app, Action.DESCRIBE_CLIPBOARD)
    request = app.engine.requests[-1]
    assert request.source == "Pasted image" and request.image.tobytes() == image.tobytes()
    assert result.text == app.window.caption_text() == app.engine.script_for(request)
    assert app.window.transcript_text().startswith("Pasted image\n")

    QGuiApplication.clipboard().clear()
    app.dispatch(Action.DESCRIBE_CLIPBOARD)
    assert app.window.messages()[0] == f"Error: {NO_CLIPBOARD_IMAGE}"
    assert len(app.engine.requests) == 1 and not app.service.is_busy
    assert app.window.caption_text() == result.text  # the last caption stays


def test_a_region_picked_with_the_keyboard_is_cropped_exactly_and_esc_cancels(qtbot, make_app):
    desktop = noise((600, 300), seed=4)
    app = make_app(desktop=desktop, origin=(100, 50))
    assert app.window.isVisible()
    app.dispatch(Action.DESCRIBE_REGION)
    assert not app.window.isVisible()  # hidden first, so the frozen screenshot shows what is under it
    qtbot.waitUntil(lambda: app.region_flow.selector is not None, timeout=WAIT_MS)
    selector = app.region_flow.selector
    assert selector.region() == (300, 150, 200, 100)  # a third of each side, centred, in desktop coordinates
    for key, modifier in ((Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Right, CTRL),
                          (Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Right, SHIFT),
                          (Qt.Key.Key_Down, SHIFT | CTRL), (Qt.Key.Key_Up, SHIFT)):
        qtbot.keyClick(selector, key, modifier)
    assert selector.region() == (311, 160, 210, 91)
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        qtbot.keyClick(selector, Qt.Key.Key_Return)
    request = app.engine.requests[-1]
    expected = desktop.crop((211, 110, 211 + 210, 110 + 91))
    assert request.image.size == (210, 91) and request.image.tobytes() == expected.tobytes()
    assert request.subject == "region" and request.source == "Region 210x91 at 311, 160"
    assert finished.args[0].text == app.engine.script_for(request)
    assert app.region_flow.selector is None and app.window.isVisible()

    app.dispatch(Action.DESCRIBE_REGION)
    qtbot.waitUntil(lambda: app.region_flow.selector is not None, timeout=WAIT_MS)
    qtbot.keyClick(app.region_flow.selector, Qt.Key.Key_Escape)
    assert app.region_flow.selector is None and app.window.isVisible()
    assert app.window.messages()[0] == "Region selection cancelled."
    assert len(app.engine.requests) == 1 and not app.service.is_busy


def test_a_second_request_replaces_the_running_caption(qtbot, make_app):
    app = make_app(FirstIsLongEngine(chunk_delay_s=0.02), counting=True)
    start_slow_caption(qtbot, app)
    finished, stopped = record(app.watch.caption_finished), record(app.watch.caption_stopped)
    app.dispatch(Action.DESCRIBE_SCREEN)
    qtbot.waitUntil(lambda: bool(finished) and not app.service.is_busy, timeout=WAIT_MS)
    first, second = app.engine.requests
    assert [first.image, second.image] == app.capturer.images
    assert [r.text for r in finished] == [app.engine.script_for(second)]
    assert finished[0].stop_reason is StopReason.FINISHED and stopped == []  # replaced, not stopped
    assert app.window.caption_text() == finished[0].text and len(app.history) == 1


@pytest.mark.parametrize("show", [True, False], ids=["window-shown", "window-hidden"])
def test_a_burst_of_twenty_requests_ends_in_one_caption_of_the_last_capture(qtbot, make_app, show):
    app = make_app(counting=True, show=show)
    finished = record(app.watch.caption_finished)
    for _ in range(20):
        app.dispatch(Action.DESCRIBE_SCREEN)

    def settled():  # the window is as it was, and the last request the engine got has been answered
        return (app.window.isVisible() == show and not app.service.is_busy and bool(finished)
                and finished[-1].text == app.engine.script_for(app.engine.requests[-1]))

    qtbot.waitUntil(settled, timeout=WAIT_MS)
    assert app.capturer.window_was_visible[-1] is False
    assert app.engine.requests[-1].image is app.capturer.images[-1]
    assert len(finished) == 1 and len(app.history) == 1
    assert app.window.caption_text() == finished[0].text
    assert f"is {app.capturer.images[-1].width} by 200 pixels" in finished[0].text


def test_a_request_made_while_loading_waits_and_runs_once_ready(qtbot, make_app):
    app = make_app(RecordingEngine(load_delay_s=0.3), show=False)
    assert not app.service.is_ready
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        app.dispatch(Action.DESCRIBE_SCREEN)
        assert app.engine.requests == []
    texts = [text for text, _ in app.announced]
    waiting = "Waiting for the model to finish loading; your request will run then."
    assert (waiting, waiting) in app.announced  # a status: announced
    assert "Inkscope ready; describing now." in app.window.messages()  # a message: said by the own voice
    qtbot.waitUntil(lambda: len(said(app)) >= 2, timeout=WAIT_MS)
    assert said(app)[0] == "Inkscope ready; describing now." and said(app)[1].startswith("This is the fake")
    assert finished.args[0].text not in texts  # spoken, so not announced as well
    assert finished.args[0].text == app.engine.script_for(app.engine.requests[0]) == app.window.caption_text()
    assert app.window.status_text().startswith("Done: ")


def test_the_model_being_ready_is_announced(qtbot, make_app):
    app = make_app(RecordingEngine(load_delay_s=0.1))
    qtbot.waitUntil(lambda: app.window.status_text() == "Inkscope ready", timeout=WAIT_MS)
    assert app.window.messages() == ["Inkscope ready"]
    qtbot.waitUntil(lambda: said(app) == ["Inkscope ready"], timeout=WAIT_MS)  # said once, by the own voice
    assert "Inkscope ready" not in [text for text, _ in app.announced]


class StagedEngine(RecordingEngine):
    """Reports a long loading stage, as the GPU fast path's warm-up does, then loads slowly."""

    def load(self, progress=None):
        self.report_stage("Preparing the GPU for fast descriptions…")
        super().load(progress)


def test_a_long_loading_stage_is_shown_and_said(qtbot, make_app):
    app = make_app(StagedEngine(load_delay_s=0.3), show=False)
    stage = "Preparing the GPU for fast descriptions…"
    qtbot.waitUntil(lambda: app.window.status_text() == stage, timeout=WAIT_MS)
    assert stage in app.window.messages()
    qtbot.waitUntil(lambda: stage in said(app), timeout=WAIT_MS)


def test_an_engine_failure_shows_the_error_with_advice_and_the_next_request_works(qtbot, make_app):
    app = make_app(RecordingEngine(fail_after=2))
    chunks = record(app.watch.chunk_shown)
    with qtbot.waitSignal(app.window.error_shown, timeout=WAIT_MS) as error:
        app.dispatch(Action.DESCRIBE_SCREEN)
    message = "The fake engine failed on purpose. Retry without fail_after."
    assert error.args == [message] and app.window.status_text() == f"Error: {message}"
    assert chunks == ["This", " is"] and len(app.history) == 0
    app.engine._fail_after = None  # the engine recovers
    result = finish(qtbot, app)
    assert result.text == app.engine.script_for(app.engine.requests[-1]) == app.window.caption_text()
    assert app.window.status_text().startswith("Done: ") and len(app.history) == 1


def test_stop_describing_stops_the_caption_and_repeat_last_says_the_last_finished_one(qtbot, make_app):
    app = make_app(FirstIsLongEngine(chunk_delay_s=0.02), counting=True, show=False)
    app.dispatch(Action.REPEAT_LAST)
    qtbot.waitUntil(lambda: "There is no caption yet." in app.speaker.spoken, timeout=WAIT_MS)
    start_slow_caption(qtbot, app)
    finished = record(app.watch.caption_finished)
    with qtbot.waitSignal(app.watch.caption_stopped, timeout=WAIT_MS):
        app.dispatch(Action.STOP_DESCRIBING)
    assert app.window.status_text() == "Stopped." and len(app.history) == 0
    qtbot.waitUntil(lambda: not app.service.is_busy, timeout=WAIT_MS)
    assert finished == [] and len(app.engine.requests) == 1 and app.window.status_text() == "Stopped."
    caption = finish(qtbot, app).text
    assert app.parts.narration.narrator.wait_until_idle(5.0) and app.speaker.wait_until_done(5.0)
    spoken = len(app.speaker.spoken)
    app.dispatch(Action.REPEAT_LAST)
    qtbot.waitUntil(lambda: len(app.speaker.spoken) > spoken, timeout=WAIT_MS)
    assert " ".join(app.speaker.spoken[spoken:]) == caption


def test_stop_describing_while_the_model_loads_drops_the_waiting_request(qtbot, make_app):
    app = make_app(RecordingEngine(load_delay_s=0.3), show=False)
    app.dispatch(Action.DESCRIBE_SCREEN)
    with qtbot.waitSignal(app.watch.caption_stopped, timeout=WAIT_MS):
        app.dispatch(Action.STOP_DESCRIBING)
    assert app.window.status_text() == "Stopped."
    qtbot.waitUntil(lambda: app.window.status_text() == "Inkscope ready", timeout=WAIT_MS)
    assert app.engine.requests == []
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS):  # a drop still starts at once
        app.parts.describe.describe_images([(noise(seed=5), "Dropped")])
    assert [r.source for r in app.engine.requests] == ["Dropped"]


def test_stop_describing_while_the_window_hides_for_a_capture_cancels_the_capture(qtbot, make_app):
    app = make_app(counting=True)
    app.dispatch(Action.DESCRIBE_SCREEN)
    assert not app.window.isVisible()
    app.dispatch(Action.STOP_DESCRIBING)
    qtbot.waitUntil(app.window.isVisible, timeout=WAIT_MS)  # shown again after the pause
    assert app.capturer.images == [] and app.engine.requests == [] and not app.service.is_busy


class MissingModelEngine(RecordingEngine):
    def load(self, progress=None):
        raise ModelNotFoundError("The model is not on this computer.", "Run 'inkscope-desktop model download'.")


def test_a_load_failure_is_shown_and_shown_again_for_each_later_request(qtbot, make_app):
    message = "The model is not on this computer. Run 'inkscope-desktop model download'."
    app = make_app(MissingModelEngine(), show=False)
    qtbot.waitUntil(lambda: app.window.status_text() == f"Error: {message}", timeout=WAIT_MS)
    app.window.set_status("Something else.")
    with qtbot.waitSignal(app.window.error_shown, timeout=WAIT_MS) as error:
        app.dispatch(Action.DESCRIBE_SCREEN)
    assert error.args == [message] and app.window.status_text() == f"Error: {message}"
    assert app.engine.requests == [] and not app.service.is_busy


def test_a_question_asked_while_the_caption_is_written_waits_for_it_and_keeps_it_as_context(qtbot, make_app):
    app = make_app(RecordingEngine("One two three four five six.", chunk_delay_s=0.05))
    finished = record(app.watch.caption_finished)
    start_slow_caption(qtbot, app)
    app.window.question_submitted.emit("Is there a button?")
    assert "asked as soon as the caption is finished" in app.window.messages()[0]
    qtbot.waitUntil(lambda: len(finished) == 2 and not app.service.is_busy, timeout=WAIT_MS)
    caption, question = app.engine.requests
    assert finished[0].text == "One two three four five six."  # the caption was not cancelled
    assert question.history[0].answer == finished[0].text and question.prompt == "Is there a button?"
    assert app.history.count() == 1  # the answer is not a new history entry
    assert "Q: Is there a button?" in app.window.transcript_text()


def test_errors_the_window_reports_itself_reach_error_shown(qtbot, make_app):
    app = make_app()
    errors = record(app.window.error_shown)
    QGuiApplication.clipboard().clear()
    app.dispatch(Action.DESCRIBE_CLIPBOARD)
    assert errors == [NO_CLIPBOARD_IMAGE]


def test_stop_speaking_silences_the_voice_at_once_and_the_caption_goes_on_to_its_end_and_is_saved(qtbot, make_parts):
    """Issue 14, item 7: a braille or low-vision reader silences the voice and keeps reading."""
    from inkscope_desktop.speech.recording import RecordingSpeaker

    speaker = RecordingSpeaker(seconds_per_char=0.05)
    script = " ".join(f"Sentence number {i}." for i in range(30))
    app = make_parts(RecordingEngine(script, chunk_delay_s=0.01), speaker=speaker)
    qtbot.waitUntil(lambda: "Inkscope ready" in app.window.messages(), timeout=WAIT_MS)
    with qtbot.waitSignal(app.watch.chunk_shown, timeout=WAIT_MS):
        app.dispatch(Action.DESCRIBE_SCREEN)
    qtbot.waitUntil(lambda: any(text.startswith("Sentence") for text, _ in speaker.started), timeout=WAIT_MS)
    stopped = record(app.watch.caption_stopped)
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        app.dispatch(Action.STOP_SPEAKING)
    assert stopped == [] and finished.args[0].stop_reason is StopReason.FINISHED
    assert finished.args[0].text == script == app.window.caption_text()
    assert app.window.status_text().startswith("Done: ")
    history = app.window.findChild(HistoryList)
    assert len(history) == 1 and history.entry(0).caption == script  # saved whole
    assert app.parts.narration.narrator.wait_until_idle(5.0) and speaker.wait_until_done(5.0)
    said = [text for text, _ in speaker.started if text.startswith("Sentence")]
    assert len(said) < 3 and speaker.cut_off  # cut off at once; the rest of the caption was not spoken


def test_stop_describing_ends_generation_and_speech_and_has_a_menu_item_and_a_chord(qtbot, make_parts):
    app = make_parts(FirstIsLongEngine(chunk_delay_s=0.02))
    menu = [action.text() for action in app.parts.menu_actions if action is not None]
    assert "Stop describing\tCtrl+Alt+Shift+J" in menu and "Stop speaking\tCtrl+Alt+Shift+M" in menu
    with qtbot.waitSignal(app.watch.chunk_shown, timeout=WAIT_MS):
        app.dispatch(Action.DESCRIBE_SCREEN)
    with qtbot.waitSignal(app.watch.caption_stopped, timeout=WAIT_MS):
        assert app.parts.registry.dispatch("stop-describing")  # the trigger name
    assert app.window.status_text() == "Stopped." and len(app.window.findChild(HistoryList)) == 0


def test_each_status_shows_for_its_whole_phase_and_a_speech_problem_does_not_erase_it(qtbot, make_parts):
    """Issue 14, item 9: a speech error used to replace the caption's Done line for good, and "Generating at N
    tokens/s" never showed during the first caption."""
    from inkscope_desktop.speech import SpeechError
    from inkscope_desktop.speech.recording import RecordingSpeaker

    speaker = RecordingSpeaker(fail_with=SpeechError("Speech could not be played.", "Connect speakers."))
    app = make_parts(RecordingEngine(" ".join(f"w{i}" for i in range(80)), chunk_delay_s=0.02), speaker=speaker)
    statuses = []
    original = app.window.set_status

    def recording(text, **kwargs):
        original(text, **kwargs)
        statuses.append(app.window.status_text())

    app.window.set_status = recording
    finish(qtbot, app)
    qtbot.waitUntil(lambda: "Error: Speech could not be played. Connect speakers." in app.window.messages(),
                    timeout=WAIT_MS)
    qtbot.wait(100)
    assert any(text.startswith("Generating at ") and text.endswith(" tokens/s") for text in statuses), statuses
    assert app.window.status_text().startswith("Done: ")  # the speech problem is a message, not the status


def test_retry_after_a_follow_up_asks_that_question_once_more_and_keeps_one_answer(qtbot, make_parts):
    """Issue 14, item 11: Alt+R after a follow-up used to add a second Q/A (and a second saved follow-up)."""
    from PySide6.QtCore import Qt

    app = make_parts()
    caption = finish(qtbot, app).text
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS):
        app.parts.describe.ask("Is there a button?")
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as retried:
        qtbot.keyClick(app.window, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    transcript = app.window.transcript_text()
    assert transcript.count("Q: Is there a button?") == 1 and transcript.endswith(retried.args[0].text)
    assert transcript.startswith(f"Screen\n{caption}")
    question = app.engine.requests[-1]
    assert question.prompt == "Is there a button?" and len(question.history) == 1  # the caption only
    saved = app.parts.history.store.search("")[0]
    assert [f.question for f in saved.follow_ups] == ["Is there a button?"]
    assert saved.follow_ups[0].answer == retried.args[0].text
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS):
        app.parts.describe.ask("And a title?")  # the next question has both earlier turns, once each
    assert [turn.prompt for turn in app.engine.requests[-1].history][1:] == ["Is there a button?"]
