"""Speech in the app: captions spoken sentence by sentence as they stream, stop and new requests cut speech
off, repeat-last speaks, speech settings honoured, and a speech problem shown once rather than per caption."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from dataclasses import replace

from inkscope_desktop.core.actions import Action
from inkscope_desktop.engines.fake import FakeEngine
from inkscope_desktop.qt.flows.narration import Narration
from inkscope_desktop.settings import Settings, SpeechSettings
from inkscope_desktop.speech import SpeechError
from inkscope_desktop.speech.recording import RecordingSpeaker

WAIT_MS = 5000
SCRIPT = "A dialog asks to save the file. It has three buttons. Save is focused."


def noise(seed: int = 0) -> Image.Image:
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (40, 60, 3), dtype=np.uint8), "RGB")


@pytest.fixture
def make_app(make_parts, qtbot):
    """The app's parts as ``build_parts`` wires them, speaking through ``speaker`` with the speech settings
    ``choice``, once the model is ready ("Inkscope ready" has been said and is forgotten by the speaker, so the
    tests see captions only); returns (window, app, narration)."""

    def make(speaker: RecordingSpeaker, choice: SpeechSettings = SpeechSettings(), engine=None):
        app = make_parts(engine or FakeEngine(SCRIPT), speaker=speaker, settings=replace(Settings(), speech=choice),
                         show=False)
        qtbot.waitUntil(lambda: "Inkscope ready" in app.window.messages(), timeout=WAIT_MS)
        settle(app.parts.narration, speaker)
        for said in (speaker.started, speaker.spoken, speaker.cut_off):
            said.clear()
        return app.window, app, app.parts.narration

    return make


def describe(qtbot, app, seed=0):
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        app.parts.describe.describe(noise(seed), "Screen")
    return finished.args[0]


def settle(narration: Narration, speaker: RecordingSpeaker) -> None:
    assert narration.narrator.wait_until_idle(5.0)
    assert speaker.wait_until_done(5.0)


def test_a_caption_is_spoken_in_sentences_and_not_announced_twice(qtbot, make_app):
    speaker = RecordingSpeaker()
    window, app, narration = make_app(speaker)
    result = describe(qtbot, app)
    settle(narration, speaker)
    assert speaker.spoken == ["A dialog asks to save the file.", "It has three buttons.", "Save is focused."]
    announced = [text for text, _ in window.announcer.recent]
    assert result.text not in announced  # the screen reader is not given the caption as well
    assert any(text.startswith("Done:") for text in announced)


def test_stop_speaking_cuts_off_a_finished_caption_still_being_read(qtbot, make_app):
    speaker = RecordingSpeaker(seconds_per_char=0.05)
    window, app, narration = make_app(speaker)
    describe(qtbot, app)
    qtbot.waitUntil(lambda: bool(speaker.started), timeout=WAIT_MS)
    app.dispatch(Action.STOP_SPEAKING)
    settle(narration, speaker)
    assert speaker.cut_off == ["A dialog asks to save the file."] and speaker.spoken == []


def test_a_new_caption_cuts_off_the_old_one(qtbot, make_app):
    speaker = RecordingSpeaker(seconds_per_char=0.05)
    window, app, narration = make_app(speaker)
    describe(qtbot, app, seed=1)
    qtbot.waitUntil(lambda: bool(speaker.started), timeout=WAIT_MS)
    speaker.seconds_per_char = 0.0
    describe(qtbot, app, seed=2)
    settle(narration, speaker)
    assert speaker.cut_off == ["A dialog asks to save the file."]
    assert " ".join(speaker.spoken) == SCRIPT  # the new caption whole (queued sentences may be said together)


def test_repeat_last_speaks_and_quiet_mode_leaves_captions_to_the_screen_reader(qtbot, make_app):
    speaker = RecordingSpeaker()
    window, app, narration = make_app(speaker, SpeechSettings(speak_automatically=False))
    result = describe(qtbot, app)
    settle(narration, speaker)
    assert speaker.spoken == []
    assert result.text in [text for text, _ in window.announcer.recent]
    app.dispatch(Action.REPEAT_LAST)
    settle(narration, speaker)
    assert " ".join(speaker.spoken) == result.text


def test_with_speech_off_repeat_last_is_announced(qtbot, make_app):
    speaker = RecordingSpeaker()
    window, app, narration = make_app(speaker, SpeechSettings(route="off"))
    result = describe(qtbot, app)
    app.dispatch(Action.REPEAT_LAST)
    settle(narration, speaker)
    assert speaker.spoken == []
    assert window.announcer.recent[-1] == (result.text, False)


def test_a_speech_problem_is_shown_once_and_captions_still_show(qtbot, make_app):
    speaker = RecordingSpeaker(fail_with=SpeechError("No audio device was found.", "Connect speakers."))
    window, app, narration = make_app(speaker)  # "Inkscope ready" already failed to be said
    error = "Error: No audio device was found. Connect speakers."
    first = describe(qtbot, app, seed=1)
    describe(qtbot, app, seed=2)
    settle(narration, speaker)
    qtbot.wait(50)  # let a second report, if any, cross to the GUI thread
    assert window.messages().count(error) == 1
    assert (error[len("Error: "):], True) in window.announcer.recent  # the voice's own problem is announced
    assert window.caption_text() == first.text


def test_the_answer_to_a_key_pressed_in_the_window_is_said_by_the_own_voice(qtbot, make_app):
    """Issue 14, item 11: Alt+C ("Caption copied") and a search were silent without a screen reader."""
    speaker = RecordingSpeaker()
    window, app, narration = make_app(speaker)
    describe(qtbot, app)
    settle(narration, speaker)
    window.copy_caption()
    settle(narration, speaker)
    assert speaker.spoken[-1] == "Caption copied"
    assert "Caption copied" not in window.messages()  # said, not kept
