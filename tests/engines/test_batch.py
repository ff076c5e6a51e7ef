"""Folders in batches: one generate for several images, the same captions as one at a time, results in input
order, blank images and bad files in their places, and out-of-memory met by smaller batches."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image
from transformers import AutoConfig, LogitsProcessorList

from inkscope_desktop.core.errors import ImageError
from inkscope_desktop.core.types import CaptionRequest, Detail, StopReason
from inkscope_desktop.engines.local import batch
from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

pytestmark = pytest.mark.model

TOKENS = 12


def _noise(width: int, height: int, seed: int) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


def _request(image: Image.Image, **kwargs: Any) -> CaptionRequest:
    return CaptionRequest(image=image, prompt="Generate a detailed caption for this image.",
                          max_new_tokens=TOKENS, **kwargs)


@pytest.fixture(scope="module")
def engine(tiny_model_dir):
    engine = Qwen2VLEngine(str(tiny_model_dir), device="cpu", generate_kwargs={"min_new_tokens": TOKENS})
    engine.load()
    yield engine
    engine.unload()


def test_a_batch_gives_the_captions_one_at_a_time_gives(engine):
    # Different sizes give different image-token counts, so the shorter prompts are padded on the left.
    requests = [_request(_noise(400, 300, 1)), _request(_noise(640, 200, 2)), _request(_noise(300, 500, 3))]
    together = batch.describe_batch(engine, requests)
    alone = [engine.describe(request) for request in requests]
    assert len({result.prompt_tokens for result in together}) == 3
    for mine, single in zip(together, alone):
        assert mine.text == single.text
        assert mine.new_tokens == single.new_tokens == TOKENS
        assert (mine.prompt_tokens, mine.image_tokens) == (single.prompt_tokens, single.image_tokens)
        assert mine.stop_reason is StopReason.LENGTH


class _EndRowsAt:
    """Forces row i to say "ab…" and end with <|im_end|> after ``lengths[i]`` letters."""

    def __init__(self, tokenizer: Any, lengths: list[int]) -> None:
        self.letter = tokenizer.encode("a", add_special_tokens=False)[0]
        self.end = tokenizer.convert_tokens_to_ids("<|im_end|>")
        self.lengths = lengths
        self.prompt_length: int | None = None

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        self.prompt_length = self.prompt_length or input_ids.shape[1]
        step = input_ids.shape[1] - self.prompt_length
        forced = torch.full_like(scores, float("-inf"))
        for row, length in enumerate(self.lengths):
            forced[row, self.end if step >= length else self.letter] = 0.0
        return forced


def test_each_row_ends_at_its_own_end_token(tiny_model_dir):
    engine = Qwen2VLEngine(str(tiny_model_dir), device="cpu")
    engine.load()
    script = _EndRowsAt(engine._processor.tokenizer, [3, 7, 1])
    engine._generate_kwargs = {"logits_processor": LogitsProcessorList([script])}
    results = batch.describe_batch(engine, [_request(_noise(200, 200, seed)) for seed in range(3)])
    assert [result.text for result in results] == ["aaa", "aaaaaaa", "a"]
    assert [result.new_tokens for result in results] == [4, 8, 2]  # the end token counts, as when streaming
    assert all(result.stop_reason is StopReason.FINISHED for result in results)
    engine.unload()


def test_results_come_in_input_order_with_blank_images_and_bad_files_in_place(engine, monkeypatch):
    calls: list[int] = []
    real = batch.describe_batch
    monkeypatch.setattr(batch, "describe_batch", lambda eng, requests: calls.append(len(requests)) or real(eng, requests))
    black = Image.new("RGB", (300, 200), "black")
    broken = ImageError("photo.png is not an image.", "Give a PNG or JPEG file.")
    items = [_request(_noise(300, 200, 1)), _request(black, subject="screen"), broken,
             _request(_noise(200, 300, 2)), _request(_noise(250, 250, 3)), _request(_noise(320, 240, 4))]
    outcomes = list(batch.describe_in_batches(engine, items, batch_size=3))
    assert calls == [3]  # the first group has one image left to caption: it goes alone
    assert outcomes[1].stop_reason is StopReason.BLANK and "blank" in outcomes[1].text
    assert outcomes[2] is broken
    for index in (0, 3, 4, 5):
        assert outcomes[index].text == engine.describe(items[index]).text


def test_out_of_memory_halves_the_batch_and_carries_on(engine, monkeypatch, caplog):
    real = batch.describe_batch
    sizes: list[int] = []

    def tight_memory(eng, requests):
        sizes.append(len(requests))
        if len(requests) > 2:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 3.00 GiB")
        return real(eng, requests)

    monkeypatch.setattr(batch, "describe_batch", tight_memory)
    items = [_request(_noise(200 + 10 * seed, 200, seed)) for seed in range(6)]
    with caplog.at_level("WARNING"):
        outcomes = list(batch.describe_in_batches(engine, items, batch_size=6))
    assert sizes == [6, 3, 1, 1, 1, 1, 1, 1]  # 3 does not fit either; then one at a time
    assert all(outcome.new_tokens == TOKENS for outcome in outcomes)
    assert "Out of GPU memory at a batch of 6 images; retrying 3 at a time" in caplog.text


def test_a_failing_batch_is_described_one_by_one(engine, monkeypatch):
    monkeypatch.setattr(batch, "describe_batch", lambda eng, requests: (_ for _ in ()).throw(ValueError("odd")))
    items = [_request(_noise(200, 200, seed)) for seed in range(3)]
    outcomes = list(batch.describe_in_batches(engine, items, batch_size=3))
    assert [outcome.new_tokens for outcome in outcomes] == [TOKENS] * 3


def test_the_cpu_describes_one_at_a_time_by_default(engine):
    assert batch.choose_batch_size(engine, Detail.NORMAL, 512) == 1


def test_memory_per_image_of_the_2b_model_is_a_few_hundred_megabytes():
    from inkscope_desktop.testing.random_qwen2vl import FULL_SIZE_TEXT, FULL_SIZE_VISION

    config = AutoConfig.for_model("qwen2_vl", text_config=dict(FULL_SIZE_TEXT), vision_config=dict(FULL_SIZE_VISION))
    normal = batch.memory_per_image(config, Detail.NORMAL, 512, 2)
    # KV cache: 28 layers x 2 x 2 heads x 128 x 2 bytes = 28 KiB a token, for ~1950 tokens = 55 MB.
    assert 28 * 1024 * 1950 < normal < 1024**3
    assert batch.memory_per_image(config, Detail.HIGH, 512, 2) > normal > batch.memory_per_image(
        config, Detail.LOW, 512, 2)
