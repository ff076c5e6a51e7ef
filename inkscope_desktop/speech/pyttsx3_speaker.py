"""The own voice: pyttsx3 (espeak-ng on Linux, SAPI5 on Windows) in a child process, played by a killable player.

pyttsx3's ``stop()`` does not cut off espeak playback on Linux (the audio is an ``aplay`` child it does not
track), so pyttsx3 is used only to synthesize: a SynthesisProcess writes each piece to a WAV file and an
AudioSink plays it, normally a player child process. Stopping kills the player (and the synthesis child if
it is busy), so no more audio comes out. Threading rules: see ``inkscope_desktop.speech.base``.
"""

from __future__ import annotations

import ctypes
import importlib.util
import itertools
import shutil
import sys
import tempfile
from pathlib import Path

from inkscope_desktop.speech.audio import AudioSink, find_player
from inkscope_desktop.speech.base import QueuedSpeaker, SpeechError
from inkscope_desktop.speech.speaker_config import SpeakerConfig
from inkscope_desktop.speech.splitter import split_sentences
from inkscope_desktop.speech.synthesis import SynthesisProcess, voice_advice

#: Where pyttsx3's espeak driver looks for the library (the names it loads, in its order).
ESPEAK_LIBRARIES = ("libespeak-ng.so.1", "/usr/local/lib/libespeak-ng.so.1", "libespeak.so.1")
#: Longer texts are said sentence by sentence: pyttsx3 2.99 with espeak-ng crashes (SIGSEGV) on texts of
#: about 10,000 characters, and its WAV buffer grows quadratically.
MAX_SYNTH_CHARS = 4000


class Pyttsx3Speaker(QueuedSpeaker):
    """Speaks with pyttsx3 using ``settings`` (voice, rate, volume).

    ``sink`` is where audio goes: the first installed player by default (paplay, pw-play, aplay, sox's
    play, afplay; winsound on Windows), a ``CommandPlayer`` of your choice, or a ``FolderSink`` that keeps
    each piece's WAV file (tests, machines without a sound card). ``driver`` picks a pyttsx3 driver.
    """

    name = "pyttsx3"

    def __init__(self, settings: SpeakerConfig | None = None, *, sink: AudioSink | None = None,
                 driver: str | None = None, python: str | None = None) -> None:
        super().__init__()
        settings = settings or SpeakerConfig()
        self.settings = settings
        self._sink = sink
        self._driver = driver
        self._synth = SynthesisProcess(
            {"voice": settings.voice, "rate": settings.rate, "volume": settings.volume, "driver": driver},
            python=python)
        self._folder: Path | None = None
        self._numbers = itertools.count(1)

    @property
    def sink(self) -> AudioSink | None:
        if self._sink is None:
            self._sink = find_player()
        return self._sink

    @property
    def synthesis(self) -> SynthesisProcess:
        """The synthesis child (its ``pid`` and ``spawned`` count are visible to tests)."""
        return self._synth

    def availability_problem(self) -> SpeechError | None:
        if importlib.util.find_spec("pyttsx3") is None:
            return SpeechError("The own voice needs the pyttsx3 package, which is not installed.",
                               "Install it with: pip install pyttsx3.")
        if sys.platform.startswith("linux") and self._driver in (None, "espeak") and not _has_espeak():
            return SpeechError("The own voice needs espeak-ng, which is not installed.", voice_advice())
        sink = self.sink
        if sink is None:
            return SpeechError("No audio player was found (paplay, pw-play, aplay or sox).",
                               "Install alsa-utils or pulseaudio-utils, or choose the screen reader route "
                               "in the speech settings.")
        return sink.availability_problem()

    def speak(self, text: str) -> None:
        pieces = split_sentences(text) if len(text) > MAX_SYNTH_CHARS else [text]
        for piece in pieces:
            super().speak(piece)

    def prepare(self) -> None:
        """Start the synthesis child now, so the first sentence does not wait for pyttsx3 to load."""
        self._synth.start()

    def _say(self, text: str, turn: int) -> None:
        sink = self.sink
        if sink is None:
            raise self.availability_problem() or SpeechError("No audio player was found.")
        wav = self._wav_folder() / f"piece-{next(self._numbers)}.wav"
        if not self._attach(turn, self._synth.kill_if_busy):
            return
        try:
            self._synth.synthesize(text, wav)
        except SpeechError:
            if not self._is_current(turn):
                if not self._is_closed:
                    self._synth.start()  # stopped mid-sentence: have a fresh child ready for the next one
                return
            raise
        try:
            if not self._is_current(turn):
                return
            playback = sink.start(wav, text)
            if not self._attach(turn, playback.stop):
                return
            self._report_started(text)
            playback.wait()
        finally:
            wav.unlink(missing_ok=True)

    def _wav_folder(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="inkscope-speech-"))
        return self._folder

    def _release(self) -> None:
        self._synth.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _has_espeak() -> bool:
    for name in ESPEAK_LIBRARIES:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False
