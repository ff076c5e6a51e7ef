"""``inkscope-desktop describe``: captions files, folders and standard input, streaming text or JSON lines."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from inkscope_desktop.commands.describe_batches import (
    Outcome, batch_size, concurrency, describe_concurrently, describe_in_batches,
)
from inkscope_desktop.commands.describe_inputs import STDIN, conversation, gather_inputs, remote_video_error, sampling
from inkscope_desktop.commands.describe_output import JsonLinesOutput, Output, TextOutput, stream_to
from inkscope_desktop.commands.progress import ProgressLine, download_progress
from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.errors import GenerationError, ImageError, InkscopeError, InputFailedError
from inkscope_desktop.core.prompts import DEFAULT_PRESET, VIDEO_PROMPT, preset_prompt, with_language
from inkscope_desktop.core.types import CaptionRequest, CaptionResult, Detail, VideoClip
from inkscope_desktop.core.video import DEFAULT_SEGMENT_S, is_video_path
from inkscope_desktop.core.video_segments import SegmentedStream
from inkscope_desktop.core.vocabulary import EXIT_OK, EXIT_SOME_FAILED
from inkscope_desktop.engines.base import CaptionEngine
from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine
from inkscope_desktop.engines.registry import create_engine

__all__ = ["STDIN", "run_describe"]

log = logging.getLogger(__name__)


def run_describe(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """Describe every input in order; 1 when some could not be described (each said in one line), else 0."""
    stdout = stdout or sys.stdout
    gathered = gather_inputs(args.paths)
    inputs = gathered.items
    if not inputs:
        skipped = f" ({gathered.skipped_line()})" if gathered.skipped else ""
        raise InkscopeError(
            "No images were found in " + ", ".join(args.paths) + skipped + ".",
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
    output: Output = JsonLinesOutput(stdout) if args.jsonl else TextOutput(stdout, many=len(inputs) > 1)
    show_progress = len(inputs) > 1 and not args.no_progress and not stdout.isatty() and sys.stderr.isatty()
    model = {"fake": "fake", "remote": getattr(args, "remote_model", None)}.get(args.engine, args.model) or ""
    failures = 0
    outcomes = _outcomes(engine, inputs, args, prompt)
    for number, (item, outcome) in enumerate(outcomes, start=1):
        name = STDIN if item == STDIN else str(item)
        if show_progress:
            status.update(f"Describing {number} of {len(inputs)}: {name}", force=True)
        try:
            if outcome is None and item != STDIN and is_video_path(item):
                result = _describe_video(engine, Path(item), args, video_prompt, output, name)
            elif outcome is None:
                result = _describe_one(engine, conversation(item, args), prompt, output, name)
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
        except Exception as error:  # one input's unforeseen failure: its row, the log, go on
            log.exception("Describing %s failed", name)
            failures += 1
            output.failed(name, InputFailedError.from_exception(error))
            continue
        output.finished(name, result, model=model)
    if show_progress:
        status.finish(f"Described {len(inputs) - failures} of {len(inputs)} images.")
    if gathered.skipped:
        print(gathered.skipped_line(), file=sys.stderr, flush=True)
    return EXIT_SOME_FAILED if failures else EXIT_OK


def _outcomes(engine: CaptionEngine, inputs: list[Path | str], args: argparse.Namespace,
              prompt: str) -> Iterator[tuple[Path | str, Outcome]]:
    """Each input with what a batch or a concurrent run gave for it (None: describe it here, streaming)."""
    workers = concurrency(args, len(inputs))
    size = batch_size(engine, args, len(inputs))
    if workers > 1:
        return describe_concurrently(engine, inputs, args, prompt, workers)
    if size > 1:
        assert isinstance(engine, Qwen2VLEngine)  # only the local model batches
        return describe_in_batches(engine, inputs, args, prompt, size)
    return ((item, None) for item in inputs)


def _create_engine(args: argparse.Namespace) -> CaptionEngine:
    if args.engine != "remote":
        return create_engine(args.engine, model=args.model, device=args.device, dtype=args.dtype,
                             offline=True if args.offline else None)
    # No --api-key-env: INKSCOPE_API_KEY when set, else the key `config set-api-key` saved in the keyring.
    key_env = getattr(args, "api_key_env", None)
    return create_engine("remote", model=args.remote_model, base_url=args.base_url,
                         api_key_env=key_env, use_keyring=key_env is None, timeout=args.timeout,
                         deadline=getattr(args, "deadline", None))


def _describe_video(engine: CaptionEngine, path: Path, args: argparse.Namespace, prompt: str, output: Output,
                    name: str) -> CaptionResult:
    """Describe a video part by part (``--segment-seconds`` each), streaming each part after its time range;
    one part needs no heading. The parts' results are joined into one (``core.video_segments``, which the
    tray app shares)."""
    from inkscope_desktop.engines.local.video_reader import probe_video  # PyAV loads only once a video comes

    if args.engine == "remote":
        raise remote_video_error()
    info = probe_video(path)
    clip = VideoClip(str(path), end_s=info.duration_s, fps=getattr(args, "video_fps", None) or 1.0,
                     max_frames=getattr(args, "max_frames", None) or 64,
                     segment_s=getattr(args, "segment_seconds", None) or DEFAULT_SEGMENT_S)
    request = CaptionRequest(
        image=None,
        prompt=with_language(prompt, args.language),
        detail=Detail(args.detail),
        max_new_tokens=args.max_new_tokens,
        sampling=sampling(args),
        subject="video",
        source=str(path),
        video=clip,
    )
    output.started(name)
    return stream_to(output, SegmentedStream(engine.stream, request))


def _describe_one(engine: CaptionEngine, conversation: Conversation, prompt: str, output: Output,
                  name: str) -> CaptionResult:
    request = conversation.request(prompt)
    stream = engine.stream(request)
    output.started(name)
    return stream_to(output, stream)
