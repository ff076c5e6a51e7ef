"""The null engine: ends the engine list where no real engine can run, and says why when asked to load."""

from __future__ import annotations

import threading
from collections.abc import Generator

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.types import CaptionRequest, CaptionResult
from inkscope_desktop.engines.base import CaptionEngine, ProgressCallback


class UnavailableEngine(CaptionEngine):
    """Stands in for an engine that cannot run here: ``load`` raises ``reason`` (one line with advice), so the app
    shows it as the model's load failure and every request fails with it; it never streams."""

    name = "unavailable"

    def __init__(self, reason: InkscopeError) -> None:
        self.reason = reason

    @property
    def is_loaded(self) -> bool:
        return False

    def availability_problem(self) -> InkscopeError | None:
        return self.reason

    def load(self, progress: ProgressCallback | None = None) -> None:
        raise self.reason

    def _generate(self, request: CaptionRequest, cancel: threading.Event) -> Generator[str, None, CaptionResult]:
        raise self.reason
