"""A recording speaker: a real queued speaker that "says" a piece by waiting, for tests and demos."""

from __future__ import annotations

import threading
import time

from inkscope_desktop.speech.base import QueuedSpeaker, SpeechError


class RecordingSpeaker(QueuedSpeaker):
    """Says each piece by waiting ``seconds_per_char`` per character, on its worker thread, and records it.

    ``started`` lists ``(text, perf_counter time)`` for every piece that started, ``spoken`` the texts said
    to the end, ``cut_off`` the texts stopped part-way. ``fail_with`` makes every piece fail with that error
    (a crashed child, no audio device); ``problem`` is what ``availability_problem`` says.
    Lists are appended on the worker thread; read them after ``wait_until_done`` or ``stop``.
    """

    name = "recording"

    def __init__(self, seconds_per_char: float = 0.0, *, fail_with: SpeechError | None = None,
                 problem: SpeechError | None = None) -> None:
        super().__init__()
        self.seconds_per_char = seconds_per_char
        self.fail_with = fail_with
        self.problem = problem
        self.started: list[tuple[str, float]] = []
        self.spoken: list[str] = []
        self.cut_off: list[str] = []
        self.prepared = 0
        self.closed = False

    def availability_problem(self) -> SpeechError | None:
        return self.problem

    def prepare(self) -> None:
        self.prepared += 1

    def _say(self, text: str, turn: int) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        stopped = threading.Event()
        if not self._attach(turn, stopped.set):
            return
        self.started.append((text, time.perf_counter()))
        self._report_started(text)
        if stopped.wait(self.seconds_per_char * len(text)):
            self.cut_off.append(text)
        else:
            self.spoken.append(text)

    def _release(self) -> None:
        self.closed = True
