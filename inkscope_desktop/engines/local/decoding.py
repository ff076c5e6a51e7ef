"""What ``generate`` is told beyond the checkpoint's own ``generation_config.json``: only what the user chose.

The checkpoint's config holds the decoding its authors meant (Qwen2-VL-Instruct's: ``repetition_penalty`` 1.05,
and ``top_k`` 1 sampling, which decodes greedily); the model card's snippet gets exactly that by calling
``generate`` with nothing but ``max_new_tokens``. So Inkscope passes:

- always ``max_new_tokens`` and ``do_sample`` (greedy is the default, and stays greedy: the config's
  temperature, top-p and top-k are switched off so they can't turn it into sampling or warn);
- ``repetition_penalty``, ``temperature``, ``top_p`` only where the user set them;
- when the user asks for sampling and the config's own sampling is greedy in disguise (``top_k`` 1), the
  usual sampling values (temperature 0.7, top-p 0.9, no top-k) where the user set none, so sampling varies.
"""

from __future__ import annotations

from typing import Any

from inkscope_desktop.core.types import Sampling

SAMPLING_TEMPERATURE, SAMPLING_TOP_P = 0.7, 0.9


def generation_overrides(sampling: Sampling, config: Any, max_new_tokens: int) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"max_new_tokens": max_new_tokens, "do_sample": sampling.do_sample}
    if sampling.repetition_penalty is not None:
        kwargs["repetition_penalty"] = sampling.repetition_penalty
    if not sampling.do_sample:
        kwargs.update(temperature=None, top_p=None, top_k=None)
        return kwargs
    if getattr(config, "top_k", None) == 1 or not getattr(config, "do_sample", False):
        kwargs.update(temperature=sampling.temperature if sampling.temperature is not None else SAMPLING_TEMPERATURE,
                      top_p=sampling.top_p if sampling.top_p is not None else SAMPLING_TOP_P, top_k=0)
        return kwargs
    if sampling.temperature is not None:
        kwargs["temperature"] = sampling.temperature
    if sampling.top_p is not None:
        kwargs["top_p"] = sampling.top_p
    return kwargs
