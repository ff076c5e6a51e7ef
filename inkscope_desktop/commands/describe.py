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
from inkscope_desktop.core.errors import GenerationError, ImageError, InkscopeError
from inkscope_desktop.core.images import expand_inputs, load_image, load_image_bytes
from inkscope_desktop.core.prompts import preset_prompt
from inkscope_desktop.core.types import CaptionResult, Detail, Sampling
from inkscope_desktop.engines.base import CaptionEngine
from inkscope_desktop.engines.registry import create_engine

STDIN = "-"


#: Requests in flight at once for the remote engine when --concurrency is not given.
DEFAULT_REMOTE_CONCURRENCY = 8


def run_describe(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    inputs = _inputs(args.paths)
    if not inputs:
        raise InkscopeError(
            "No images were found in " + ", ".join(args.paths) + ".",
            "Give image files (PNG, JPEG, WebP, BMP, GIF, TIFF) or folders that hold some.",
        )
    engine = _create_engine(args)
    status = ProgressLine()
    if sys.stderr.isatty():
        status.update("Loading the model…", force=True)
    engine.load(progress=download_progress(status))
    status.finish()
    prompt = args.question or preset_prompt(args.preset)
    output = _JsonLines(stdout) if args.jsonl else _Text(stdout, many=len(inputs) > 1)
    show_progress = len(inputs) > 1 and not args.no_progress and not stdout.isatty() and sys.stderr.isatty()
    model = {"fake": "fake", "remote": getattr(args, "remote_model", None)}.get(args.engine, args.model)
    concurrency = _concurrency(args, len(inputs))
    failures = 0
    if concurrency > 1:
        outcomes = _describe_concurrently(engine, inputs, args, prompt, concurrency)
    else:
        outcomes = ((item, None) for item in inputs)
    for number, (item, outcome) in enumerate(outcomes, start=1):
        name = STDIN if item == STDIN else str(item)
        if show_progress:
            status.update(f"Describing {number} of {len(inputs)}: {name}", force=True)
        try:
            if outcome is None:
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
    return create_engine("remote", model=args.remote_model, base_url=args.base_url,
                         api_key_env=args.api_key_env, timeout=args.timeout)


def _concurrency(args: argparse.Namespace, count: int) -> int:
    """Images described at once: several only for the remote engine (a local model runs one at a time)."""
    if args.engine != "remote":
        return 1
    wanted = getattr(args, "concurrency", None) or DEFAULT_REMOTE_CONCURRENCY
    return max(1, min(wanted, count))


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


def _describe_one(engine: CaptionEngine, conversation: Conversation, prompt: str, output: Any,
                  name: str) -> CaptionResult:
    request = conversation.request(prompt)
    stream = engine.stream(request)
    output.started(name)
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
