"""The silent speaker: ends every route list, says nothing, and can carry the reason speech is off."""

from __future__ import annotations

from inkscope_desktop.speech.base import Speaker, SpeechError


class SilentSpeaker(Speaker):
    """Always available and never speaks.

    With a ``reason`` (the wanted route could not be used), every ``speak`` reports it as a problem, so the
    user learns why nothing is heard; the narrator passes that on once per caption. Thread-safe: no state.
    """

    name = "silent"

    def __init__(self, reason: SpeechError | None = None) -> None:
        self.reason = reason

    def speak(self, text: str) -> None:
        if self.reason is not None and text.strip():
            self._report_problem(self.reason)

    def stop(self) -> None:
        pass

    @property
    def is_speaking(self) -> bool:
        return False
