"""Folders on a GPU: several images through one ``generate`` call, results handed out in input order.

At batch 1 a 2B model's decode step reads all its weights to make one token; at batch 16 the same read makes
sixteen. Prompts are padded on the left (the model continues every row from its last position), each row is
cut at its first end token, and a blank image is answered by the blank guard without taking a place in the
batch. The batch size comes from free GPU memory unless the caller gives one; when memory runs out anyway,
the batch is halved and retried, down to one image, which then fails with the usual out-of-memory advice; any
other failure of a batch describes its images one by one, so one bad file costs only its own caption.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from inkscope_desktop.core.blank import blank_colour
from inkscope_desktop.core.errors import InkscopeError, InputFailedError
from inkscope_desktop.core.prompts import build_messages
from inkscope_desktop.core.types import (
    PIXELS_PER_TOKEN,
    CaptionRequest,
    CaptionResult,
    Detail,
    StopReason,
    Timings,
)
from inkscope_desktop.engines.local.generation import EventStoppingCriteria

if TYPE_CHECKING:
    from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

log = logging.getLogger(__name__)

#: The largest batch chosen on its own; more gains little once decode is compute-bound.
MAX_AUTO_BATCH = 32
#: The share of free GPU memory a batch may plan to use (the rest absorbs estimate errors and fragmentation).
MEMORY_SHARE = 0.6


def choose_batch_size(engine: "Qwen2VLEngine", detail: Detail, max_new_tokens: int) -> int:
    """How many images of ``detail`` fit in free GPU memory at once (1 off the GPU)."""
    engine.load()
    device = engine.device or "cpu"
    if not device.startswith("cuda"):
        return 1
    import torch

    free, _total = torch.cuda.mem_get_info(device)
    per_image = memory_per_image(engine._model.config, detail, max_new_tokens, engine._model.dtype.itemsize)
    return max(1, min(MAX_AUTO_BATCH, int(free * MEMORY_SHARE // per_image)))


def memory_per_image(config: Any, detail: Detail, max_new_tokens: int, dtype_bytes: int) -> int:
    """Bytes one more image in a batch needs: its KV cache and its share of the vision encoder's activations."""
    text = config.get_text_config(decoder=True) if hasattr(config, "get_text_config") else config
    head_dim = getattr(text, "head_dim", None) or text.hidden_size // text.num_attention_heads
    kv_per_token = 2 * text.num_hidden_layers * text.num_key_value_heads * head_dim * dtype_bytes
    image_tokens = detail.max_pixels // PIXELS_PER_TOKEN
    tokens = image_tokens + 160 + max_new_tokens
    vision: Any = getattr(config, "vision_config", None)
    vision_width: int = getattr(vision, "embed_dim", None) or getattr(vision, "hidden_size", None) or 1280
    patches = 4 * image_tokens  # 2x2 patches merge into one token
    vision_activations = patches * vision_width * dtype_bytes * 24  # attention + 4x MLP, with headroom
    logits = text.vocab_size * 4 * 2  # float32 scores of the last position, and their processed copy
    return kv_per_token * tokens + vision_activations + logits


def describe_in_batches(engine: "Qwen2VLEngine", requests: Iterable[CaptionRequest | InkscopeError],
                        batch_size: int) -> Iterator[CaptionResult | InkscopeError]:
    """Results for ``requests`` in their order, ``batch_size`` at a time; an InkscopeError given in place of
    a request (an image that would not load) comes back in its place, and so does one raised for a request."""
    pending: list[CaptionRequest | InkscopeError] = []
    for request in requests:
        pending.append(request)
        if len(pending) >= batch_size:
            yield from _run(engine, pending, batch_size)
            pending = []
    if pending:
        yield from _run(engine, pending, batch_size)


def _run(engine: "Qwen2VLEngine", items: list[CaptionRequest | InkscopeError],
         batch_size: int) -> Iterator[CaptionResult | InkscopeError]:
    from inkscope_desktop.engines.local.gpu_memory import is_out_of_memory

    outcomes: dict[int, CaptionResult | InkscopeError] = {}
    live: list[int] = []
    for index, item in enumerate(items):
        if isinstance(item, InkscopeError):
            outcomes[index] = item
        elif item.video is not None or item.image is None or blank_colour(item.image) is not None:
            outcomes[index] = _alone(engine, item)  # a video, or the blank guard's notice
        else:
            live.append(index)
    if len(live) == 1:  # nothing to batch with
        only = live.pop()
        outcomes[only] = _alone(engine, items[only])  # type: ignore[arg-type]
    size = max(1, batch_size)
    start = 0
    while start < len(live):
        chunk = live[start:start + size]
        try:
            results = describe_batch(engine, [items[index] for index in chunk])  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 - out of memory shrinks the batch; anything else goes one by one
            if is_out_of_memory(error) and size > 1:
                size = max(1, size // 2)
                log.warning("Out of GPU memory at a batch of %d images; retrying %d at a time", len(chunk), size)
                continue
            log.warning("A batch of %d images failed (%s); describing them one by one", len(chunk), error)
            for index in chunk:
                outcomes[index] = _alone(engine, items[index])  # type: ignore[arg-type]
            start += len(chunk)
            continue
        outcomes.update(zip(chunk, results, strict=True))
        start += len(chunk)
    for index in range(len(items)):
        yield outcomes[index]


def _alone(engine: "Qwen2VLEngine", request: CaptionRequest) -> CaptionResult | InkscopeError:
    try:
        return engine.describe(request)
    except InkscopeError as error:
        return error
    except Exception as error:  # one input's unforeseen failure: its row, the log, go on
        log.exception("Describing one image of a batch failed")
        return InputFailedError.from_exception(error)


def describe_batch(engine: "Qwen2VLEngine", requests: list[CaptionRequest],
                   cancel: threading.Event | None = None) -> list[CaptionResult]:
    """One ``generate`` call for all ``requests`` (images; the same sampling and token limit for all)."""
    import torch
    from qwen_vl_utils import process_vision_info
    from transformers import StoppingCriteriaList

    from inkscope_desktop.engines.local.image_reuse import image_processor_device

    engine.load()
    if len({(request.max_new_tokens, request.sampling) for request in requests}) > 1:
        raise ValueError("a batch needs the same max_new_tokens and sampling for every request")
    started = time.perf_counter()
    processor, model = engine._processor, engine._model
    texts, images = [], []
    for request in requests:
        messages = build_messages(request)
        texts.append(processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))
        images.extend(process_vision_info(messages)[0])
    tokenizer = processor.tokenizer
    side, tokenizer.padding_side = tokenizer.padding_side, "left"
    try:
        inputs = processor(text=texts, images=images, padding=True, return_tensors="pt", do_resize=False,
                           **image_processor_device(processor, engine.device))
    finally:
        tokenizer.padding_side = side
    inputs = inputs.to(engine.device)
    prepared = time.perf_counter()
    cancel = cancel or threading.Event()
    kwargs = dict(engine.generation_kwargs(requests[0]),
                  stopping_criteria=StoppingCriteriaList([EventStoppingCriteria(cancel)]))

    def generate() -> Any:
        with torch.inference_mode():
            return model.generate(**inputs, **kwargs)

    assert engine._worker is not None
    try:
        output = engine._worker.call(generate)
    except BaseException:
        cancel.set()  # Ctrl+C while waiting: the batch stops at its next token
        raise
    ended = time.perf_counter()
    prompt_length = int(inputs["input_ids"].shape[1])
    ends = _end_token_ids(model, tokenizer)
    padding = inputs["attention_mask"].sum(dim=1).tolist()
    grid_tokens = (inputs["image_grid_thw"].prod(dim=-1) // 4).tolist()
    results = []
    for row, request in enumerate(requests):
        tokens = output[row, prompt_length:].tolist()
        count = next((index + 1 for index, token in enumerate(tokens) if token in ends), len(tokens))
        text = tokenizer.decode(tokens[:count], skip_special_tokens=True).strip()
        stop = StopReason.LENGTH if count >= request.max_new_tokens and tokens[count - 1] not in ends \
            else StopReason.FINISHED
        if cancel.is_set():
            stop = StopReason.CANCELLED
        results.append(CaptionResult(
            text=text, prompt=request.prompt, stop_reason=stop, prompt_tokens=int(padding[row]),
            image_tokens=int(grid_tokens[row]), new_tokens=count, engine=engine.name,
            timings=Timings(load_s=engine.load_seconds, preprocess_s=(prepared - started) / len(requests),
                            total_s=(ended - started) / len(requests)),
        ))
    return results


def _end_token_ids(model: Any, tokenizer: Any) -> set[int]:
    ends = model.generation_config.eos_token_id
    ids = set(ends if isinstance(ends, (list, tuple)) else [ends] if ends is not None else [])
    ids.update(tokenizer.convert_tokens_to_ids(token) for token in ("<|im_end|>", "<|endoftext|>"))
    return {token for token in ids if isinstance(token, int) and token >= 0}
