"""``inkscope-desktop describe``: captions files, folders and standard input, streaming text or JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from inkscope_desktop.commands.progress import ProgressLine, download_progress
from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.errors import GenerationError, ImageError, InkscopeError, VideoError
from inkscope_desktop.core.images import expand_inputs, load_image, load_image_bytes
from inkscope_desktop.core.prompts import DEFAULT_PRESET, VIDEO_PROMPT, preset_prompt, with_language
from inkscope_desktop.core.types import (
    CaptionRequest,
    CaptionResult,
    Detail,
    Sampling,
    VideoClip,
)
from inkscope_desktop.core.video import DEFAULT_SEGMENT_S, is_video_path
from inkscope_desktop.core.video_segments import SegmentedStream
from inkscope_desktop.engines.base import CaptionEngine
from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine
from inkscope_desktop.engines.registry import create_engine
from inkscope_desktop.engines.local.video_reader import probe_video

STDIN = "-"


#: Requests in flight at once for the remote engine when --concurrency is not given.
DEFAULT_REMOTE_CONCURRENCY = 8


def run_describe(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    inputs = _inputs(args.paths)
    if not inputs:
        raise InkscopeError(
            "No images were found in " + ", ".join(args.paths) + ".",
            "Give image files (PNG, JPEG, WebP, BMP, GIF, TIFF), videos (MP4, MKV, WebM, MOV, AVI) "
            "or folders that hold some.",
        )
    engine = _create_engine(args)
    status = ProgressLine()
    if sys.stderr.isatty():
        status.update("Loading the model…", force=True)
        engine.stage_listener = lambda text: status.update(text, force=True)
    engine.load(progress=download_progress(status))
    status.finish()
    preset = getattr(args, "preset", None)
    prompt = args.question or preset_prompt(preset or DEFAULT_PRESET)
    video_prompt = args.question or (preset_prompt(preset) if preset else VIDEO_PROMPT)
    output = _JsonLines(stdout) if args.jsonl else _Text(stdout, many=len(inputs) > 1)
    show_progress = len(inputs) > 1 and not args.no_progress and not stdout.isatty() and sys.stderr.isatty()
    model = {"fake": "fake", "remote": getattr(args, "remote_model", None)}.get(args.engine, args.model)
    concurrency = _concurrency(args, len(inputs))
    failures = 0
    batch_size = _batch_size(engine, args, len(inputs))
    if concurrency > 1:
        outcomes = _describe_concurrently(engine, inputs, args, prompt, concurrency)
    elif batch_size > 1:
        outcomes = _describe_in_batches(engine, inputs, args, prompt, batch_size)
    else:
        outcomes = ((item, None) for item in inputs)
    for number, (item, outcome) in enumerate(outcomes, start=1):
        name = STDIN if item == STDIN else str(item)
        if show_progress:
            status.update(f"Describing {number} of {len(inputs)}: {name}", force=True)
        try:
            if outcome is None and item != STDIN and is_video_path(item):
                result = _describe_video(engine, Path(item), args, video_prompt, output, name)
            elif outcome is None:
                result = _describe_one(engine, _conversation(item, args), prompt, output, name)
            elif isinstance(outcome, InkscopeError):
                raise outcome
            else:
                output.started(name)
                output.chunk(outcome.text)
                result = outcome
        except (ImageError, GenerationError) as error:
            failures += 1
            output.failed(name, error)
            continue
        output.finished(name, result, model=model)
    if show_progress:
        status.finish(f"Described {len(inputs) - failures} of {len(inputs)} images.")
    return 1 if failures else 0


def _create_engine(args: argparse.Namespace) -> CaptionEngine:
    if args.engine != "remote":
        return create_engine(args.engine, model=args.model, device=args.device, dtype=args.dtype,
                             offline=True if args.offline else None)
    # No --api-key-env: INKSCOPE_API_KEY when set, else the key `config set-api-key` saved in the keyring.
    key_env = getattr(args, "api_key_env", None)
    return create_engine("remote", model=args.remote_model, base_url=args.base_url,
                         api_key_env=key_env, use_keyring=key_env is None, timeout=args.timeout)


def _concurrency(args: argparse.Namespace, count: int) -> int:
    """Images described at once: several only for the remote engine (a local model runs one at a time)."""
    if args.engine != "remote":
        return 1
    wanted = getattr(args, "concurrency", None) or DEFAULT_REMOTE_CONCURRENCY
    return max(1, min(wanted, count))


def _batch_size(engine: CaptionEngine, args: argparse.Namespace, count: int) -> int:
    """Images described together: the local model's batch (--batch-size, or chosen from free GPU memory)."""
    if not isinstance(engine, Qwen2VLEngine) or count < 2:
        return 1
    wanted = getattr(args, "batch_size", "auto")
    if wanted == "auto":
        from inkscope_desktop.engines.local.batch import choose_batch_size

        wanted = choose_batch_size(engine, Detail(args.detail), args.max_new_tokens)
    return max(1, min(int(wanted), count))


def _describe_in_batches(engine: Qwen2VLEngine, inputs: list[Path | str], args: argparse.Namespace,
                         prompt: str, batch_size: int) -> Iterator[tuple[Path | str, Any]]:
    """Images ``batch_size`` at a time through one ``generate`` each; yields ``(input, result or error)`` in
    input order, and ``(input, None)`` for videos and standard input, which the caller streams one by one."""
    from inkscope_desktop.engines.local.batch import describe_in_batches

    group: list[Path | str] = []

    def run_group() -> Iterator[tuple[Path | str, Any]]:
        requests: list[CaptionRequest | InkscopeError] = []
        for item in group:
            try:
                requests.append(_conversation(item, args).request(prompt))
            except ImageError as error:
                requests.append(error)
        yield from zip(list(group), describe_in_batches(engine, requests, batch_size))
        group.clear()

    for item in inputs:
        if item == STDIN or is_video_path(item):
            yield from run_group()
            yield item, None
            continue
        group.append(item)
        if len(group) >= batch_size:
            yield from run_group()
    yield from run_group()


def _conversation(item: Path | str, args: argparse.Namespace) -> Conversation:
    return Conversation(
        _load(item),
        source=STDIN if item == STDIN else str(item),
        detail=Detail(args.detail),
        language=args.language,
        max_new_tokens=args.max_new_tokens,
        sampling=Sampling(do_sample=args.sample, temperature=args.temperature, top_p=args.top_p),
    )


def _describe_concurrently(engine: CaptionEngine, inputs: list[Path | str], args: argparse.Namespace,
                           prompt: str, concurrency: int) -> Iterator[tuple[Path | str, Any]]:
    """Up to ``concurrency`` requests in flight; yields ``(input, result or per-input error)`` in input order.

    An error that is not about one input (the server is unreachable, the model name is wrong) stops the
    requests still running and propagates, as does Ctrl+C.
    """
    cancel = threading.Event()

    def describe(item: Path | str) -> CaptionResult | InkscopeError:
        if item != STDIN and is_video_path(item):
            return _remote_video_error()
        try:
            return engine.stream(_conversation(item, args).request(prompt), cancel).collect()
        except (ImageError, GenerationError) as error:
            return error

    executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="inkscope-describe")
    try:
        futures = [executor.submit(describe, item) for item in inputs]
        for item, future in zip(inputs, futures):
            yield item, future.result()
    finally:
        cancel.set()  # anything still running stops within a poll
        executor.shutdown(wait=True, cancel_futures=True)


def _inputs(paths: list[str]) -> list[Path | str]:
    """Files and folders expanded in the order given; ``-`` stays as standard input."""
    items: list[Path | str] = []
    for path in paths:
        items.extend([STDIN] if path == STDIN else expand_inputs([path]))
    return items


def _load(item: Path | str) -> Any:
    if item != STDIN:
        return load_image(item)
    if sys.stdin.isatty():
        raise ImageError("Nothing was piped to standard input.", "Pipe an image in, e.g. describe - < shot.png.")
    return load_image_bytes(sys.stdin.buffer.read(), name="standard input")


def _describe_video(engine: CaptionEngine, path: Path, args: argparse.Namespace, prompt: str, output: Any,
                    name: str) -> CaptionResult:
    """Describe a video part by part (``--segment-seconds`` each), streaming each part after its time range;
    one part needs no heading. The parts' results are joined into one (``core.video_segments``, which the
    tray app shares)."""
    if args.engine == "remote":
        raise _remote_video_error()
    info = probe_video(path)
    clip = VideoClip(str(path), end_s=info.duration_s, fps=getattr(args, "video_fps", None) or 1.0,
                     max_frames=getattr(args, "max_frames", None) or 64,
                     segment_s=getattr(args, "segment_seconds", None) or DEFAULT_SEGMENT_S)
    request = CaptionRequest(
        image=None,
        prompt=with_language(prompt, args.language),
        detail=Detail(args.detail),
        max_new_tokens=args.max_new_tokens,
        sampling=Sampling(do_sample=args.sample, temperature=args.temperature, top_p=args.top_p),
        subject="video",
        source=str(path),
        video=clip,
    )
    output.started(name)
    return _stream_to(output, SegmentedStream(engine.stream, request))


def _remote_video_error() -> VideoError:
    return VideoError("The remote engine cannot describe videos.", "Use the local engine: --engine qwen2-vl.")


def _describe_one(engine: CaptionEngine, conversation: Conversation, prompt: str, output: Any,
                  name: str) -> CaptionResult:
    request = conversation.request(prompt)
    stream = engine.stream(request)
    output.started(name)
    return _stream_to(output, stream)


def _stream_to(output, stream) -> CaptionResult:
    """Write ``stream``'s chunks to ``output`` as they come; its result."""
    try:
        for chunk in stream:
            output.chunk(chunk)
    finally:
        stream.close()  # on Ctrl+C too: stops generation and joins its thread
    assert stream.result is not None
    return stream.result


class _Text:
    """Captions as plain text, streamed as generated; a heading per image when there are several."""

    def __init__(self, stream: TextIO, *, many: bool) -> None:
        self._stream, self._many = stream, many
        self._is_mid_caption = False

    def started(self, name: str) -> None:
        if self._many:
            self._write(f"{name}:\n")
        self._is_mid_caption = True

    def chunk(self, text: str) -> None:
        self._write(text)

    def finished(self, name: str, result: CaptionResult, *, model: str) -> None:
        self._end_caption()

    def failed(self, name: str, error: InkscopeError) -> None:
        if self._is_mid_caption:  # a failure part-way: end the partial caption's line first
            self._end_caption()
        print(f"inkscope-desktop: error: {error.user_text}", file=sys.stderr, flush=True)

    def _end_caption(self) -> None:
        self._write("\n\n" if self._many else "\n")
        self._is_mid_caption = False

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()


class _JsonLines:
    """One JSON object per image, written when its caption is complete."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def started(self, name: str) -> None:
        pass

    def chunk(self, text: str) -> None:
        pass

    def finished(self, name: str, result: CaptionResult, *, model: str) -> None:
        self._write({"path": name, "model": model, **result.as_dict(), "error": None})

    def failed(self, name: str, error: InkscopeError) -> None:
        self._write({"path": name, "caption": None, "error": error.user_text})
        print(f"inkscope-desktop: error: {error.user_text}", file=sys.stderr, flush=True)

    def _write(self, record: dict[str, Any]) -> None:
        self._stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._stream.flush()
