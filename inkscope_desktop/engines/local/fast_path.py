"""The GPU fast path: a static KV cache in a few fixed lengths and a compiled decode step.

Plain ``generate`` re-plans every decode step in Python and grows its KV cache by concatenation, which keeps
a 2B model at a few percent of what the GPU's memory bandwidth allows. With a static cache, every decode step
has the same shapes, so ``generate`` compiles the step once (``torch.compile``, CUDA graphs) and replays it.

Shapes must repeat for that to pay: the cache length is rounded up to one of ``CACHE_BUCKETS``, and each
bucket's cache is kept and reused (reset between requests) so the compiled graphs see the same tensors.
The decode step's shapes do not depend on the prompt beyond the cache length, so images of any size at any
detail level reuse the same compiled step. The engine warms the buckets a first caption and a first follow-up
at the default detail fall in right after loading, so the user's first request pays no compile cost.

Where compiling is unavailable (CPU, Apple GPUs, Windows without Triton, an old transformers) the engine
uses plain ``generate`` and logs why.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections import OrderedDict
from typing import Any

log = logging.getLogger(__name__)

#: Static cache lengths in tokens. KV memory per token of the 2B decoder is 28 KiB in bf16, so the largest
#: bucket holds 448 MiB; attention over the unused tail costs far less than reading the weights.
CACHE_BUCKETS: tuple[int, ...] = (2048, 4096, 8192, 16384)
#: How many buckets' caches stay allocated at once (the least recently used one is freed beyond that).
KEPT_CACHES = 2
#: Set to 0, off or no to turn the fast path off (for comparisons and for drivers that misbehave).
ENV_SWITCH = "INKSCOPE_FAST_PATH"
MODES = ("auto", "off", "force")


def unavailable_reason(device: str, mode: str = "auto") -> str | None:
    """Why the fast path cannot run on ``device`` (None when it can).

    ``mode`` "off" turns it off, "force" also compiles on the CPU (used by tests to check the static-cache
    path gives the same tokens; it is slower there than plain ``generate`` for small models).
    """
    if mode not in MODES:
        raise ValueError(f"fast path mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "off":
        return "turned off"
    if os.environ.get(ENV_SWITCH, "").strip().lower() in {"0", "off", "no", "false"}:
        return f"turned off by {ENV_SWITCH}"
    import torch

    try:
        from transformers import StaticCache  # noqa: F401
        from transformers.generation import CompileConfig
    except ImportError:
        return "this transformers has no static cache or CompileConfig (4.48 or newer is needed)"
    if mode == "force":
        if not hasattr(CompileConfig, "_compile_all_devices"):
            return "this transformers compiles only on GPUs"
        return None
    if not device.startswith("cuda"):
        return f"compiling the decode step pays only on CUDA GPUs (device is {device})"
    if not torch._dynamo.is_dynamo_supported():
        return "torch.compile is not supported with this Python and torch"
    if importlib.util.find_spec("triton") is None:
        return "Triton is not installed (torch.compile needs it on the GPU)"
    return None


def cache_argument_name() -> str:
    """``generate``'s keyword for a cache object: "cache" in newer transformers, "past_key_values" before."""
    try:
        from transformers.generation.utils import ALL_CACHE_NAMES
    except ImportError:
        return "past_key_values"
    return "cache" if "cache" in ALL_CACHE_NAMES else "past_key_values"


def bucket_for(tokens: int) -> int | None:
    """The smallest cache length that holds ``tokens`` (None beyond the largest: the plain path is used)."""
    return next((length for length in CACHE_BUCKETS if length >= tokens), None)


class FastPath:
    """Static caches by bucket and the compile settings ``generate`` needs to use them."""

    def __init__(self, model: Any, device: str) -> None:
        from transformers.generation import CompileConfig

        config = model.config
        self._text_config = config.get_text_config(decoder=True) if hasattr(config, "get_text_config") else config
        if device.startswith("cuda"):
            self._compile_config = CompileConfig()  # inductor, CUDA graphs ("reduce-overhead")
        else:  # forced on the CPU: no CUDA graphs there
            self._compile_config = CompileConfig(mode="default")
            setattr(self._compile_config, "_compile_all_devices", True)  # noqa: B010 - a private switch
        self._cache_argument = cache_argument_name()
        self._caches: OrderedDict[int, Any] = OrderedDict()
        self.used_buckets: set[int] = set()

    def generate_kwargs(self, prompt_tokens: int, max_new_tokens: int, *, at_least: int = 0) -> dict[str, Any] | None:
        """``generate`` kwargs with a static cache for this prompt (None: too long, use the plain path).

        The cache still holds the previous request's keys and values: call ``reset_cache(kwargs)`` on the
        generation thread, inside the same inference mode that created its tensors, before ``generate``.
        """
        length = bucket_for(max(prompt_tokens + max_new_tokens, at_least))
        if length is None:
            return None
        self.used_buckets.add(length)
        return {self._cache_argument: self._cache(length), "compile_config": self._compile_config}

    def reset_cache(self, kwargs: dict[str, Any]) -> None:
        cache = kwargs.get(self._cache_argument)
        if cache is not None:
            cache.reset()

    def _cache(self, length: int) -> Any:
        from transformers import StaticCache

        if length in self._caches:
            self._caches.move_to_end(length)
            return self._caches[length]
        while len(self._caches) >= KEPT_CACHES:
            self._caches.popitem(last=False)
        cache = StaticCache(config=self._text_config, max_cache_len=length)
        self._caches[length] = cache
        return cache

    def release(self) -> None:
        """Free every cache (the model is being unloaded, or memory ran out)."""
        self._caches.clear()


def warm_up_lengths(max_image_tokens: int, max_new_tokens: int, text_tokens: int = 160) -> list[int]:
    """The buckets a first caption and a first follow-up of that size fall in, in order, without repeats."""
    first = bucket_for(max_image_tokens + text_tokens + max_new_tokens)
    follow_up = bucket_for(max_image_tokens + 2 * text_tokens + 2 * max_new_tokens)
    return [length for length in dict.fromkeys((first, follow_up)) if length is not None]
