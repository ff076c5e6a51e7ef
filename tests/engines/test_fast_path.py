"""The static-cache, compiled-decode path: same tokens as plain generate, no recompiles in normal use, and a
clean fall-back to plain generate wherever it cannot run.

CUDA is where the engine turns it on by itself; here it is forced on the CPU (inductor compiles C++ instead
of Triton kernels and there are no CUDA graphs, but the cache, the buckets and the compiled step are the same).
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.types import Detail
from inkscope_desktop.engines.local import fast_path
from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

pytestmark = pytest.mark.model

TOKENS = 16


def _loaded(model_dir, fast_path: str):
    engine = Qwen2VLEngine(str(model_dir), device="cpu", fast_path=fast_path, generate_kwargs={"min_new_tokens": TOKENS})
    engine.stages = []
    engine.stage_listener = engine.stages.append
    engine.load()
    return engine


@pytest.fixture(scope="module")
def forced(tiny_model_dir):
    engine = _loaded(tiny_model_dir, "force")
    yield engine
    engine.unload()


@pytest.fixture(scope="module")
def plain(tiny_model_dir):
    engine = _loaded(tiny_model_dir, "off")
    yield engine
    engine.unload()


def _compiled_frames() -> int:
    from torch._dynamo.utils import counters

    return sum(counters["frames"].values())


def _noise(width: int, height: int, seed: int) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


def test_warm_up_compiles_the_first_caption_and_follow_up_buckets_at_load(forced):
    assert forced.uses_fast_path
    assert forced.fast_path_note.startswith("static cache and compiled decode, warmed for 2048, 4096 tokens")
    assert forced._fast.used_buckets == {2048, 4096}
    assert forced.stages == ["Preparing the GPU for fast descriptions; this takes longest on the first start…"]


def test_plain_generate_has_no_preparing_stage(plain):
    assert plain.stages == []


def test_fast_path_gives_the_plain_paths_tokens_and_compiles_nothing_more(forced, plain):
    compiled_after_warm_up = _compiled_frames()
    assert compiled_after_warm_up > 0
    # Normal use: screenshots of several sizes, each detail level, a question, and follow-ups in context.
    for (width, height), detail, seed in [((1280, 720), Detail.NORMAL, 1), ((400, 300), Detail.LOW, 2),
                                          ((1366, 768), Detail.HIGH, 3)]:
        conversation = Conversation(_noise(width, height, seed), detail=detail, max_new_tokens=TOKENS)
        for question in ("Generate a detailed caption for this image.", "What is in the top left corner?",
                         "And what colour is the largest shape in the middle of the picture?"):
            request = conversation.request(question)
            fast_result, plain_result = forced.describe(request), plain.describe(request)
            assert fast_result.new_tokens == plain_result.new_tokens == TOKENS
            assert fast_result.text == plain_result.text
            conversation.record(request, fast_result.text or "A picture.")
    assert _compiled_frames() == compiled_after_warm_up  # nothing recompiled
    assert forced._fast.used_buckets == {2048, 4096}


def test_a_prompt_beyond_the_largest_bucket_uses_the_plain_path():
    assert fast_path.bucket_for(fast_path.CACHE_BUCKETS[-1] + 1) is None
    assert fast_path.bucket_for(1) == fast_path.CACHE_BUCKETS[0]
    assert fast_path.bucket_for(2049) == 4096


def test_warm_up_lengths_cover_a_caption_and_a_follow_up():
    normal = Detail.NORMAL.max_pixels // 784  # 1280 image tokens
    assert fast_path.warm_up_lengths(normal, 512) == [2048, 4096]
    assert fast_path.warm_up_lengths(Detail.LOW.max_pixels // 784, 128) == [2048]


@pytest.mark.parametrize(("device", "mode", "expected"), [
    ("cpu", "auto", "only on CUDA GPUs"),
    ("mps", "auto", "only on CUDA GPUs"),
    ("cuda", "off", "turned off"),
])
def test_where_the_fast_path_cannot_run_it_says_why(device, mode, expected):
    assert expected in fast_path.unavailable_reason(device, mode)


def test_the_environment_switch_turns_it_off(monkeypatch):
    monkeypatch.setenv(fast_path.ENV_SWITCH, "0")
    assert fast_path.unavailable_reason("cuda", "auto") == f"turned off by {fast_path.ENV_SWITCH}"
    assert fast_path.unavailable_reason("cpu", "force") == f"turned off by {fast_path.ENV_SWITCH}"


def test_an_unknown_mode_is_refused(tiny_model_dir):
    with pytest.raises(ValueError, match="fast_path must be one of auto, off, force"):
        Qwen2VLEngine(str(tiny_model_dir), fast_path="fastest")


def test_the_cpu_engine_uses_plain_generate_and_says_so(tiny_engine):
    assert not tiny_engine.uses_fast_path
    assert tiny_engine.fast_path_note.startswith("plain generate (compiling the decode step pays only on CUDA")


def test_a_failed_warm_up_falls_back_to_plain_generate(tiny_model_dir, monkeypatch, noise_image, caplog):
    def broken(self, *args, **kwargs):
        raise RuntimeError("inductor could not build the kernel")

    monkeypatch.setattr(fast_path.FastPath, "generate_kwargs", broken)
    engine = Qwen2VLEngine(str(tiny_model_dir), device="cpu", fast_path="force",
                           generate_kwargs={"min_new_tokens": 4})
    with caplog.at_level("WARNING"):
        engine.load()
    assert not engine.uses_fast_path
    assert "inductor could not build the kernel" in engine.fast_path_note
    assert "Fast path off" in caplog.text
    result = engine.describe(Conversation(noise_image, max_new_tokens=4).request("Describe."))
    assert result.new_tokens == 4
    engine.unload()
