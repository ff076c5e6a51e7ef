"""CaptionStream: an iterable of text chunks that ends with a CaptionResult (what engines' ``stream`` return)."""

from __future__ import annotations

from collections.abc import Generator, Iterator

from inkscope_desktop.core.types import CaptionResult


class CaptionStream:
    """Text chunks of one answer, in order; ``result`` holds the whole answer once iteration ends.

    Iterate it once. Leaving the loop early (``break``) or setting the cancel event stops generation.
    """

    def __init__(self, chunks: Generator[str, None, CaptionResult]) -> None:
        self._chunks = chunks
        self.result: CaptionResult | None = None

    def __iter__(self) -> Iterator[str]:
        self.result = yield from self._chunks

    def close(self) -> None:
        self._chunks.close()

    def collect(self) -> CaptionResult:
        """Run to the end and return the result (for callers that do not display chunks)."""
        for _ in self:
            pass
        assert self.result is not None
        return self.result
