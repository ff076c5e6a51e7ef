"""The caption service: one worker thread owns the engine; the newest request wins, older ones are cancelled."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from inkscope_desktop.core.errors import GenerationError, InkscopeError
from inkscope_desktop.core.types import CaptionRequest, CaptionResult, StopReason
from inkscope_desktop.core.video_segments import open_caption_stream

if TYPE_CHECKING:
    from inkscope_desktop.engines.base import CaptionEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loading:
    """The model is loading; ``done``/``total`` are download bytes (0/0 while only loading from disk), and
    ``stage`` what a long load does after that, in a sentence the user is told ("" when there is none)."""

    done: int = 0
    total: int = 0
    stage: str = ""


@dataclass(frozen=True)
class Ready:
    load_s: float


@dataclass(frozen=True)
class LoadFailed:
    error: InkscopeError


@dataclass(frozen=True)
class Queued:
    """A request arrived while the model is still loading; it runs once loading ends."""

    job_id: int


@dataclass(frozen=True)
class Started:
    job_id: int
    request: CaptionRequest


@dataclass(frozen=True)
class Chunk:
    job_id: int
    text: str
    tokens: int = 0
    """New tokens generated so far, this chunk included (0 if the engine does not count)."""


@dataclass(frozen=True)
class Finished:
    """The job ended: completed, stopped at the token limit, answered by the blank guard, or cancelled."""

    job_id: int
    result: CaptionResult

    @property
    def was_cancelled(self) -> bool:
        return self.result.stop_reason is StopReason.CANCELLED


@dataclass(frozen=True)
class Failed:
    """The job failed: the engine raised, or the model could not load (then every waiting and later job fails
    with the load error)."""

    job_id: int
    error: InkscopeError


@dataclass(frozen=True)
class Dropped:
    """The job never ran: a newer request replaced it while it waited, it was cancelled, or the service stopped."""

    job_id: int


ServiceEvent = Union[Loading, Ready, LoadFailed, Queued, Started, Chunk, Finished, Failed, Dropped]
#: The events that end a job; each submitted job gets exactly one of them.
TERMINAL_EVENTS = (Finished, Failed, Dropped)


@dataclass
class _Job:
    id: int
    request: CaptionRequest
    cancel: threading.Event


class CaptionService:
    """Runs caption requests on one worker thread, one at a time.

    ``listener`` receives every event on the worker thread (or, for a job dropped or failed before it ran, on
    the thread that called ``submit``/``cancel``/``stop``): it must only hand the event on (a GUI posts it to
    its own thread with a queued signal). ``submit`` never blocks: it cancels the running job within a token
    and replaces any job still waiting, so a burst of requests ends with one caption of the last.

    Every submitted job ends with exactly one of ``TERMINAL_EVENTS``: ``Finished`` (completed or cancelled
    while running), ``Failed`` (the engine raised, or the model did not load) or ``Dropped`` (it never ran).
    """

    def __init__(self, engine: "CaptionEngine", listener: Callable[[ServiceEvent], None]) -> None:
        self._engine = engine
        self._listener = listener
        self._ids = itertools.count(1)
        self._lock = threading.Condition()
        self._pending: _Job | None = None
        self._running: _Job | None = None
        self._is_ready = False
        self._is_stopping = False
        self._load_error: InkscopeError | None = None  # set once loading failed: the worker has ended
        self._thread = threading.Thread(target=self._work, name="inkscope-caption-worker", daemon=True)

    @property
    def engine(self) -> "CaptionEngine":
        return self._engine

    @property
    def is_ready(self) -> bool:
        return self._is_ready

    @property
    def is_busy(self) -> bool:
        with self._lock:
            return self._running is not None or self._pending is not None

    def start(self) -> None:
        """Start the worker; it loads the model first (reporting Loading, then Ready or LoadFailed)."""
        self._thread.start()

    def submit(self, request: CaptionRequest) -> int:
        """Queue ``request`` as the only waiting job, cancelling whatever runs; returns its job id.

        After a failed load the job fails at once with the load error; after ``stop`` it is dropped."""
        job = _Job(next(self._ids), request, threading.Event())
        replaced: _Job | None = None
        with self._lock:
            ended: ServiceEvent | None = None
            if self._load_error is not None:
                ended = Failed(job.id, self._load_error)
            elif self._is_stopping:
                ended = Dropped(job.id)
            else:
                if self._running is not None:
                    self._running.cancel.set()
                replaced, self._pending = self._pending, job
                self._lock.notify_all()
            waiting_for_model = not self._is_ready
        if ended is not None:
            self._emit(ended)
            return job.id
        if replaced is not None:
            self._emit(Dropped(replaced.id))
        if waiting_for_model:
            self._emit(Queued(job.id))
        return job.id

    def cancel(self, job_id: int | None = None) -> None:
        """Stop the running job and drop the waiting one; with ``job_id``, only that job (if it has not ended)."""
        with self._lock:
            if self._running is not None and job_id in (None, self._running.id):
                self._running.cancel.set()
            dropped = self._pending if self._pending is not None and job_id in (None, self._pending.id) else None
            if dropped is not None:
                self._pending = None
        if dropped is not None:
            self._emit(Dropped(dropped.id))

    def stop(self, timeout_s: float = 10.0) -> None:
        """Cancel everything and end the worker thread."""
        with self._lock:
            self._is_stopping = True
            dropped, self._pending = self._pending, None
            if self._running is not None:
                self._running.cancel.set()
            self._lock.notify_all()
        if dropped is not None:
            self._emit(Dropped(dropped.id))
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _emit(self, event: ServiceEvent) -> None:
        try:
            self._listener(event)
        except Exception:  # a broken listener must not kill the worker
            log.exception("Caption event listener failed on %s", type(event).__name__)

    def _work(self) -> None:
        if not self._load():
            return
        while True:
            with self._lock:
                while self._pending is None and not self._is_stopping:
                    self._lock.wait()
                if self._is_stopping:
                    return
                job, self._pending = self._pending, None
                assert job is not None
                self._running = job
            try:
                self._run(job)
            finally:
                with self._lock:
                    self._running = None

    def _load(self) -> bool:
        self._emit(Loading())
        self._engine.stage_listener = lambda text: self._emit(Loading(stage=text))
        try:
            self._engine.load(progress=lambda done, total: self._emit(Loading(done, total)))
        except InkscopeError as error:
            self._load_failed(error)
            return False
        except Exception as error:
            log.exception("Loading the model failed")
            self._load_failed(GenerationError(f"Loading the model failed ({error}).", "See the log."))
            return False
        with self._lock:
            self._is_ready = True
        self._emit(Ready(self._engine.load_seconds))
        return True

    def _load_failed(self, error: InkscopeError) -> None:
        """The worker ends: the waiting job, and every later one, fails with ``error``."""
        with self._lock:
            self._load_error = error
            waiting, self._pending = self._pending, None
        self._emit(LoadFailed(error))
        if waiting is not None:
            self._emit(Failed(waiting.id, error))

    def _run(self, job: _Job) -> None:
        self._emit(Started(job.id, job.request))
        try:
            stream = open_caption_stream(self._engine, job.request, job.cancel)  # a video may go in parts
            for text in stream:
                self._emit(Chunk(job.id, text, self._engine.tokens_generated))
            assert stream.result is not None
            self._emit(Finished(job.id, stream.result))
        except InkscopeError as error:
            self._emit(Failed(job.id, error))
        except Exception as error:
            log.exception("Caption job %d failed", job.id)
            self._emit(Failed(job.id, GenerationError(f"Describing failed ({error}).", "Try again.")))
