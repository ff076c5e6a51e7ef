"""Builds random-weight Qwen2-VL checkpoints offline: a tiny one for tests, the 2B shape for speed work.

The hub cannot be reached from the machines that test this project, so tests save a checkpoint built here
and load it back through the same ``from_pretrained`` path a user's download takes. The tokenizer is the real
Qwen2 byte-level BPE over the 256-symbol byte alphabet (no merges, so any text round-trips) plus Qwen2-VL's
special tokens; the processor and chat template are Qwen2-VL's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The chat template Qwen2-VL-Instruct checkpoints ship (and the Inkscope fine-tune inherits).
QWEN2_VL_CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}"
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}"
    "{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}"
    "<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}"
    "{% set video_count.value = video_count.value + 1 %}"
    "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}"
    "<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

SPECIAL_TOKENS = (
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
    "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
    "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>",
)

#: The image processor's pixel limits as Qwen2-VL-Instruct checkpoints ship them.
CHECKPOINT_MIN_PIXELS = 4 * 28 * 28
CHECKPOINT_MAX_PIXELS = 16384 * 28 * 28

#: The Qwen2-VL-2B-Instruct shapes (1.5 B text + 0.6 B vision parameters).
FULL_SIZE_TEXT = dict(
    hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12,
    num_key_value_heads=2, max_position_embeddings=32768,
    rope_parameters={"rope_type": "default", "rope_theta": 1_000_000.0, "mrope_section": [16, 24, 24]},
)
FULL_SIZE_VISION = dict(depth=32, embed_dim=1280, num_heads=16, mlp_ratio=4, hidden_size=1536)
TINY_TEXT = dict(
    hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
    num_key_value_heads=2, max_position_embeddings=4096,
    rope_parameters={"rope_type": "default", "rope_theta": 1_000_000.0, "mrope_section": [2, 3, 3]},
)
TINY_VISION = dict(depth=1, embed_dim=32, num_heads=2, mlp_ratio=2, hidden_size=64)


def build_tokenizer() -> Any:
    """A Qwen2 byte-level tokenizer over the 256 byte symbols plus the Qwen2-VL special tokens."""
    from transformers import Qwen2Tokenizer
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    vocab = {symbol: index for index, symbol in enumerate(bytes_to_unicode().values())}
    tokenizer = Qwen2Tokenizer(vocab=vocab, merges=[], errors="replace")
    tokenizer.add_special_tokens({"additional_special_tokens": list(SPECIAL_TOKENS[1:])})
    tokenizer.add_special_tokens({"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"})
    return tokenizer


def build_processor(tokenizer: Any, *, min_pixels: int, max_pixels: int) -> Any:
    from transformers import Qwen2VLImageProcessor, Qwen2VLProcessor, Qwen2VLVideoProcessor

    size = {"shortest_edge": min_pixels, "longest_edge": max_pixels}
    return Qwen2VLProcessor(
        image_processor=Qwen2VLImageProcessor(size=size),
        video_processor=Qwen2VLVideoProcessor(),
        tokenizer=tokenizer,
        chat_template=QWEN2_VL_CHAT_TEMPLATE,
    )


def save_random_qwen2vl(
    folder: str | Path,
    *,
    full_size: bool = False,
    seed: int = 0,
    dtype: str = "float32",
    min_pixels: int = CHECKPOINT_MIN_PIXELS,
    max_pixels: int = CHECKPOINT_MAX_PIXELS,
    generation: dict[str, Any] | None = None,
) -> Path:
    """Write a random-weight Qwen2-VL checkpoint (safetensors, processor, chat template) to ``folder``.

    ``full_size`` gives the Qwen2-VL-2B-Instruct architecture (for speed work) with the real vocabulary size;
    otherwise a model of about 200 k parameters that generates 32 tokens in a tenth of a second on a CPU.
    ``generation`` replaces the decoding fields of the checkpoint's generation config (Qwen2-VL-Instruct's by
    default), for tests of a model whose own settings differ.
    """
    import torch
    from transformers import GenerationConfig, Qwen2VLConfig, Qwen2VLForConditionalGeneration

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer()
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in SPECIAL_TOKENS}
    text = dict(FULL_SIZE_TEXT if full_size else TINY_TEXT)
    vision = dict(FULL_SIZE_VISION if full_size else TINY_VISION)
    config = Qwen2VLConfig(
        text_config=dict(
            text,
            vocab_size=151936 if full_size else len(tokenizer),
            bos_token_id=ids["<|endoftext|>"],
            eos_token_id=ids["<|im_end|>"],
            pad_token_id=ids["<|endoftext|>"],
        ),
        vision_config=vision,
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=full_size,
    )
    torch.manual_seed(seed)
    model = Qwen2VLForConditionalGeneration(config).to(getattr(torch, dtype))
    # Qwen2-VL-Instruct's own generation_config.json: top_k=1 sampling, which decodes greedily.
    decoding = generation if generation is not None else {
        "do_sample": True, "top_k": 1, "top_p": 0.001, "temperature": 0.1, "repetition_penalty": 1.05}
    model.generation_config = GenerationConfig(
        bos_token_id=ids["<|endoftext|>"],
        pad_token_id=ids["<|endoftext|>"],
        eos_token_id=[ids["<|im_end|>"], ids["<|endoftext|>"]],
        **decoding,
    )
    model.save_pretrained(folder)
    build_processor(tokenizer, min_pixels=min_pixels, max_pixels=max_pixels).save_pretrained(folder)
    (folder / "inkscope_random_model.json").write_text(json.dumps({"full_size": full_size, "seed": seed}))
    return folder
