"""A test helper: the outcome of every job the describe flow starts, as signals a test can wait for."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class CaptionWatch(QObject):
    """Listens to each job's own handle, as the app's parts do, and re-emits what happened to it.

    ``caption_started(label)`` (a caption's source, or the question), ``chunk_shown(text)``,
    ``caption_finished(result)``, ``caption_failed(error)``, and ``caption_stopped()`` when the user stopped it
    (a job replaced by a newer request is not reported: the newer one is). ``jobs`` lists every handle.
    """

    caption_started = Signal(str)
    chunk_shown = Signal(str)
    caption_finished = Signal(object)
    caption_failed = Signal(object)
    caption_stopped = Signal()

    def __init__(self, describe) -> None:
        super().__init__()
        self.jobs = []
        describe.job_started.connect(self._follow)

    def _follow(self, job, context) -> None:
        self.jobs.append(job)
        self.caption_started.emit(context.label)
        job.chunk.connect(lambda text, _tokens: self.chunk_shown.emit(text))
        job.finished.connect(self.caption_finished.emit)
        job.failed.connect(self.caption_failed.emit)
        job.stopped.connect(lambda: None if job.was_replaced else self.caption_stopped.emit())
