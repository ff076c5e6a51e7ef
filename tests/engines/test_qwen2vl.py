"""The Qwen2-VL engine on a tiny random checkpoint, loaded through the real transformers path."""

from __future__ import annotations

import threading
import time

import pytest
import torch

from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.errors import GenerationError, ModelError, ModelNotFoundError
from inkscope_desktop.core.types import Detail, StopReason

pytestmark = pytest.mark.model

SCRIPT = "A settings window titled Display. The brightness slider is at 70 percent. An OK button is focused."


def _generating(engine) -> bool:
    """Whether a generate call still runs (or waits) on the engine's generation thread."""
    return not engine._worker.wait_idle(timeout=10)


def test_loads_safetensors_on_cpu_in_float32(tiny_engine, tiny_model_dir):
    assert tiny_engine.is_loaded
    assert tiny_engine.model_path == tiny_model_dir
    assert tiny_engine.device == "cpu"
    assert tiny_engine._model.dtype == torch.float32
    assert tiny_engine._model.config._attn_implementation == "sdpa"


def test_streams_the_answer_word_by_word_in_order(scripted, request_for):
    engine, _ = scripted(SCRIPT)
    stream = engine.stream(request_for())
    chunks, counts = [], []
    for chunk in stream:
        chunks.append(chunk)
        counts.append(engine.tokens_generated)
    assert len(chunks) >= len(SCRIPT.split()) - 1  # the streamer releases whole words
    assert counts == sorted(counts) and 0 < counts[0] < counts[-1] <= len(SCRIPT.encode()) + 1
    assert "".join(chunks) == SCRIPT
    result = stream.result
    assert result.text == SCRIPT
    assert result.stop_reason is StopReason.FINISHED
    assert result.new_tokens == len(SCRIPT.encode()) + 1  # byte-level tokens, plus <|im_end|>
    assert result.prompt_tokens > result.image_tokens > 0
    assert result.timings.first_token_s > 0 and result.timings.decode_tokens_per_s > 0
    assert not _generating(engine)


def test_chunks_arrive_while_generation_is_still_running(scripted, request_for):
    engine, logits = scripted(SCRIPT)
    stream = iter(engine.stream(request_for()))
    first = next(stream)
    assert first.strip() == "A"
    assert logits.steps < len(SCRIPT.encode())  # most of the answer was not generated yet
    rest = "".join(stream)
    assert first + rest == SCRIPT


def test_special_tokens_never_reach_the_caller(scripted, request_for):
    specials = "<|vision_start|><|image_pad|>Hello<|box_start|> there<|im_start|> friend"
    engine, _ = scripted(specials)
    stream = engine.stream(request_for())
    assert "".join(stream) == "Hello there friend"
    assert stream.result.stop_reason is StopReason.FINISHED  # ended by <|im_end|>, which is not shown


def test_endoftext_ends_the_answer_too(scripted, request_for):
    engine, _ = scripted("Done.<|endoftext|> never shown", end=False)
    stream = engine.stream(request_for())
    assert "".join(stream) == "Done."
    assert stream.result.stop_reason is StopReason.FINISHED


def test_max_new_tokens_stops_with_length(scripted, request_for):
    engine, _ = scripted(SCRIPT)
    result = engine.describe(request_for(max_new_tokens=10))
    assert result.stop_reason is StopReason.LENGTH
    assert result.new_tokens == 10
    assert SCRIPT.startswith(result.text)


def test_cancel_mid_stream_stops_within_a_token_and_joins_the_thread(scripted, request_for):
    long_script = " ".join(["word"] * 400)
    engine, logits = scripted(long_script, end=False)
    cancel = threading.Event()
    stream = engine.stream(request_for(max_new_tokens=2000), cancel)
    received = []
    for chunk in stream:
        received.append(chunk)
        if len(received) == 3:
            steps_at_cancel = logits.steps
            cancel.set()
    assert stream.result.stop_reason is StopReason.CANCELLED
    assert len(received) == 3
    assert logits.steps <= steps_at_cancel + 2  # the step in flight, then the stopping criteria fires
    assert not _generating(engine)


def test_leaving_the_loop_early_stops_generation(scripted, request_for):
    engine, logits = scripted(" ".join(["word"] * 400), end=False)
    stream = engine.stream(request_for(max_new_tokens=2000))
    for _ in stream:
        break
    stream.close()
    assert not _generating(engine)
    assert logits.steps < 100


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RuntimeError("boom in the middle"), "boom in the middle"),
        (torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), "lower detail level"),
    ],
)
def test_an_error_inside_generate_reaches_the_caller(scripted, request_for, error, expected):
    engine, _ = scripted(SCRIPT, fail_at=12, error=error)
    started = time.monotonic()
    with pytest.raises(GenerationError) as raised:
        for _ in engine.stream(request_for()):
            pass
    assert time.monotonic() - started < 30  # a failure, not a hang (the real bound is the poll interval)
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)
    assert not _generating(engine)


def test_follow_up_is_asked_in_the_context_of_the_first_answer(tiny_engine, noise_image):
    conversation = Conversation(noise_image, max_new_tokens=8)
    first = conversation.request("Generate a detailed caption for this image.")
    conversation.record(first, "A red car parked on a street.")
    follow_up = conversation.request("What colour is the car?")
    assert follow_up.history[0].answer == "A red car parked on a street."
    inputs = tiny_engine.prepare_inputs(follow_up)
    text = tiny_engine._processor.batch_decode(inputs["input_ids"])[0]
    assert text.count("<|vision_start|>") == 1
    assert text.endswith(
        "Generate a detailed caption for this image.<|im_end|>\n"
        "<|im_start|>assistant\nA red car parked on a street.<|im_end|>\n"
        "<|im_start|>user\nWhat colour is the car?<|im_end|>\n<|im_start|>assistant\n"
    )
    result = tiny_engine.describe(follow_up)
    assert result.prompt == "What colour is the car?"
    assert result.new_tokens >= 1


def test_reply_language_is_asked_for(tiny_engine, noise_image):
    request = Conversation(noise_image, language="German").request("Describe this.")
    text = tiny_engine._processor.batch_decode(tiny_engine.prepare_inputs(request)["input_ids"])[0]
    assert "Describe this. Answer in German.<|im_end|>" in text


def test_detail_levels_bound_the_visual_tokens(tiny_engine):
    from PIL import Image
    import numpy as np

    screen = Image.fromarray(np.random.default_rng(1).integers(0, 256, (1080, 1920, 3), dtype=np.uint8))
    tokens = {}
    for detail in Detail:
        grid = tiny_engine.prepare_inputs(
            Conversation(screen, detail=detail).request("Describe.")
        )["image_grid_thw"]
        tokens[detail] = int(grid.prod()) // 4
        assert tokens[detail] * 28 * 28 <= detail.max_pixels
    assert tokens[Detail.LOW] < tokens[Detail.NORMAL] < tokens[Detail.HIGH]
    assert tokens[Detail.HIGH] == round(1080 / 28) * round(1920 / 28)  # native 1080p: 2,691 tokens


def test_blank_image_is_announced_not_captioned(tiny_engine):
    from PIL import Image

    request = Conversation(Image.new("RGB", (1920, 1080)), subject="screen").request("Describe.")
    stream = tiny_engine.stream(request)
    assert list(stream) == ["The screen is blank: solid black."]
    assert stream.result.stop_reason is StopReason.BLANK


def test_missing_model_folder_is_a_one_line_error(tmp_path):
    from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

    with pytest.raises(ModelNotFoundError) as raised:
        Qwen2VLEngine(str(tmp_path / "nowhere"), device="cpu").load()
    assert "\n" not in str(raised.value)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_asking_for_a_missing_gpu_is_a_one_line_error(tiny_model_dir):
    from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

    with pytest.raises(ModelError) as raised:
        Qwen2VLEngine(str(tiny_model_dir), device="cuda").load()
    assert "--device cpu" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_request_cancelled_before_generation_skips_the_model(scripted, request_for):
    engine, logits = scripted(SCRIPT)
    cancel = threading.Event()
    cancel.set()
    stream = engine.stream(request_for(), cancel)
    assert list(stream) == []
    assert stream.result.stop_reason is StopReason.CANCELLED
    assert logits.steps == 0


def test_prefill_computes_logits_for_the_last_position_only(tiny_engine, request_for):
    """The LM head at prefill sees one position, not the whole prompt (generate passes logits_to_keep)."""
    seen: list[tuple[int, ...]] = []
    handle = tiny_engine._model.lm_head.register_forward_hook(lambda module, args, out: seen.append(tuple(out.shape)))
    try:
        result = tiny_engine.describe(request_for(max_new_tokens=3))
    finally:
        handle.remove()
    assert result.prompt_tokens > 100
    assert seen and all(shape[1] == 1 for shape in seen)
