"""The CaptionEngine ABC; its ``stream`` returns a ``core.stream.CaptionStream``."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator

from inkscope_desktop.core.blank import blank_colour, blank_notice
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.stream import CaptionStream
from inkscope_desktop.core.types import CaptionRequest, CaptionResult, StopReason, Timings
from inkscope_desktop.engines.hub.progress import ProgressCallback


class CaptionEngine(ABC):
    """Turns a CaptionRequest into streamed text.

    Subclasses implement ``load`` and ``_generate``; the blank-image guard and timing live here so every
    engine behaves the same. One engine serves one request at a time (the caption service owns it).
    """

    #: Short name shown to users and written to results ("qwen2-vl", "fake").
    name: str = "engine"
    #: Seconds the last ``load`` took (download included); results report it as ``timings.load_s``.
    load_seconds: float = 0.0
    #: New tokens of the answer being streamed so far (the status line shows tokens per second from it).
    tokens_generated: int = 0
    #: Told, in a short sentence, what a long load is doing after its download ("Preparing the GPU…"); the
    #: caption service sets it so the status line can say so. None: nobody listens.
    stage_listener: Callable[[str], None] | None = None

    def availability_problem(self) -> InkscopeError | None:
        """Why this engine cannot run here at all (its libraries are missing), in one line with advice; None when
        it can. Cheap: nothing is imported or loaded to answer."""
        return None

    @property
    @abstractmethod
    def is_loaded(self) -> bool: ...

    @abstractmethod
    def load(self, progress: ProgressCallback | None = None) -> None:
        """Load the model (downloading it first when allowed); safe to call again once loaded."""

    def unload(self) -> None:  # noqa: B027 - optional: an engine without a model has nothing to free
        """Free the model's memory; the next request loads it again."""

    def report_stage(self, text: str) -> None:
        """Tell ``stage_listener`` (if any) what loading is doing now."""
        if self.stage_listener is not None:
            self.stage_listener(text)

    def stream(self, request: CaptionRequest, cancel: threading.Event | None = None) -> CaptionStream:
        """Describe ``request.image`` (or ``request.video``): the answer's text arrives in chunks as it is generated.

        A blank (single-colour) image is answered with a notice instead of the model, which would only
        hallucinate. Setting ``cancel`` stops generation within one token.
        """
        cancel = cancel if cancel is not None else threading.Event()
        self.tokens_generated = 0
        colour = blank_colour(request.image) if request.video is None and request.image is not None else None
        if colour is not None:
            return CaptionStream(self._blank_answer(request, blank_notice(request.subject, colour)))
        return CaptionStream(self._generate(request, cancel))

    def describe(self, request: CaptionRequest, cancel: threading.Event | None = None) -> CaptionResult:
        """The whole answer at once."""
        return self.stream(request, cancel).collect()

    @abstractmethod
    def _generate(
        self, request: CaptionRequest, cancel: threading.Event
    ) -> Generator[str, None, CaptionResult]:
        """Yield the answer's chunks; return the result. Must stop promptly once ``cancel`` is set."""

    def _blank_answer(self, request: CaptionRequest, notice: str) -> Generator[str, None, CaptionResult]:
        started = time.perf_counter()
        yield notice
        elapsed = time.perf_counter() - started
        return CaptionResult(
            text=notice,
            prompt=request.prompt,
            stop_reason=StopReason.BLANK,
            timings=Timings(total_s=elapsed),
            engine=self.name,
        )
