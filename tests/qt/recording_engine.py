"""A fake engine that keeps every request it was asked to stream, for the Qt tests that check what was asked."""

from __future__ import annotations

from inkscope_desktop.engines.fake import FakeEngine


class RecordingEngine(FakeEngine):
    """The fake engine, keeping every request it was asked to stream (appended on the worker thread)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.requests = []

    def stream(self, request, cancel=None):
        self.requests.append(request)
        return super().stream(request, cancel)
