"""What ``describe`` writes: captions as plain text streamed as they are generated, or one JSON line per input."""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator
from typing import Any, Protocol, TextIO

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.types import CaptionResult


def readable_name(name: str) -> str:
    """``name`` as valid text: bytes of a file name that are not UTF-8 (kept by Python as lone surrogates) become
    U+FFFD, so printing it can't fail and a JSON line stays valid UTF-8."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def path_fields(name: str) -> dict[str, str]:
    """``{"path": readable name}``, plus ``"path_bytes"``, the name's exact bytes in base64, when the name is not
    valid UTF-8 (a script recovers the file with ``base64.b64decode``)."""
    readable = readable_name(name)
    if readable == name:
        return {"path": name}
    return {"path": readable, "path_bytes": base64.b64encode(name.encode("utf-8", "surrogateescape")).decode()}


class Output(Protocol):
    """Where one run's captions go, input by input."""

    def started(self, name: str) -> None: ...

    def chunk(self, text: str) -> None: ...

    def finished(self, name: str, result: CaptionResult, *, model: str) -> None: ...

    def failed(self, name: str, error: InkscopeError) -> None: ...


class ResultStream(Protocol):
    """A caption stream: its chunks, then its result (``core.stream.CaptionStream``, ``SegmentedStream``)."""

    result: CaptionResult | None

    def __iter__(self) -> Iterator[str]: ...

    def close(self) -> None: ...


def stream_to(output: Output, stream: ResultStream) -> CaptionResult:
    """Write ``stream``'s chunks to ``output`` as they come; its result."""
    try:
        for chunk in stream:
            output.chunk(chunk)
    finally:
        stream.close()  # on Ctrl+C too: stops generation and joins its thread
    assert stream.result is not None
    return stream.result


class TextOutput:
    """Captions as plain text, streamed as generated; a heading per image when there are several."""

    def __init__(self, stream: TextIO, *, many: bool) -> None:
        self._stream, self._many = stream, many
        self._is_mid_caption = False

    def started(self, name: str) -> None:
        if self._many:
            self._write(f"{readable_name(name)}:\n")
        self._is_mid_caption = True

    def chunk(self, text: str) -> None:
        self._write(text)

    def finished(self, name: str, result: CaptionResult, *, model: str) -> None:
        self._end_caption()

    def failed(self, name: str, error: InkscopeError) -> None:
        if self._is_mid_caption:  # a failure part-way: end the partial caption's line first
            self._end_caption()
        print(f"inkscope-desktop: error: {readable_name(error.user_text)}", file=sys.stderr, flush=True)

    def _end_caption(self) -> None:
        self._write("\n\n" if self._many else "\n")
        self._is_mid_caption = False

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()


class JsonLinesOutput:
    """One JSON object per image, written when its caption is complete."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def started(self, name: str) -> None:
        pass

    def chunk(self, text: str) -> None:
        pass

    def finished(self, name: str, result: CaptionResult, *, model: str) -> None:
        self._write({**path_fields(name), "model": model, **result.as_dict(), "error": None})

    def failed(self, name: str, error: InkscopeError) -> None:
        self._write({**path_fields(name), "caption": None, "error": readable_name(error.user_text)})
        print(f"inkscope-desktop: error: {readable_name(error.user_text)}", file=sys.stderr, flush=True)

    def _write(self, record: dict[str, Any]) -> None:
        self._stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._stream.flush()
