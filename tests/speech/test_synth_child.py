"""The synthesis child's guards against pyttsx3 2.99 quirks: a stale stop flag, and an utterance that comes out empty."""

from __future__ import annotations

import threading
import wave
from types import SimpleNamespace

import pytest

from inkscope_desktop.speech import synth_child


class EngineDouble:
    """Writes a WAV per ``runAndWait`` with the next frame count of ``frames`` and says it has finished."""

    def __init__(self, finished: threading.Event, frames: list[int]) -> None:
        self.finished = finished
        self.frames = frames
        self.proxy = SimpleNamespace(_driver=SimpleNamespace(_stopping=True, _speaking=False))
        self.calls = 0

    def save_to_file(self, text: str, path: str) -> None:
        self.path = path

    def runAndWait(self) -> None:
        with wave.open(self.path, "wb") as sound:
            sound.setnchannels(1)
            sound.setsampwidth(2)
            sound.setframerate(22050)
            sound.writeframes(b"\x01\x00" * self.frames[self.calls])
        self.calls += 1
        self.finished.set()


def test_an_empty_utterance_is_synthesized_again(tmp_path):
    finished = threading.Event()
    engine = EngineDouble(finished, [0, 500])
    synth_child._synthesize(engine, finished, "It has three tabs.", str(tmp_path / "a.wav"))
    assert engine.calls == 2
    assert engine.proxy._driver._stopping is False  # the stale stop flag was dropped first


def test_a_voice_that_never_writes_audio_fails(tmp_path):
    finished = threading.Event()
    engine = EngineDouble(finished, [0] * synth_child.ATTEMPTS)
    with pytest.raises(RuntimeError, match="no audio"):
        synth_child._synthesize(engine, finished, "Hello.", str(tmp_path / "a.wav"))


def test_text_without_words_may_be_silent(tmp_path):
    finished = threading.Event()
    engine = EngineDouble(finished, [0])
    synth_child._synthesize(engine, finished, "...", str(tmp_path / "a.wav"))
    assert engine.calls == 1


def test_the_voices_of_the_own_voice_are_listed():
    from inkscope_desktop.speech.pyttsx3_speaker import Pyttsx3Speaker
    from inkscope_desktop.speech.audio import FolderSink
    from inkscope_desktop.speech.synthesis import list_voices

    if Pyttsx3Speaker(sink=FolderSink("unused")).availability_problem() is not None:
        pytest.skip("pyttsx3 with espeak-ng is not installed here")
    voices = list_voices()
    assert len(voices) > 10 and all(voice["id"] and voice["name"] for voice in voices)
    assert any("en" in " ".join(voice["languages"]) for voice in voices)


def test_listing_voices_with_a_broken_driver_is_explained():
    from inkscope_desktop.speech.base import SpeechError
    from inkscope_desktop.speech.synthesis import list_voices

    with pytest.raises(SpeechError, match="could not be listed"):
        list_voices("no_such_driver")
