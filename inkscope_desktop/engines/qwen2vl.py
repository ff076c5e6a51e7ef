"""The Qwen2-VL engine: loads the Inkscope model with transformers and streams its answer token by token."""

from __future__ import annotations

import functools
import importlib.util
import logging
import queue
import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

from inkscope_desktop.core.errors import GenerationError, ModelError
from inkscope_desktop.core.prompts import build_messages
from inkscope_desktop.core.types import CaptionRequest, CaptionResult, StopReason, Timings, VideoClip
from inkscope_desktop.engines.video_reader import read_frames
from inkscope_desktop.engines.base import CaptionEngine, ProgressCallback
from inkscope_desktop.engines.model_source import DEFAULT_MODEL_ID, resolve_model
from inkscope_desktop.engines.torch_device import pick_device, pick_dtype

log = logging.getLogger(__name__)

#: How often the consumer wakes while waiting for a token, to notice a cancel or a dead generate thread.
POLL_S = 0.05


class Qwen2VLEngine(CaptionEngine):
    """Runs a Qwen2-VL checkpoint (the Inkscope fine-tune by default) through Hugging Face transformers.

    ``model`` is a hub id or a local folder. The prompt is built exactly as the model card does (chat
    template with an image item and a text item, ``qwen_vl_utils.process_vision_info``, then the processor),
    so the model sees the tokens it was fine-tuned on. ``generate_kwargs`` are passed to ``generate`` as-is
    (tests and benchmarks use ``min_new_tokens``).
    """

    name = "qwen2-vl"

    def __init__(
        self,
        model: str = DEFAULT_MODEL_ID,
        *,
        device: str = "auto",
        dtype: str = "auto",
        offline: bool | None = None,
        generate_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.model_source = model
        self._device_preference = device
        self._dtype_preference = dtype
        self._offline = offline
        self._generate_kwargs = dict(generate_kwargs or {})
        self._model: Any = None
        self._processor: Any = None
        self.device: str | None = None
        self.model_path: Path | None = None

    @classmethod
    def is_available(cls) -> bool:
        return all(importlib.util.find_spec(name) for name in ("torch", "transformers", "qwen_vl_utils"))

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def load(self, progress: ProgressCallback | None = None) -> None:
        if self.is_loaded:
            return
        started = time.perf_counter()
        if not self.is_available():
            raise ModelError(
                "The model libraries (torch, transformers, qwen-vl-utils) are not installed.",
                "Install them with: pip install 'inkscope-desktop'",
            )
        path = resolve_model(self.model_source, offline=self._offline, progress=progress)
        device = pick_device(self._device_preference)
        dtype = pick_dtype(device, self._dtype_preference)
        from transformers import AutoProcessor, Qwen2VLForConditionalGeneration
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # callers show their own status; keep stderr clean
        try:
            model = Qwen2VLForConditionalGeneration.from_pretrained(
                path,
                dtype=dtype,
                attn_implementation="sdpa",
                use_safetensors=True,
                trust_remote_code=False,
                local_files_only=True,
            )
            processor = AutoProcessor.from_pretrained(path, trust_remote_code=False, local_files_only=True)
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            raise ModelError(
                f"The model in {path} could not be loaded ({type(error).__name__}: {error}).",
                "Download it again with: inkscope-desktop model download, or choose another model folder.",
            ) from error
        self._model = model.to(device).eval()
        self._processor = processor
        self.device, self.model_path = device, path
        self.load_seconds = time.perf_counter() - started
        log.info("Loaded %s on %s as %s in %.1f s", path, device, dtype, self.load_seconds)

    def unload(self) -> None:
        self._model = self._processor = None
        if self.device and self.device.startswith("cuda"):
            import torch

            torch.cuda.empty_cache()

    def prepare_inputs(self, request: CaptionRequest) -> Any:
        """The model inputs for ``request``, built the way the model card's snippet builds them."""
        from qwen_vl_utils import process_vision_info

        self.load()
        messages = build_messages(request)
        text = self._processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        if request.video is not None:
            _decode_video_items(messages, request.video)
        image_inputs, video_inputs, video_kwargs = process_vision_info(messages, return_video_kwargs=True)
        video_kwargs = _processor_video_kwargs(video_kwargs, self._processor) if video_inputs is not None else {}
        inputs = self._processor(
            text=[text], images=image_inputs, videos=video_inputs, padding=True, return_tensors="pt",
            **video_kwargs,
        )
        return inputs.to(self.device)

    def generation_kwargs(self, request: CaptionRequest) -> dict[str, Any]:
        """``generate`` settings for ``request``: greedy unless sampling is asked for."""
        sampling = request.sampling
        kwargs: dict[str, Any] = {
            "max_new_tokens": request.max_new_tokens,
            "repetition_penalty": sampling.repetition_penalty,
            "do_sample": sampling.do_sample,
        }
        if sampling.do_sample:
            kwargs.update(temperature=sampling.temperature, top_p=sampling.top_p, top_k=0)
        else:
            kwargs.update(temperature=None, top_p=None, top_k=None)
        kwargs.update(self._generate_kwargs)
        return kwargs

    def _generate(
        self, request: CaptionRequest, cancel: threading.Event
    ) -> Generator[str, None, CaptionResult]:
        self.load()
        started = time.perf_counter()
        inputs = self.prepare_inputs(request)
        prepared = time.perf_counter()
        if cancel.is_set():  # superseded while preprocessing: skip the prefill
            return CaptionResult(text="", prompt=request.prompt, stop_reason=StopReason.CANCELLED,
                                 timings=Timings(preprocess_s=prepared - started), engine=self.name)
        prompt_tokens = int(inputs["input_ids"].shape[-1])
        image_tokens = sum(int(inputs[key].prod(dim=-1).sum()) // 4
                           for key in ("image_grid_thw", "video_grid_thw") if key in inputs)
        streamer = _TokenStreamer(self._processor.tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=POLL_S)
        run = _GenerateRun(self._model, dict(inputs), streamer, self.generation_kwargs(request), cancel)
        run.start()
        pieces: list[str] = []
        try:
            for chunk in run.chunks():
                if cancel.is_set():
                    break
                pieces.append(chunk)
                self.tokens_generated = streamer.new_tokens
                yield chunk
        finally:
            run.stop_and_join()
        if run.error is not None:
            raise _generation_error(run.error) from run.error
        ended = time.perf_counter()
        new_tokens = streamer.new_tokens
        if cancel.is_set():
            stop_reason = StopReason.CANCELLED
        elif new_tokens >= request.max_new_tokens:
            stop_reason = StopReason.LENGTH
        else:
            stop_reason = StopReason.FINISHED
        first = streamer.first_token_at or ended
        last = streamer.last_token_at or ended
        return CaptionResult(
            text="".join(pieces).strip(),
            prompt=request.prompt,
            stop_reason=stop_reason,
            prompt_tokens=prompt_tokens,
            image_tokens=image_tokens,
            new_tokens=new_tokens,
            timings=Timings(
                load_s=self.load_seconds,
                preprocess_s=prepared - started,
                first_token_s=first - prepared,
                decode_s=last - first,
                total_s=ended - started,
                decode_tokens_per_s=(new_tokens - 1) / (last - first) if new_tokens > 1 and last > first else 0.0,
            ),
            engine=self.name,
        )


def _decode_video_items(messages: list[dict[str, Any]], clip: VideoClip) -> None:
    """Put the clip's sampled frames in place of its path, with their sample rate.

    qwen-vl-utils reads a path with torchcodec, decord or ``torchvision.io.read_video``, which newer
    torchvision no longer has; a frame list is its other documented input, so the frames are read here
    with PyAV (fps, frame cap and time range applied) and qwen-vl-utils resizes them as usual.
    """
    frames, sample_fps = read_frames(clip)
    for message in messages:
        for item in message["content"]:
            if isinstance(item, dict) and item.get("type") == "video":
                item.pop("fps", None)
                item.update(video=frames, sample_fps=sample_fps)


def _processor_video_kwargs(video_kwargs: dict[str, Any], processor: Any) -> dict[str, Any]:
    """qwen-vl-utils' video kwargs as transformers 5 takes them: its ``fps`` list (one rate per video, kept
    for Qwen2.5-VL) becomes the one video's rate, and the frames keep the size qwen-vl-utils gave them
    (frame cap and per-frame pixel limit applied) instead of the video processor's own defaults."""
    kwargs = dict(video_kwargs, do_resize=False)  # qwen-vl-utils has sized the frames already
    if hasattr(getattr(processor, "video_processor", None), "cap_pixels_per_frame"):  # transformers >= 5.2x
        kwargs["cap_pixels_per_frame"] = True  # the reference behaviour; also silences its warning
    fps = kwargs.get("fps")
    if isinstance(fps, (list, tuple)):
        if len(fps) == 1:
            kwargs["fps"] = fps[0]
        else:
            kwargs.pop("fps")
    return kwargs


def _generation_error(error: BaseException) -> GenerationError:
    if "out of memory" in str(error).lower() or type(error).__name__ == "OutOfMemoryError":
        return GenerationError(
            "The GPU ran out of memory while describing.",
            "Choose a lower detail level, close other GPU programs, or use --device cpu.",
        )
    return GenerationError(
        f"The model failed while generating ({type(error).__name__}: {error}).",
        "Try again; if it keeps failing, reload the model or choose --device cpu.",
    )


class _GenerateRun:
    """``model.generate`` in its own thread; its chunks, its error, and a stop that takes effect within a token."""

    def __init__(self, model: Any, inputs: dict[str, Any], streamer: "_TokenStreamer",
                 kwargs: dict[str, Any], cancel: threading.Event) -> None:
        from transformers import StoppingCriteriaList

        self._stop = threading.Event()
        self._cancel = cancel
        self._streamer = streamer
        self.error: BaseException | None = None
        criteria = StoppingCriteriaList([_EventStoppingCriteria(cancel, self._stop)])
        self._thread = threading.Thread(
            target=self._run,
            args=(model, dict(inputs, streamer=streamer, stopping_criteria=criteria, **kwargs)),
            name="inkscope-generate",
            daemon=True,
        )

    def start(self) -> None:
        self._thread.start()

    def _run(self, model: Any, kwargs: dict[str, Any]) -> None:
        import torch

        try:
            with torch.inference_mode():
                model.generate(**kwargs)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, which raises it
            self.error = error
            self._streamer.end()  # wake the consumer now instead of at its next poll

    def chunks(self) -> Generator[str, None, None]:
        """Text as the streamer releases it; ends when generation ends, fails, or is cancelled."""
        while True:
            try:
                chunk = next(self._streamer)
            except StopIteration:
                return
            except queue.Empty:
                if self._cancel.is_set():
                    return
                if not self._thread.is_alive():  # ended: what it queued before ending is still ours
                    yield from self._drain()
                    return
                continue
            if chunk:
                yield chunk

    def _drain(self) -> Generator[str, None, None]:
        while True:
            try:
                chunk = self._streamer.text_queue.get_nowait()
            except queue.Empty:
                return
            if chunk is self._streamer.stop_signal:
                return
            if chunk:
                yield chunk

    def stop_and_join(self) -> None:
        self._stop.set()
        self._thread.join()


class _EventStoppingCriteria:
    """Ends generation after the current token once either event is set."""

    def __init__(self, *events: threading.Event) -> None:
        self._events = events

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        is_set = any(event.is_set() for event in self._events)
        return torch.full((input_ids.shape[0],), is_set, dtype=torch.bool, device=input_ids.device)


@functools.cache
def _token_streamer_class() -> type:
    from transformers import TextIteratorStreamer

    class TokenStreamer(TextIteratorStreamer):
        """A TextIteratorStreamer that also counts new tokens and notes when the first and last arrived."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.new_tokens = 0
            self.first_token_at: float | None = None
            self.last_token_at: float | None = None

        def put(self, value: Any) -> None:
            if not (self.skip_prompt and self.next_tokens_are_prompt):
                now = time.perf_counter()
                self.new_tokens += int(value.shape[-1]) if value.dim() > 1 else int(value.numel())
                self.first_token_at = self.first_token_at or now
                self.last_token_at = now
            super().put(value)

    return TokenStreamer


def _TokenStreamer(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 - builds the class lazily (no import-time torch)
    return _token_streamer_class()(*args, **kwargs)
