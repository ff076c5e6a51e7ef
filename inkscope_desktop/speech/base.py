"""The Speaker ABC every speech route implements, and QueuedSpeaker: pieces spoken in order on a worker thread.

Threading rules for every Speaker:

- ``speak``, ``stop`` and ``is_speaking`` are thread-safe and return at once: they only queue or signal. The
  narrator calls them from its own worker thread, never from the GUI thread; a speaker that must act on
  the GUI thread (the Qt announcement route) crosses to it with a queued signal.
- ``availability_problem``, ``prepare`` and ``close`` may block briefly (probing a daemon, starting a child
  process); the narrator calls them on its worker thread too.
- ``on_problem`` and ``on_piece_started`` are called on the speaker's own thread; they must only hand on.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable

from inkscope_desktop.core.errors import InkscopeError

log = logging.getLogger(__name__)


class SpeechError(InkscopeError):
    """Speech failed or cannot start here (no voice, no audio device, no daemon, a crashed child)."""


class Speaker(ABC):
    """Says text pieces in the order given; ``stop`` cuts off the current piece and drops queued ones.

    Subclasses implement ``speak``, ``stop`` and ``is_speaking``, and override ``availability_problem`` when
    they can be missing. Problems met while speaking go to ``on_problem`` (``_report_problem``); the moment
    a piece starts sounding goes to ``on_piece_started`` (``_report_started``), for tests and benchmarks.
    """

    #: Short name for logs and settings ("pyttsx3", "speech-dispatcher", "nvda", "silent").
    name: str = "speaker"
    #: True for routes that speak through the user's screen reader (they never talk over it).
    is_screen_reader_route: bool = False
    on_problem: Callable[[SpeechError], None] | None = None
    on_piece_started: Callable[[str], None] | None = None
    #: Set by ``availability_problem`` when this route can't speak for a reason the user should hear even though
    #: another route speaks instead (NVDA runs, but its client DLL is missing).
    passed_over_notice: SpeechError | None = None
    #: Set by ``choose_speaker`` on the route it picked: the first passed-over route's notice, said once.
    route_notice: SpeechError | None = None

    def availability_problem(self) -> SpeechError | None:
        """Why this route cannot speak here (one line with advice), or None when it can."""
        return None

    def prepare(self) -> None:  # noqa: B027 - optional: most speakers need nothing ready
        """Get ready so the first piece starts quickly (start a child process, connect); optional."""

    @abstractmethod
    def speak(self, text: str) -> None:
        """Queue ``text`` to be said after the pieces already queued; returns at once."""

    @abstractmethod
    def stop(self) -> None:
        """Cut off the piece being said and drop the queued ones; returns at once."""

    @property
    @abstractmethod
    def is_speaking(self) -> bool:
        """True while a piece is being said or waits in the queue."""

    def close(self) -> None:
        """Stop and release what the speaker holds (threads, child processes, connections)."""
        self.stop()

    def _report_problem(self, error: SpeechError) -> None:
        log.warning("Speech problem (%s): %s", self.name, error.user_text)
        listener = self.on_problem
        if listener is not None:
            try:
                listener(error)
            except Exception:  # a broken listener must not end the speaker's thread
                log.exception("Speech problem listener failed")

    def _report_started(self, text: str) -> None:
        listener = self.on_piece_started
        if listener is not None:
            try:
                listener(text)
            except Exception:
                log.exception("Speech started listener failed")


class QueuedSpeaker(Speaker):
    """A Speaker whose pieces are said one after the other by ``_say`` on its own worker thread.

    ``_say(text, turn)`` blocks until the piece has been said. Before it starts anything that sounds (a child
    process, a daemon message), it registers how to cut that off with ``_attach(turn, cut_off)``; ``stop``
    calls ``cut_off`` from the stopping thread, so ``cut_off`` must be quick and thread-safe (kill a
    process, set an event). A ``turn`` is stale once ``stop`` was called after it was taken: ``_attach``
    then cuts off at once and returns False, and errors raised for a stale turn are not reported.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[str] = deque()
        self._turn = 0
        self._cut_off: Callable[[], None] | None = None
        self._is_busy = False
        self._is_closing = False
        self._thread: threading.Thread | None = None

    def speak(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        with self._cond:
            if self._is_closing:
                return
            self._queue.append(text)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=f"inkscope-speech-{self.name}",
                                                daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._turn += 1
            self._queue.clear()
            cut_off, self._cut_off = self._cut_off, None
        if cut_off is not None:
            try:
                cut_off()
            except Exception:
                log.exception("Cutting off %s speech failed", self.name)

    @property
    def is_speaking(self) -> bool:
        with self._cond:
            return self._is_busy or bool(self._queue)

    def wait_until_done(self, timeout_s: float) -> bool:
        """Block until every queued piece has been said (for tests and the command line); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not (self._is_busy or self._queue), timeout_s)

    def close(self) -> None:
        self.stop()
        with self._cond:
            self._is_closing = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(2.0)
        self._release()

    # --- for subclasses --------------------------------------------------------------------------------
    @abstractmethod
    def _say(self, text: str, turn: int) -> None:
        """Say ``text`` and return when it has been said or cut off; raise SpeechError on failure."""

    def _release(self) -> None:
        """Free resources once the worker has ended (close)."""

    def _attach(self, turn: int, cut_off: Callable[[], None]) -> bool:
        """Register ``cut_off`` for what ``turn`` starts sounding now; False (already cut off) if stale."""
        with self._cond:
            if turn == self._turn:
                self._cut_off = cut_off
                return True
        cut_off()
        return False

    def _detach(self) -> None:
        with self._cond:
            self._cut_off = None

    @property
    def _is_closed(self) -> bool:
        with self._cond:
            return self._is_closing

    def _is_current(self, turn: int) -> bool:
        with self._cond:
            return turn == self._turn and not self._is_closing

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._is_closing:
                    self._cond.wait()
                if self._is_closing:
                    return
                text, turn = self._queue.popleft(), self._turn
                self._is_busy = True
            try:
                self._say(text, turn)
            except SpeechError as error:
                if self._is_current(turn):
                    self._report_problem(error)
            except Exception as error:
                log.exception("The %s speaker failed", self.name)
                if self._is_current(turn):
                    self._report_problem(SpeechError(f"Speech failed ({error}).", "See the log for details."))
            finally:
                self._detach()
                with self._cond:
                    self._is_busy = False
                    self._cond.notify_all()
