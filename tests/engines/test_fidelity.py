"""The engine feeds the model exactly what the model card's snippet feeds it, and decodes the same caption."""

from __future__ import annotations

import pytest
import torch

from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.prompts import DETAILED_PROMPT
from inkscope_desktop.core.types import Detail

pytestmark = pytest.mark.model


def model_card_snippet(model_path, image, min_pixels, max_pixels, max_new_tokens=128):
    """The Inkscope model card's usage code, as written (local path and pixel limits filled in)."""
    from qwen_vl_utils import process_vision_info
    from transformers import AutoProcessor, Qwen2VLForConditionalGeneration

    model = Qwen2VLForConditionalGeneration.from_pretrained(model_path, torch_dtype="auto", device_map="auto")
    processor = AutoProcessor.from_pretrained(model_path)
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "image", "image": image, "min_pixels": min_pixels, "max_pixels": max_pixels},
                {"type": "text", "text": "Generate a detailed caption for this image."},
            ],
        }
    ]
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    image_inputs, video_inputs = process_vision_info(messages)
    inputs = processor(text=[text], images=image_inputs, videos=video_inputs, padding=True, return_tensors="pt")
    inputs = inputs.to(model.device)
    generated_ids = model.generate(**inputs, max_new_tokens=max_new_tokens)
    generated_ids_trimmed = [out_ids[len(in_ids):] for in_ids, out_ids in zip(inputs.input_ids, generated_ids)]
    output_text = processor.batch_decode(
        generated_ids_trimmed, skip_special_tokens=True, clean_up_tokenization_spaces=False
    )
    return inputs, output_text[0]


@pytest.mark.parametrize("detail", [Detail.LOW, Detail.NORMAL])
def test_inputs_and_greedy_caption_match_the_model_card(tiny_engine, tiny_model_dir, noise_image, detail):
    snippet_inputs, snippet_caption = model_card_snippet(
        tiny_model_dir, noise_image, detail.min_pixels, detail.max_pixels
    )
    request = Conversation(noise_image, detail=detail, max_new_tokens=128).request(DETAILED_PROMPT)
    ours = tiny_engine.prepare_inputs(request)

    assert torch.equal(ours["input_ids"], snippet_inputs["input_ids"])
    assert torch.equal(ours["attention_mask"], snippet_inputs["attention_mask"])
    assert torch.equal(ours["image_grid_thw"], snippet_inputs["image_grid_thw"])
    assert torch.equal(ours["pixel_values"], snippet_inputs["pixel_values"])

    assert len(snippet_caption.strip()) >= 20  # a real comparison, not two empty strings
    assert tiny_engine.describe(request).text == snippet_caption.strip()


@pytest.fixture(scope="module")
def plain_model_dir(tmp_path_factory):
    """A tiny model whose own generation config differs from the app's old defaults: plain greedy decoding and no
    repetition penalty (the app used to force 1.05 on every model)."""
    from inkscope_desktop.testing.random_qwen2vl import save_random_qwen2vl

    return save_random_qwen2vl(tmp_path_factory.mktemp("plain-model"), seed=3, generation={"do_sample": False})


def test_the_checkpoints_own_decoding_settings_are_kept(plain_model_dir, noise_image):
    from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

    detail = Detail.LOW
    _inputs, snippet_caption = model_card_snippet(plain_model_dir, noise_image, detail.min_pixels,
                                                  detail.max_pixels, max_new_tokens=96)
    engine = Qwen2VLEngine(str(plain_model_dir), device="cpu")
    request = Conversation(noise_image, detail=detail, max_new_tokens=96).request(DETAILED_PROMPT)
    engine.load()
    assert "repetition_penalty" not in engine.generation_kwargs(request)  # the model's own: none
    assert len(snippet_caption.strip()) >= 20
    assert engine.describe(request).text == snippet_caption.strip()


def test_greedy_stays_greedy_whatever_the_config_samples(tiny_engine):
    from inkscope_desktop.core.types import Sampling
    from inkscope_desktop.engines.local.decoding import generation_overrides

    sampling_config = type("Config", (), {"do_sample": True, "top_k": 50, "temperature": 1.3, "top_p": 0.95})()
    greedy = generation_overrides(Sampling(), sampling_config, 64)
    assert greedy == {"max_new_tokens": 64, "do_sample": False, "temperature": None, "top_p": None, "top_k": None}
    sampled = generation_overrides(Sampling(do_sample=True, top_p=0.8), sampling_config, 64)
    assert sampled == {"max_new_tokens": 64, "do_sample": True, "top_p": 0.8}  # temperature: the model's 1.3
    qwen_like = type("Config", (), {"do_sample": True, "top_k": 1})()
    assert generation_overrides(Sampling(do_sample=True), qwen_like, 8)["top_k"] == 0  # else sampling is greedy
