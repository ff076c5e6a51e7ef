"""A deterministic fake engine: streams a scripted caption, for UI tests and demos without a model."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Generator

from inkscope_desktop.core.errors import GenerationError
from inkscope_desktop.core.types import CaptionRequest, CaptionResult, StopReason, Timings
from inkscope_desktop.engines.base import CaptionEngine, ProgressCallback

_CHUNK = re.compile(r"\s*\S+")


class FakeEngine(CaptionEngine):
    """Streams ``script`` (or a caption made from the image size and prompt) word by word.

    ``load_delay_s`` imitates a model download (progress in four steps), ``first_chunk_delay_s`` the time
    to first token, ``chunk_delay_s`` the time per token;
    ``fail_after`` raises a GenerationError after that many chunks, to exercise error paths.
    Each word counts as one token, so ``max_new_tokens`` truncates the script.
    """

    name = "fake"

    def __init__(
        self,
        script: str | None = None,
        *,
        first_chunk_delay_s: float = 0.0,
        chunk_delay_s: float = 0.0,
        load_delay_s: float = 0.0,
        fail_after: int | None = None,
    ) -> None:
        self._script = script
        self._first_chunk_delay_s = first_chunk_delay_s
        self._chunk_delay_s = chunk_delay_s
        self._load_delay_s = load_delay_s
        self._fail_after = fail_after
        self._is_loaded = False

    @property
    def is_loaded(self) -> bool:
        return self._is_loaded

    def load(self, progress: ProgressCallback | None = None) -> None:
        if self._is_loaded:
            return
        started = time.perf_counter()
        steps = 4
        for step in range(1, steps + 1 if self._load_delay_s > 0 else 1):  # a pretend download
            time.sleep(self._load_delay_s / steps)
            if progress is not None:
                progress(step, steps)
        self.load_seconds = time.perf_counter() - started
        self._is_loaded = True

    def unload(self) -> None:
        self._is_loaded = False

    def script_for(self, request: CaptionRequest) -> str:
        """The full text this engine answers ``request`` with."""
        if self._script is not None:
            return self._script
        turn = len(request.history) + 1
        if request.video is not None or request.image is None:
            clip = request.video
            where = f" from {clip.start_s:g} s" + (f" to {clip.end_s:g} s" if clip.end_s is not None else "") \
                if clip is not None else ""
            return (f"This is the fake engine's answer number {turn}. The video plays{where}. "
                    f"You asked: {request.prompt}")
        width, height = request.image.size
        turn = len(request.history) + 1
        return (
            f"This is the fake engine's answer number {turn}. "
            f"The {request.subject} is {width} by {height} pixels. "
            f"You asked: {request.prompt}"
        )

    def _generate(
        self, request: CaptionRequest, cancel: threading.Event
    ) -> Generator[str, None, CaptionResult]:
        self.load()
        started = time.perf_counter()
        pieces = _CHUNK.findall(self.script_for(request))
        stop_reason = StopReason.FINISHED
        if len(pieces) > request.max_new_tokens:
            pieces, stop_reason = pieces[: request.max_new_tokens], StopReason.LENGTH
        sent: list[str] = []
        first_at = started
        for index, piece in enumerate(pieces):
            delay = self._first_chunk_delay_s if index == 0 else self._chunk_delay_s
            if cancel.wait(delay) if delay > 0 else cancel.is_set():
                stop_reason = StopReason.CANCELLED
                break
            if self._fail_after is not None and index >= self._fail_after:
                raise GenerationError("The fake engine failed on purpose.", "Retry without fail_after.")
            if index == 0:
                first_at = time.perf_counter()
            sent.append(piece)
            self.tokens_generated = len(sent)
            yield piece
        ended = time.perf_counter()
        decode_s = ended - first_at
        return CaptionResult(
            text="".join(sent).strip(),
            prompt=request.prompt,
            stop_reason=stop_reason,
            new_tokens=len(sent),
            timings=Timings(
                load_s=self.load_seconds,
                first_token_s=first_at - started if sent else 0.0,
                decode_s=decode_s,
                total_s=ended - started,
                decode_tokens_per_s=(len(sent) - 1) / decode_s if len(sent) > 1 and decode_s > 0 else 0.0,
            ),
            engine=self.name,
        )
