"""Several inputs at once in ``describe``: the local model's batches on a GPU, or concurrent requests to a server."""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from inkscope_desktop.commands.describe_inputs import STDIN, conversation, remote_video_error
from inkscope_desktop.core.errors import GenerationError, ImageError, InkscopeError, InputFailedError
from inkscope_desktop.core.types import CaptionRequest, CaptionResult, Detail
from inkscope_desktop.core.video import is_video_path
from inkscope_desktop.engines.base import CaptionEngine
from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

log = logging.getLogger(__name__)

#: Requests in flight at once for the remote engine when --concurrency is not given.
DEFAULT_REMOTE_CONCURRENCY = 8

#: What a batch gives back for each input: its result, its error, or None (the caller describes it alone).
Outcome = CaptionResult | InkscopeError | None


def concurrency(args: argparse.Namespace, count: int) -> int:
    """Images described at once: several only for the remote engine (a local model runs one at a time)."""
    if args.engine != "remote":
        return 1
    wanted = getattr(args, "concurrency", None) or DEFAULT_REMOTE_CONCURRENCY
    return max(1, min(wanted, count))


def batch_size(engine: CaptionEngine, args: argparse.Namespace, count: int) -> int:
    """Images described together: the local model's batch (--batch-size, or chosen from free GPU memory)."""
    if not isinstance(engine, Qwen2VLEngine) or count < 2:
        return 1
    wanted = getattr(args, "batch_size", "auto")
    if wanted == "auto":
        from inkscope_desktop.engines.local.batch import choose_batch_size

        wanted = choose_batch_size(engine, Detail(args.detail), args.max_new_tokens)
    return max(1, min(int(wanted), count))


def describe_in_batches(engine: Qwen2VLEngine, inputs: list[Path | str], args: argparse.Namespace,
                        prompt: str, size: int) -> Iterator[tuple[Path | str, Outcome]]:
    """Images ``size`` at a time through one ``generate`` each; yields ``(input, result or error)`` in input
    order, and ``(input, None)`` for videos and standard input, which the caller streams one by one."""
    from inkscope_desktop.engines.local.batch import describe_in_batches as run_batches

    group: list[Path | str] = []

    def run_group() -> Iterator[tuple[Path | str, Outcome]]:
        requests: list[CaptionRequest | InkscopeError] = []
        for item in group:
            try:
                requests.append(conversation(item, args).request(prompt))
            except ImageError as error:
                requests.append(error)
            except Exception as error:  # one input's unforeseen failure: its row, the log, go on
                log.exception("Preparing %s failed", item)
                requests.append(InputFailedError.from_exception(error))
        yield from zip(list(group), run_batches(engine, requests, size), strict=True)
        group.clear()

    for item in inputs:
        if item == STDIN or is_video_path(item):
            yield from run_group()
            yield item, None
            continue
        group.append(item)
        if len(group) >= size:
            yield from run_group()
    yield from run_group()


def describe_concurrently(engine: CaptionEngine, inputs: list[Path | str], args: argparse.Namespace,
                          prompt: str, workers: int) -> Iterator[tuple[Path | str, Outcome]]:
    """Up to ``workers`` requests in flight; yields ``(input, result or per-input error)`` in input order.

    An error that is not about one input (the server is unreachable, the model name is wrong) stops the
    requests still running and propagates, as does Ctrl+C.
    """
    cancel = threading.Event()

    def describe(item: Path | str) -> CaptionResult | InkscopeError:
        if item != STDIN and is_video_path(item):
            return remote_video_error()
        try:
            return engine.stream(conversation(item, args).request(prompt), cancel).collect()
        except (ImageError, GenerationError) as error:
            return error
        except InkscopeError:
            raise  # about the run (the server, the model name), not this input
        except Exception as error:  # one input's unforeseen failure: its row, the log, go on
            log.exception("Describing %s failed", item)
            return InputFailedError.from_exception(error)

    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inkscope-describe")
    try:
        futures = [executor.submit(describe, item) for item in inputs]
        for item, future in zip(inputs, futures, strict=True):
            yield item, future.result()
    finally:
        cancel.set()  # anything still running stops within a poll
        executor.shutdown(wait=True, cancel_futures=True)
