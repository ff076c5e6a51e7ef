"""The engine in use: its caption jobs, the model's loading state, and a new engine when the settings pick one."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.types import CaptionRequest
from inkscope_desktop.engines.base import CaptionEngine
from inkscope_desktop.qt.runtime.engine_choice import EngineChooser, engine_choice
from inkscope_desktop.qt.runtime.jobs import CaptionJob, CaptionJobs
from inkscope_desktop.settings import Settings

log = logging.getLogger(__name__)

#: How long a replaced engine may take to stop (a load in progress finishes first).
RETIRE_TIMEOUT_S = 600.0


class EngineHost(QObject):
    """Owns the current :class:`CaptionJobs` (one engine, one worker) and replaces it when the engine changes.

    ``submit(request)`` returns the request's :class:`CaptionJob`. ``loading``, ``ready`` and ``load_failed``
    tell the model's state; only the current engine's reach them (an old engine's are disconnected when it is
    replaced, and its jobs end with ``stopped``). ``load_error`` is the current engine's load failure, if any.
    GUI thread only; the old engine is stopped and unloaded on a thread of its own.
    """

    loading = Signal(object)
    ready = Signal(object)
    load_failed = Signal(object)

    def __init__(self, chooser: EngineChooser, engine: CaptionEngine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chooser = chooser
        self._is_started = False
        self._load_error: InkscopeError | None = None
        self._jobs = self._attach(engine)

    @property
    def jobs(self) -> CaptionJobs:
        return self._jobs

    @property
    def engine(self) -> CaptionEngine:
        return self._jobs.engine

    @property
    def load_error(self) -> InkscopeError | None:
        return self._load_error

    @property
    def is_busy(self) -> bool:
        return self._jobs.is_busy

    def start(self) -> None:
        """Start loading the model (once the app is on screen)."""
        self._is_started = True
        self._jobs.start()

    def submit(self, request: CaptionRequest) -> CaptionJob:
        return self._jobs.submit(request)

    def use_settings(self, new: Settings, old: Settings) -> None:
        """A settings listener: a change of model, device or server loads the new engine in the background."""
        if self._chooser.is_fake or engine_choice(new) == engine_choice(old):
            return
        self._chooser.settings_choose_model()
        self.replace(self._chooser.create(new))

    def retry_load(self) -> None:
        """Try loading the model again (the user asked, after a failed download or load): a fresh engine of the
        same kind, so whatever was downloaded is kept and the rest is fetched."""
        self.replace(self._chooser.create_current())

    def replace(self, engine: CaptionEngine) -> None:
        """Use ``engine`` from now on. The old one's jobs end with ``stopped``; it is stopped off the GUI thread (it
        may be mid-load), then unloaded, which frees its GPU memory and ends its generation thread."""
        old = self._jobs
        old.loading.disconnect(self._loading)
        old.ready.disconnect(self._ready)
        old.load_failed.disconnect(self._load_failed)
        old.cancel_all()
        self._load_error = None
        self._jobs = self._attach(engine)
        if self._is_started:
            self._jobs.start()

        def retire() -> None:
            old.stop(timeout_s=RETIRE_TIMEOUT_S)
            old.engine.unload()
            old.deleteLater()  # thread-safe: the GUI thread deletes it once its last queued event is delivered

        threading.Thread(target=retire, name="inkscope-old-engine", daemon=True).start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """End the current worker (at quit)."""
        self._jobs.stop(timeout_s)

    def _attach(self, engine: CaptionEngine) -> CaptionJobs:
        jobs = CaptionJobs(engine, self)  # parented: it lives until retire() lets it go
        jobs.loading.connect(self._loading)
        jobs.ready.connect(self._ready)
        jobs.load_failed.connect(self._load_failed)
        return jobs

    def _loading(self, event: object) -> None:
        self.loading.emit(event)

    def _ready(self, event: object) -> None:
        self.ready.emit(event)

    def _load_failed(self, error: object) -> None:
        assert isinstance(error, InkscopeError)
        self._load_error = error
        self.load_failed.emit(error)
