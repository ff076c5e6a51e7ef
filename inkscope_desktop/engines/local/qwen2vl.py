"""The Qwen2-VL engine: loads the Inkscope model with transformers and streams its answer token by token."""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

from inkscope_desktop.core.errors import ModelError
from inkscope_desktop.core.prompts import build_messages
from inkscope_desktop.core.types import (
    PIXELS_PER_TOKEN,
    CaptionRequest,
    CaptionResult,
    Detail,
    StopReason,
    Timings,
)
from inkscope_desktop.engines.local import fast_path as fast_path_module
from inkscope_desktop.engines.local import gpu_memory
from inkscope_desktop.engines.base import CaptionEngine, ProgressCallback
from inkscope_desktop.engines.local.loading import load_model, warm_up_image
from inkscope_desktop.engines.local.generation import POLL_S, GenerateRun, GenerationThread, token_streamer
from inkscope_desktop.engines.local.image_reuse import ImageReuse, image_processor_device
from inkscope_desktop.core.vocabulary import DEFAULT_MODEL_ID
from inkscope_desktop.engines.hub.model_source import resolve_model
from inkscope_desktop.engines.local.torch_device import pick_device, pick_dtype
from inkscope_desktop.engines.local.video_inputs import decode_video_items, processor_video_kwargs

log = logging.getLogger(__name__)

#: The modules the local model imports, and the packages that bring them.
REQUIRED_LIBRARIES = (("torch", "torch"), ("torchvision", "torchvision"), ("transformers", "transformers"),
                      ("qwen_vl_utils", "qwen-vl-utils"))


class Qwen2VLEngine(CaptionEngine):
    """Runs a Qwen2-VL checkpoint (the Inkscope fine-tune by default) through Hugging Face transformers.

    ``model`` is a hub id or a local folder. The prompt is built exactly as the model card does (chat
    template with an image item and a text item, ``qwen_vl_utils.process_vision_info``, then the processor),
    so the model sees the tokens it was fine-tuned on. ``generate_kwargs`` are passed to ``generate`` as-is
    (tests and benchmarks use ``min_new_tokens``).

    ``fast_path`` ("auto", "off", "force") chooses the static-cache, compiled-decode path of
    ``engines.fast_path``: "auto" uses it on CUDA where torch.compile works, "force" also on the CPU (tests).
    ``warm_detail`` is the detail level whose shapes are compiled right after loading.
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
        fast_path: str = "auto",
        warm_detail: Detail = Detail.NORMAL,
    ) -> None:
        if fast_path not in fast_path_module.MODES:
            raise ValueError(f"fast_path must be one of {', '.join(fast_path_module.MODES)}, not {fast_path!r}")
        self.model_source = model
        self._device_preference = device
        self._dtype_preference = dtype
        self._offline = offline
        self._generate_kwargs = dict(generate_kwargs or {})
        self._fast_mode = fast_path
        self._warm_detail = warm_detail
        self._model: Any = None
        self._processor: Any = None
        self._worker: GenerationThread | None = None
        self._fast: fast_path_module.FastPath | None = None
        self._reuse: ImageReuse | None = None
        self.device: str | None = None
        self.model_path: Path | None = None
        #: One line on how generation runs here ("static cache and compiled decode …" or "plain generate: why").
        self.fast_path_note = "not loaded"
        #: Bytes of GPU memory the loaded model holds, and the peak of the last caption (0 off the GPU).
        self.memory_after_load = 0
        self.last_peak_memory = 0

    def availability_problem(self) -> ModelError | None:
        """Which of the model's libraries are not installed (found without importing them), or None."""
        missing = [package for module, package in REQUIRED_LIBRARIES if importlib.util.find_spec(module) is None]
        if not missing:
            return None
        return ModelError(f"The local model needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} "
                          "not installed.", "Install Inkscope with its dependencies (pip install inkscope-desktop), "
                          "or describe with a remote server (Settings, Model).")

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    @property
    def uses_fast_path(self) -> bool:
        return self._fast is not None

    def load(self, progress: ProgressCallback | None = None) -> None:
        if self.is_loaded:
            return
        started = time.perf_counter()
        problem = self.availability_problem()
        if problem is not None:
            raise problem
        path = resolve_model(self.model_source, offline=self._offline, progress=progress)
        device = pick_device(self._device_preference)
        dtype = pick_dtype(device, self._dtype_preference)
        model, processor = load_model(path, device, dtype)
        self._model, self._processor = model, processor
        self._worker = GenerationThread()
        self._reuse = ImageReuse(model, processor)
        self.device, self.model_path = device, path
        self.memory_after_load = gpu_memory.allocated(device)
        self._prepare_fast_path()
        self.load_seconds = time.perf_counter() - started
        log.info("Loaded %s on %s as %s in %.1f s (%s); %s", path, device, dtype, self.load_seconds,
                 self.memory_note(), self.fast_path_note)

    def unload(self) -> None:
        if self._worker is not None:
            self._worker.close()
        if self._fast is not None:
            self._fast.release()
        self._model = self._processor = self._worker = self._fast = self._reuse = None
        if self.device and self.device.startswith("cuda"):
            import torch

            torch.cuda.empty_cache()

    def memory_note(self) -> str:
        """GPU memory after loading and at the last caption's peak, in words ("no GPU memory used" off the GPU)."""
        if not (self.device or "").startswith("cuda"):
            return "no GPU memory used"
        note = f"{self.memory_after_load / 2**30:.2f} GiB of GPU memory after loading"
        if self.last_peak_memory:
            note += f", {self.last_peak_memory / 2**30:.2f} GiB at the last caption's peak"
        return note

    def _prepare_fast_path(self) -> None:
        """Turn the fast path on where it can run and compile its shapes now, so no request pays for it."""
        reason = fast_path_module.unavailable_reason(self.device or "cpu", self._fast_mode)
        if reason is not None:
            self.fast_path_note = f"plain generate ({reason})"
            return
        started = time.perf_counter()
        self.report_stage("Preparing the GPU for fast descriptions; this takes longest on the first start…")
        self._fast = fast_path_module.FastPath(self._model, self.device or "cpu")
        detail = self._warm_detail
        lengths = fast_path_module.warm_up_lengths(detail.max_pixels // PIXELS_PER_TOKEN, 512)
        image = warm_up_image()
        rounds = 2 if (self.device or "").startswith("cuda") else 1  # CUDA graphs record on the second call
        try:
            for length in lengths:
                for _ in range(rounds):
                    request = CaptionRequest(image=image, prompt="Describe this image.", detail=detail,
                                             max_new_tokens=4)
                    stream = self._generate(request, threading.Event(), cache_at_least=length,
                                            extra={"min_new_tokens": 4})
                    for _chunk in stream:
                        pass
        except Exception as error:  # noqa: BLE001 - any failure here means: use the plain path
            self._fast.release()
            self._fast = None
            self.fast_path_note = f"plain generate (compiling the decode step failed: {type(error).__name__}: {error})"
            log.warning("Fast path off: %s", self.fast_path_note)
        else:
            self.fast_path_note = (f"static cache and compiled decode, warmed for {', '.join(map(str, lengths))} "
                                   f"tokens in {time.perf_counter() - started:.1f} s")
        finally:
            if self._reuse is not None:
                self._reuse.clear()

    def prepare_inputs(self, request: CaptionRequest) -> Any:
        """The model inputs for ``request``, built the way the model card's snippet builds them.

        The image is resized once (by qwen-vl-utils, to the detail level's pixel limits); the processor is
        told not to resize it again, which gives the same pixels. A follow-up about the same image reuses
        the last image's preprocessed pixels and vision features (``ImageReuse``).
        """
        from qwen_vl_utils import process_vision_info

        self.load()
        messages = build_messages(request)
        text = self._processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        if request.video is not None:
            decode_video_items(messages, request.video)
            image_inputs, video_inputs, video_kwargs = process_vision_info(messages, return_video_kwargs=True)
            inputs = self._processor(text=[text], images=image_inputs, videos=video_inputs, padding=True,
                                     return_tensors="pt", **processor_video_kwargs(video_kwargs, self._processor))
            return inputs.to(self.device)
        limits = (request.detail.min_pixels, request.detail.max_pixels)
        assert self._reuse is not None
        reused = self._reuse.inputs_for(request.image, limits, text, self.device or "cpu")
        if reused is not None:
            return reused
        image_inputs, _ = process_vision_info(messages)
        inputs = self._processor(text=[text], images=image_inputs, padding=True, return_tensors="pt",
                                 do_resize=False, **image_processor_device(self._processor, self.device)
                                 ).to(self.device)
        self._reuse.remember(request.image, limits, inputs)
        return inputs

    def generation_kwargs(self, request: CaptionRequest) -> dict[str, Any]:
        """``generate`` settings for ``request`` over the checkpoint's own generation config (see
        ``decoding.generation_overrides``)."""
        from inkscope_desktop.engines.local.decoding import generation_overrides

        config = getattr(self._model, "generation_config", None) if self._model is not None else None
        kwargs = generation_overrides(request.sampling, config, request.max_new_tokens)
        kwargs.update(self._generate_kwargs)
        return kwargs

    def _generate(
        self, request: CaptionRequest, cancel: threading.Event, *, cache_at_least: int = 0,
        extra: dict[str, Any] | None = None,
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
        kwargs = dict(self.generation_kwargs(request), **(extra or {}))
        fast = self._fast.generate_kwargs(prompt_tokens, request.max_new_tokens, at_least=cache_at_least) \
            if self._fast is not None else None
        kwargs.update(fast or {})
        gpu_memory.reset_peak(self.device)
        streamer = token_streamer(self._processor.tokenizer, skip_prompt=True, skip_special_tokens=True,
                                  timeout=POLL_S)
        assert self._worker is not None
        before = functools.partial(self._fast.reset_cache, fast) if fast and self._fast else None
        run = GenerateRun(self._worker, self._model, dict(inputs), streamer, kwargs, cancel, before)
        del inputs
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
        self.last_peak_memory = gpu_memory.peak(self.device)
        if run.error is not None:
            raise gpu_memory.generation_error(run.error) from run.error
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
            timings=Timings.measured(started=started, prepared=prepared, first=first, last=last, ended=ended,
                                     new_tokens=new_tokens, load_s=self.load_seconds),
            engine=self.name,
        )
