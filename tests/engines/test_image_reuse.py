"""A follow-up about the same image reuses its preprocessed pixels and vision features, and the model sees
exactly what it would have seen without the reuse."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.types import Detail
from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

pytestmark = pytest.mark.model


@pytest.fixture
def engine(tiny_model_dir):
    engine = Qwen2VLEngine(str(tiny_model_dir), device="cpu", generate_kwargs={"min_new_tokens": 12})
    engine.load()
    yield engine
    engine.unload()


def _processor_inputs(engine, request):
    """The inputs the processor builds from scratch (the model card's way, resizing included)."""
    from qwen_vl_utils import process_vision_info

    from inkscope_desktop.core.prompts import build_messages

    messages = build_messages(request)
    text = engine._processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    images, _ = process_vision_info(messages)
    return engine._processor(text=[text], images=images, padding=True, return_tensors="pt")


def _follow_up(noise_image, **kwargs):
    conversation = Conversation(noise_image, max_new_tokens=12, **kwargs)
    first = conversation.request("Generate a detailed caption for this image.")
    conversation.record(first, "A field of coloured dots.")
    return first, conversation.request("Which colour is most common?")


def test_follow_up_inputs_equal_the_processors_inputs(engine, noise_image):
    first, follow_up = _follow_up(noise_image)
    engine.prepare_inputs(first)
    reused = engine.prepare_inputs(follow_up)
    assert reused["pixel_values"] is engine._reuse._prepared.pixel_values  # not preprocessed again
    expected = _processor_inputs(engine, follow_up)
    assert set(reused.keys()) == set(expected.keys())
    for key in expected:
        assert torch.equal(reused[key], expected[key].to(reused[key].dtype)), key


def test_the_vision_encoder_runs_once_per_image_and_the_answer_is_unchanged(engine, noise_image):
    first, follow_up = _follow_up(noise_image)
    runs = engine._reuse.vision_runs
    engine.describe(first)
    reused_answer = engine.describe(follow_up)
    assert engine._reuse.vision_runs == runs + 1
    engine._reuse.clear()
    fresh_answer = engine.describe(follow_up)
    assert engine._reuse.vision_runs == runs + 2
    assert reused_answer.new_tokens == fresh_answer.new_tokens == 12
    assert reused_answer.text == fresh_answer.text


def test_another_image_or_detail_level_is_preprocessed_afresh(engine):
    pixels = np.random.default_rng(5).integers(0, 256, size=(1080, 1920, 3), dtype=np.uint8)
    screenshot = Image.fromarray(pixels, "RGB")
    first, _ = _follow_up(screenshot)
    engine.prepare_inputs(first)
    kept = engine._reuse._prepared.pixel_values
    same_pixels = screenshot.copy()  # equal pixels, another image: a new capture is never assumed equal
    engine.prepare_inputs(_follow_up(same_pixels)[1])
    assert engine._reuse._prepared.pixel_values is not kept
    kept = engine._reuse._prepared.pixel_values
    low = engine.prepare_inputs(_follow_up(same_pixels, detail=Detail.LOW)[1])
    assert low["pixel_values"] is not kept
    assert low["pixel_values"].shape[0] < kept.shape[0]


def test_on_a_gpu_the_image_processor_normalises_there(engine):
    from inkscope_desktop.engines.local.image_reuse import image_processor_device

    assert image_processor_device(engine._processor, "cuda:0") == {"device": "cuda:0"}
    assert image_processor_device(engine._processor, "cpu") == {}
    assert image_processor_device(engine._processor, "mps") == {}
    assert image_processor_device(object(), "cuda") == {}  # a processor without a torchvision backend
