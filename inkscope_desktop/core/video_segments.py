"""Describing a video in timed parts: one request per part, each part streamed after its time range, one result."""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import replace
from typing import Any, Protocol

from inkscope_desktop.core.stream import CaptionStream
from inkscope_desktop.core.types import CaptionRequest, CaptionResult, StopReason, Timings
from inkscope_desktop.core.video import clip_segments, format_time_range


class _Stream(Protocol):
    """What an engine's ``stream()`` returns (``core.stream.CaptionStream``): chunks, then ``result``."""

    result: CaptionResult | None

    def __iter__(self) -> Any: ...

    def close(self) -> None: ...


class SegmentedStream(CaptionStream):
    """The answer to a video request whose clip asks for parts (``VideoClip.segment_s``): each part is asked
    on its own through ``open_stream`` and its chunks follow a heading such as ``"0:00–1:00: "``; one part
    needs no heading. Iterate once, then ``result`` joins the parts' results. ``close()`` stops the part being
    described; a cancelled part ends the whole answer.
    """

    def __init__(self, open_stream: Callable[[CaptionRequest], _Stream], request: CaptionRequest) -> None:
        if request.video is None:
            raise ValueError("SegmentedStream needs a video request")
        super().__init__(_segmented_chunks(open_stream, request))


def open_caption_stream(engine: Any, request: CaptionRequest, cancel: threading.Event) -> _Stream:
    """``engine.stream(request, cancel)``, or a :class:`SegmentedStream` over it for a video asked in parts."""
    if request.video is not None and request.video.segment_s is not None:
        return SegmentedStream(lambda part: engine.stream(part, cancel), request)
    return engine.stream(request, cancel)


def _segmented_chunks(open_stream: Callable[[CaptionRequest], _Stream],
                      request: CaptionRequest) -> Generator[str, None, CaptionResult]:
    clip = request.video
    assert clip is not None
    segments = clip_segments(clip)
    texts: list[str] = []
    results: list[CaptionResult] = []
    for index, (start, end) in enumerate(segments):
        if len(segments) > 1 and end is not None:
            heading = ("\n" if index else "") + f"{format_time_range(start, end)}: "
            texts.append(heading)
            yield heading
        stream = open_stream(replace(request, video=replace(clip, start_s=start, end_s=end, segment_s=None)))
        try:
            for chunk in stream:
                yield chunk
        finally:
            stream.close()  # closing this generator stops the part being generated and joins its thread
        assert stream.result is not None
        results.append(stream.result)
        texts.append(stream.result.text)
        if stream.result.stop_reason is StopReason.CANCELLED:
            break
    return joined_result(results, "".join(texts).strip(), request.prompt)


def joined_result(results: list[CaptionResult], text: str, prompt: str) -> CaptionResult:
    """One result for a video's parts: their text with headings, token counts and timings added up."""
    reasons = {result.stop_reason for result in results}
    stop_reason = next((reason for reason in (StopReason.CANCELLED, StopReason.LENGTH) if reason in reasons),
                       StopReason.FINISHED)
    timings = Timings(load_s=results[0].timings.load_s)
    for result in results:
        for phase in ("preprocess_s", "first_token_s", "decode_s", "total_s"):
            setattr(timings, phase, getattr(timings, phase) + getattr(result.timings, phase))
    new_tokens = sum(result.new_tokens for result in results)
    timings.decode_tokens_per_s = (new_tokens - len(results)) / timings.decode_s if timings.decode_s > 0 else 0.0
    return CaptionResult(
        text=text,
        prompt=prompt,
        stop_reason=stop_reason,
        prompt_tokens=sum(result.prompt_tokens for result in results),
        image_tokens=sum(result.image_tokens for result in results),
        new_tokens=new_tokens,
        timings=timings,
        engine=results[0].engine,
    )
