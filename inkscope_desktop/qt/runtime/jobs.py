"""Caption job handles: each request's own ``finished`` / ``failed`` / ``stopped`` signals, and the router behind them.

Whoever starts a request keeps its :class:`CaptionJob` and listens to it, the way Anki's ``CollectionOp`` and
napari's per-worker signals hand an operation's outcome back to whoever started it. Nobody infers what happened to
a request from signals that every request sends. The one stale-event filter is the handle itself: the service's
events are routed to the handle of their job, and a handle that has ended ignores the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QMetaMethod, QObject, Signal

from inkscope_desktop.core.service import (
    CaptionService, Chunk, Dropped, Failed, Finished, LoadFailed, Loading, Queued, Ready, ServiceEvent, Started,
)
from inkscope_desktop.core.types import CaptionRequest
from inkscope_desktop.engines.base import CaptionEngine
from inkscope_desktop.qt.runtime.thread_bridge import ThreadBridge

log = logging.getLogger(__name__)

JOB_EVENTS = (Queued, Started, Chunk, Finished, Failed, Dropped)


class CaptionJob(QObject):
    """The handle of one caption request. GUI thread only.

    Signals: ``queued()`` (the model is still loading), ``started()``, ``chunk(text, tokens)``, then exactly one of
    ``finished(result)`` (a whole answer: completed, cut at the length limit or answered by the blank guard),
    ``failed(error)`` (an ``InkscopeError``) or ``stopped()`` (cancelled, replaced by a newer request, or its
    service was stopped). ``cancel()`` ends it at once with ``stopped``; the engine stops within a token.
    """

    queued = Signal()
    started = Signal()
    chunk = Signal(str, int)
    finished = Signal(object)
    failed = Signal(object)
    stopped = Signal()

    def __init__(self, job_id: int, request: CaptionRequest, cancel: Callable[[int], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.id = job_id
        self.request = request
        self._cancel = cancel
        self._outcome: str | None = None
        self._was_replaced = False

    @property
    def is_done(self) -> bool:
        return self._outcome is not None

    @property
    def outcome(self) -> str | None:
        """"finished", "failed", "stopped", or None while the job runs or waits."""
        return self._outcome

    @property
    def was_replaced(self) -> bool:
        """Whether it was stopped because a newer request took its place (not because the user said stop)."""
        return self._was_replaced

    def cancel(self, *, replaced: bool = False) -> None:
        """Stop this request (nothing else): ``stopped`` is emitted now, and late events are ignored.
        ``replaced``: a newer request takes its place (listeners then say nothing about the stop)."""
        if self._outcome is None:
            self._was_replaced = replaced
            self._cancel(self.id)
            self._end("stopped")

    def deliver(self, event: ServiceEvent) -> None:
        """Take one of the service's events for this job (the router calls this)."""
        if self._outcome is not None:
            return  # ended: whatever the worker still sends about it is stale
        if isinstance(event, Chunk):
            self.chunk.emit(event.text, event.tokens)
        elif isinstance(event, Started):
            self.started.emit()
        elif isinstance(event, Queued):
            self.queued.emit()
        elif isinstance(event, Finished):
            self._end("stopped" if event.was_cancelled else "finished", event.result)
        elif isinstance(event, Failed):
            self._end("failed", event.error)
        elif isinstance(event, Dropped):
            self._end("stopped")

    def _end(self, outcome: str, value: object = None) -> None:
        """Emit the one terminal signal, then drop every connection: listeners' closures that hold this handle
        would otherwise keep it (and its request's image) alive through Qt."""
        self._outcome = outcome
        if outcome == "finished":
            self.finished.emit(value)
        elif outcome == "failed":
            self.failed.emit(value)
        else:
            self.stopped.emit()
        meta = self.metaObject()
        for index in range(meta.methodOffset(), meta.methodCount()):
            method = meta.method(index)
            if method.methodType() == QMetaMethod.MethodType.Signal and self.isSignalConnected(method):
                getattr(self, bytes(method.name().data()).decode()).disconnect()


class CaptionJobs(QObject):
    """One caption service (one engine) and the handles of its jobs.

    ``submit(request)`` returns a :class:`CaptionJob`. The model's own state is told by ``loading(Loading)``,
    ``ready(Ready)`` and ``load_failed(error)``. The service's worker only posts to a :class:`ThreadBridge`;
    everything here runs on the GUI thread.
    """

    loading = Signal(object)
    ready = Signal(object)
    load_failed = Signal(object)

    def __init__(self, engine: CaptionEngine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: dict[int, CaptionJob] = {}  # the jobs that have not ended
        self._bridge = ThreadBridge(self._route, self)  # queued: the worker never touches a widget
        self.service = CaptionService(engine, self._bridge.post)
        self._is_started = False

    @property
    def engine(self) -> CaptionEngine:
        return self.service.engine

    @property
    def is_started(self) -> bool:
        return self._is_started

    @property
    def is_busy(self) -> bool:
        """Whether a job has not ended yet."""
        return any(not job.is_done for job in self._jobs.values())

    def start(self) -> None:
        """Start the worker, which loads the model."""
        if not self._is_started:
            self._is_started = True
            self.service.start()

    def submit(self, request: CaptionRequest) -> CaptionJob:
        """Send ``request``; a job still running or waiting is replaced (it ends with ``stopped``)."""
        job_id = self.service.submit(request)
        job = CaptionJob(job_id, request, self.service.cancel)
        self._jobs[job_id] = job  # before any event of it arrives: they come through the queued bridge
        return job

    def cancel_all(self) -> None:
        """Stop the running job and drop the waiting one (each ends with ``stopped``)."""
        for job in list(self._jobs.values()):
            job.cancel()
        self.service.cancel()

    def stop(self, timeout_s: float = 10.0) -> None:
        """End the worker (its jobs end with ``stopped``); blocks until it has ended or ``timeout_s`` passed."""
        self.service.stop(timeout_s)

    def _route(self, event: object) -> None:
        if isinstance(event, Loading):
            self.loading.emit(event)
        elif isinstance(event, Ready):
            self.ready.emit(event)
        elif isinstance(event, LoadFailed):
            self.load_failed.emit(event.error)
        elif isinstance(event, JOB_EVENTS):
            job = self._jobs.get(event.job_id)
            if job is None:
                return  # its handle has ended (cancelled): nobody waits for this
            job.deliver(event)
            if job.is_done:
                del self._jobs[event.job_id]
