"""End to end without Qt: the fake engine streams a caption through the caption service into the narrator,
and the own voice (real espeak-ng) speaks the first sentence while the second is still being generated."""

from __future__ import annotations

import time

import pytest
from PIL import Image
from speech_checks import wait_until, wav_facts

from inkscope_desktop.core.service import CaptionService, Chunk, Failed, Finished, Started
from inkscope_desktop.core.types import CaptionRequest
from inkscope_desktop.engines.fake import FakeEngine
from inkscope_desktop.speech.audio import FolderSink
from inkscope_desktop.speech.narrator import Narrator
from inkscope_desktop.speech.pyttsx3_speaker import Pyttsx3Speaker

CAPTION = ("A settings dialog is open on the desktop. It has three tabs along the top edge. "
           "The OK button at the bottom right has the keyboard focus.")


@pytest.fixture
def own_voice(tmp_path):
    speaker = Pyttsx3Speaker(sink=FolderSink(tmp_path))
    if speaker.availability_problem() is not None:
        pytest.skip("pyttsx3 with espeak-ng is not installed here")
    return speaker


def test_the_first_sentence_sounds_while_the_second_is_generated(own_voice, tmp_path):
    started: list[tuple[str, float]] = []
    own_voice.on_piece_started = lambda text: started.append((text, time.perf_counter()))
    problems: list[str] = []
    narrator = Narrator(own_voice, problems.append)
    narrator.prepare()
    chunk_times: list[tuple[str, float]] = []
    finished: list[object] = []

    def listener(event) -> None:  # the service's worker thread; a GUI would post these to its thread
        if isinstance(event, Started):
            narrator.begin()
        elif isinstance(event, Chunk):
            chunk_times.append((event.text, time.perf_counter()))
            narrator.feed(event.text)
        elif isinstance(event, (Finished, Failed)):
            narrator.end()
            finished.append(event)

    service = CaptionService(FakeEngine(CAPTION, chunk_delay_s=0.03), listener)
    service.start()
    try:
        service.submit(CaptionRequest(image=Image.linear_gradient("L").convert("RGB"), prompt="Describe."))
        assert wait_until(lambda: finished, 20)
        assert wait_until(lambda: len(started) == 3 and not narrator.is_speaking, 30)
    finally:
        service.stop()
        narrator.close()
    assert problems == [] and isinstance(finished[0], Finished)
    assert [text for text, _ in started] == [
        "A settings dialog is open on the desktop.", "It has three tabs along the top edge.",
        "The OK button at the bottom right has the keyboard focus."]
    second_sentence_done = next(t for text, t in chunk_times if text.endswith("edge."))
    assert started[0][1] < second_sentence_done  # spoken before the model finished the second sentence
    assert started[0][1] < chunk_times[-1][1]
    for wav in sorted(tmp_path.glob("*.wav")):
        assert wav_facts(wav).rms > 300
