"""The own voice on Windows: SAPI's SpVoice, driven in this process through comtypes.

Why not pyttsx3 on Windows, as on Linux: pyttsx3's sapi5 driver never reports the end of ``save_to_file`` (it
calls ``Speak`` synchronously without marking itself as speaking, and only reports ``finished-utterance``
when it is), and playing its WAV needs a player that can be cut off. SpVoice itself does all we need, with no
child process, no file and no player:

- ``Speak(text, SVSFlagsAsync | SVSFIsNotXML)`` queues a piece and returns at once (a caption may contain
  ``<``, which SAPI would otherwise read as markup);
- ``WaitUntilDone(0)`` says whether everything queued has been said;
- ``Speak("", SVSFPurgeBeforeSpeak | SVSFlagsAsync)`` silences it at once and drops the queue;
- ``Rate`` (-10 to 10: +10 is three times the voice's normal speed, -10 a third of it), ``Volume`` (0 to 100)
  and ``Voice`` (a token from ``GetVoices()``).

The SpVoice lives on a ComWorker thread (a COM object is called only from its apartment's thread). Threading
rules for callers: see ``inkscope_desktop.speech.base``.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import sys
import threading
from typing import Any

from inkscope_desktop.speech.base import Speaker, SpeechError
from inkscope_desktop.speech.com_worker import ComRuntime, ComtypesRuntime, ComWorker
from inkscope_desktop.speech.speaker_config import SpeakerConfig

log = logging.getLogger(__name__)

SVSF_ASYNC, SVSF_PURGE_BEFORE_SPEAK, SVSF_IS_NOT_XML = 1, 2, 16
SAPI_PROG_ID = "SAPI.SpVoice"
#: Words per minute of a SAPI voice at Rate 0 (Microsoft's voices read about this fast).
SAPI_NORMAL_WPM = 180
START_TIMEOUT_S = 10.0
_ADVICE = "Check the Windows voices in Settings, Time and language, Speech, or choose the screen reader route."


def sapi_rate(words_per_minute: int) -> int:
    """SpVoice's Rate for ``words_per_minute``: 10 steps per tripling of the normal speed, within -10..10."""
    steps = 10 * math.log(max(words_per_minute, 1) / SAPI_NORMAL_WPM, 3)
    return int(max(-10, min(10, round(steps))))


def find_voice_token(tokens: Any, wanted: str) -> Any | None:
    """The voice token whose id, or whose description ("Microsoft Zira Desktop - English (United States)"),
    is ``wanted`` or contains it, ignoring case; None when none does."""
    key = wanted.strip().lower()
    listed = [tokens.Item(index) for index in range(tokens.Count)] if hasattr(tokens, "Count") else list(tokens)
    for matches in (lambda token: token.Id.lower() == key, lambda token: token.GetDescription().lower() == key,
                    lambda token: key in token.GetDescription().lower()):
        for token in listed:
            if matches(token):
                return token
    return None


class SapiSpeaker(Speaker):
    """Speaks with Windows' own voices. ``com`` reaches COM (comtypes by default; tests pass a double)."""

    name = "sapi"

    def __init__(self, settings: SpeakerConfig | None = None, *, com: ComRuntime | None = None) -> None:
        self.settings = settings or SpeakerConfig()
        self._is_real_com = com is None
        self._worker = ComWorker(com or ComtypesRuntime(), "speech-sapi", on_idle=self._poll)
        self._lock = threading.Lock()
        self._waiting = 0  # pieces posted to the worker and not yet handed to SAPI
        self._sapi_busy = False  # SAPI has pieces it has not finished
        self._generation = 0  # bumped by stop: pieces posted before it are dropped
        self._voice: Any = None  # worker thread only

    def availability_problem(self) -> SpeechError | None:
        if self._is_real_com and sys.platform != "win32":
            return SpeechError("Windows' own voices (SAPI) run only on Windows.", "Use another speech route here.")
        if self._is_real_com and importlib.util.find_spec("comtypes") is None:
            return SpeechError("The own voice on Windows needs the comtypes package, which is not installed.",
                               "Install it with: pip install comtypes.")
        try:
            self._worker.call(self._ensure_voice, START_TIMEOUT_S)
        except SpeechError as error:
            return error
        except Exception as error:  # noqa: BLE001 - any COM failure means this route can't speak here
            return SpeechError(f"Windows' own voice could not start ({error}).", _ADVICE)
        return None

    def prepare(self) -> None:
        self._worker.post(self._ensure_voice)

    def speak(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        with self._lock:
            self._waiting += 1
            generation = self._generation
        self._worker.post(lambda: self._say(text, generation))

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            self._waiting = 0
        self._worker.drop_queued()
        self._worker.post_first(self._purge)

    @property
    def is_speaking(self) -> bool:
        with self._lock:
            return self._waiting > 0 or self._sapi_busy

    def close(self) -> None:
        self.stop()
        try:
            self._worker.call(self._release, 2.0)
        except (TimeoutError, SpeechError):
            log.warning("SAPI did not stop in time")
        self._worker.close()

    # --- on the worker thread --------------------------------------------------------------------------
    def _ensure_voice(self) -> Any:
        if self._voice is None:
            voice = self._worker.com.create(SAPI_PROG_ID)
            voice.Rate = sapi_rate(self.settings.rate)
            voice.Volume = int(round(self.settings.volume * 100))
            if self.settings.voice:
                token = find_voice_token(voice.GetVoices(), self.settings.voice)
                if token is None:
                    log.warning("The voice %r was not found; the default Windows voice is used.",
                                self.settings.voice)
                else:
                    voice.Voice = token
            self._voice = voice
        return self._voice

    def _say(self, text: str, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            self._waiting -= 1
        try:
            voice = self._ensure_voice()
            voice.Speak(text, SVSF_ASYNC | SVSF_IS_NOT_XML)
        except Exception as error:  # noqa: BLE001 - a COM error is the user's speech problem, said once
            self._report_problem(SpeechError(f"Windows' own voice could not say a sentence ({error}).", _ADVICE))
            return
        with self._lock:
            self._sapi_busy = True
        self._report_started(text)
        self._worker.keep_polling()

    def _poll(self) -> bool:
        """Between calls: is SAPI done? Keep polling while it speaks."""
        if self._voice is None or self._voice.WaitUntilDone(0):
            with self._lock:
                self._sapi_busy = False
            return False
        return True

    def _purge(self) -> None:
        with self._lock:
            self._sapi_busy = False
        if self._voice is not None:
            self._voice.Speak("", SVSF_PURGE_BEFORE_SPEAK | SVSF_ASYNC)

    def _release(self) -> None:
        self._voice = None
