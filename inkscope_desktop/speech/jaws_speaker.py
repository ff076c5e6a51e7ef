"""JAWS route (Windows): speaks through the running JAWS with its ``FreedomSci.JawsApi`` COM object.

JAWS documents two methods a program may call: ``SayString(text, flush)`` queues ``text`` in JAWS's speech
(``flush`` true would first silence what JAWS is saying, which would cut off our own previous sentence), and
``StopSpeech()`` silences JAWS. Both return at once. JAWS runs when its window of class ``JFWUI2`` exists
(``windows_readers``); the COM object can be created only then. The object lives on a ComWorker thread.
Threading rules: see ``inkscope_desktop.speech.base``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from inkscope_desktop.speech.base import Speaker, SpeechError
from inkscope_desktop.speech.com_worker import ComRuntime, ComtypesRuntime, ComWorker
from inkscope_desktop.speech.windows_readers import JAWS_WINDOW_CLASS, ReaderProbe

JAWS_PROG_ID = "FreedomSci.JawsApi"
START_TIMEOUT_S = 5.0
_ADVICE = "Start JAWS, or choose the own voice in the speech settings."


class JawsSpeaker(Speaker):
    """Hands pieces to JAWS in order; ``stop`` calls StopSpeech when JAWS was given text since the last stop.

    ``probe`` tells whether JAWS runs (``User32ReaderProbe`` by default), ``com`` reaches COM (tests pass
    doubles for both).
    """

    name = "jaws"
    is_screen_reader_route = True

    def __init__(self, *, probe: ReaderProbe | None = None, com: ComRuntime | None = None) -> None:
        self._probe = probe
        self._is_real = com is None
        self._worker = ComWorker(com or ComtypesRuntime(), "speech-jaws")
        self._lock = threading.Lock()
        self._has_handed_over = False
        self._generation = 0
        self._api: Any = None  # worker thread only

    def availability_problem(self) -> SpeechError | None:
        if self._is_real and sys.platform != "win32":
            return SpeechError("JAWS runs only on Windows.", "Use another speech route here.")
        probe = self._probe
        if probe is None:
            from inkscope_desktop.speech.windows_readers import User32ReaderProbe

            probe = self._probe = User32ReaderProbe()
        if not probe.has_window(JAWS_WINDOW_CLASS, None):
            return SpeechError("JAWS is not running.", _ADVICE)
        try:
            self._worker.call(self._ensure_api, START_TIMEOUT_S)
        except Exception as error:  # noqa: BLE001 - any COM failure means this route can't speak here
            return SpeechError(f"JAWS could not be reached ({error}).",
                               "Restart JAWS, or choose the own voice in the speech settings.")
        return None

    def speak(self, text: str) -> None:
        text = text.strip()
        if text:
            with self._lock:
                generation = self._generation
            self._worker.post(self._in_turn(generation, lambda: self._say(text)))

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            has_handed_over, self._has_handed_over = self._has_handed_over, False
        self._worker.drop_queued()
        if has_handed_over:
            self._worker.post_first(lambda: self._ensure_api().StopSpeech())

    @property
    def is_speaking(self) -> bool:
        return False  # JAWS queues what it is given and does not say when it is done

    def close(self) -> None:
        self.stop()
        self._worker.post(self._release)
        self._worker.close()

    def _in_turn(self, generation: int, function: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            with self._lock:
                if generation != self._generation:
                    return
            function()

        return run

    # --- on the worker thread --------------------------------------------------------------------------
    def _ensure_api(self) -> Any:
        if self._api is None:
            self._api = self._worker.com.create(JAWS_PROG_ID)
        return self._api

    def _say(self, text: str) -> None:
        try:
            accepted = self._ensure_api().SayString(text, False)
        except Exception as error:  # noqa: BLE001 - a COM error is the user's speech problem, said once
            self._report_problem(SpeechError(f"JAWS could not be reached ({error}).", _ADVICE))
            return
        if accepted is False:
            self._report_problem(SpeechError("JAWS did not accept the text.", _ADVICE))
            return
        with self._lock:
            self._has_handed_over = True
        self._report_started(text)

    def _release(self) -> None:
        self._api = None
