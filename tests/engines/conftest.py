"""Engine fixtures: a logits processor that scripts what the tiny model says, and requests for it."""

from __future__ import annotations

from typing import Any

import pytest

from inkscope_desktop.core.types import CaptionRequest


class ScriptedLogits:
    """Forces ``generate`` to emit ``token_ids`` one per step (then keeps emitting the last one).

    Lets a test run the real model, processor, streamer and stopping logic while knowing the exact text.
    ``fail_at`` raises ``error`` at that step instead, to test failures inside ``generate``.
    """

    def __init__(self, token_ids: list[int], *, fail_at: int | None = None,
                 error: BaseException | None = None) -> None:
        self.token_ids = token_ids
        self.fail_at = fail_at
        self.error = error or RuntimeError("scripted failure")
        self.prompt_length: int | None = None
        self.steps = 0

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        if self.prompt_length is None:
            self.prompt_length = input_ids.shape[1]
        step = input_ids.shape[1] - self.prompt_length
        self.steps = step + 1
        if self.fail_at is not None and step >= self.fail_at:
            raise self.error
        forced = torch.full_like(scores, float("-inf"))
        forced[:, self.token_ids[min(step, len(self.token_ids) - 1)]] = 0.0
        return forced


@pytest.fixture
def scripted(tiny_engine):
    """Returns ``make(text, end=True, **kw) -> (engine, logits)``: a loaded tiny engine that says ``text``."""
    from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine
    from transformers import LogitsProcessorList

    def make(text: str, *, end: bool = True, **kwargs: Any) -> tuple[Qwen2VLEngine, ScriptedLogits]:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(tiny_engine.model_path)
        ids = tokenizer.encode(text, add_special_tokens=False)
        if end:
            ids.append(tokenizer.convert_tokens_to_ids("<|im_end|>"))
        processor = ScriptedLogits(ids, **kwargs)
        engine = Qwen2VLEngine(str(tiny_engine.model_path), device="cpu",
                               generate_kwargs={"logits_processor": LogitsProcessorList([processor])})
        engine.load()
        return engine, processor

    return make


@pytest.fixture
def request_for(noise_image):
    def make(prompt: str = "Generate a detailed caption for this image.", **kwargs: Any) -> CaptionRequest:
        return CaptionRequest(image=noise_image, prompt=prompt, **kwargs)

    return make
