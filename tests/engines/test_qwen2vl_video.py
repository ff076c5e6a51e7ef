"""Videos through the engines: the tiny Qwen2-VL sees sampled frames as video_grid_thw; the fake answers too."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import pytest

from inkscope_desktop.core.errors import ImageError, VideoError
from inkscope_desktop.core.types import CaptionRequest, StopReason, VideoClip
from inkscope_desktop.engines.fake import FakeEngine

_spec = importlib.util.spec_from_file_location("_video_clips", Path(__file__).parents[1] / "core" / "test_video.py")
_clips = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_clips)
write_clip = _clips.write_clip

SCRIPT = "A red square slides to the right."


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("video") / "clip.mp4")


def video_request(path: Path, **clip_options) -> CaptionRequest:
    return CaptionRequest(image=None, prompt="Describe this video in detail.", subject="video",
                          video=VideoClip(str(path), **clip_options))


@pytest.mark.model
def test_prepared_inputs_hold_the_sampled_frames_as_a_video(tiny_engine, clip: Path) -> None:
    inputs = tiny_engine.prepare_inputs(video_request(clip, fps=2.0))
    assert "video_grid_thw" in inputs and "image_grid_thw" not in inputs
    frames, height, width = (int(value) for value in inputs["video_grid_thw"][0])
    assert frames == 6 // 2  # 3 s at 2 frames a second, merged in pairs
    assert (height * 14, width * 14) == (112, 168)  # 160x120 rounded to whole 28-pixel tokens, not enlarged
    video_pad = tiny_engine._processor.tokenizer.convert_tokens_to_ids("<|video_pad|>")
    assert int((inputs["input_ids"] == video_pad).sum()) == frames * height * width // 4


@pytest.mark.model
def test_the_frame_cap_limits_what_the_model_sees(tiny_engine, clip: Path) -> None:
    inputs = tiny_engine.prepare_inputs(video_request(clip, fps=10.0, max_frames=8))
    assert int(inputs["video_grid_thw"][0][0]) == 4


@pytest.mark.model
def test_a_video_request_streams_the_answer(scripted, clip: Path) -> None:
    engine, _ = scripted(SCRIPT)
    stream = engine.stream(video_request(clip))
    chunks = list(stream)
    assert len(chunks) > 1 and "".join(chunks) == SCRIPT
    result = stream.result
    assert result.stop_reason is StopReason.FINISHED and result.text == SCRIPT
    assert result.prompt_tokens > result.image_tokens > 0


@pytest.mark.model
def test_a_time_range_is_described_on_its_own(tiny_engine, clip: Path) -> None:
    inputs = tiny_engine.prepare_inputs(video_request(clip, start_s=1.0, end_s=2.0, fps=4.0))
    assert int(inputs["video_grid_thw"][0][0]) == 2


@pytest.mark.model
def test_a_broken_video_is_a_video_error_not_a_generation_error(tiny_engine, tmp_path: Path) -> None:
    path = tmp_path / "broken.mp4"
    path.write_text("hello")
    with pytest.raises(VideoError) as caught:
        tiny_engine.describe(video_request(path))
    assert isinstance(caught.value, ImageError) and "\n" not in caught.value.user_text


def test_the_blank_guard_leaves_videos_alone(clip: Path) -> None:
    result = FakeEngine(SCRIPT).describe(video_request(clip))
    assert result.text == SCRIPT and result.stop_reason is StopReason.FINISHED


def test_the_fake_engine_answers_a_video_with_its_own_caption(clip: Path) -> None:
    result = FakeEngine().describe(video_request(clip, start_s=2.0, end_s=4.0), threading.Event())
    assert "video" in result.text and "from 2 s to 4 s" in result.text
