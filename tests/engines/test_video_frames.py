"""Videos held in memory (a screen recording): sampled by read_frames, seen by the tiny Qwen2-VL as a video,
answered by the fake engine, and refused in one line by the remote engine."""

from __future__ import annotations

import pytest
from PIL import Image

from inkscope_desktop.core.errors import ImageError, VideoError
from inkscope_desktop.core.types import CaptionRequest, StopReason, VideoClip
from inkscope_desktop.engines.fake import FakeEngine
from inkscope_desktop.engines.remote.engine import RemoteEngine
from inkscope_desktop.engines.local.video_reader import read_frames


def recording(count: int, size: tuple[int, int] = (160, 120)) -> tuple[Image.Image, ...]:
    """Frames of a red square moving right, each with its number in the green channel."""
    frames = []
    for index in range(count):
        frame = Image.new("RGB", size, (20, index, 60))
        frame.paste((255, 0, 0), (index * 4 % (size[0] - 30), 40, index * 4 % (size[0] - 30) + 30, 70))
        frames.append(frame)
    return tuple(frames)


def numbers(frames: list[Image.Image]) -> list[int]:
    return [frame.getpixel((1, 1))[1] for frame in frames]


def video_request(clip: VideoClip) -> CaptionRequest:
    return CaptionRequest(image=None, prompt="Describe what happens on the screen.", subject="video", video=clip)


def test_every_frame_is_kept_when_the_rate_matches() -> None:
    frames, fps = read_frames(VideoClip(frames=recording(20), frames_fps=2.0, fps=2.0))
    assert numbers(frames) == list(range(20)) and fps == 2.0


def test_frames_are_sampled_evenly_at_a_lower_rate_and_capped() -> None:
    frames, fps = read_frames(VideoClip(frames=recording(20), frames_fps=2.0, fps=1.0))
    assert numbers(frames) == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19] and fps == 1.0
    frames, fps = read_frames(VideoClip(frames=recording(20), frames_fps=2.0, fps=2.0, max_frames=5))
    assert len(frames) == 4 and numbers(frames) == [2, 7, 12, 17] and fps == pytest.approx(0.4)


def test_a_time_range_and_a_single_frame() -> None:
    frames, _ = read_frames(VideoClip(frames=recording(20), frames_fps=2.0, fps=2.0, start_s=5.0, end_s=7.0))
    assert numbers(frames) == [10, 11, 12, 13]
    frames, _ = read_frames(VideoClip(frames=recording(1), frames_fps=2.0))
    assert numbers(frames) == [0, 0]  # Qwen2-VL merges frames in pairs: one frame is shown twice


def test_frames_are_shrunk_to_the_limit_and_share_one_size() -> None:
    mixed = recording(3, (1920, 1080)) + recording(1, (1280, 1024))  # the screen changed mid-recording
    frames, _ = read_frames(VideoClip(frames=mixed, frames_fps=2.0, fps=2.0, frame_max_pixels=200 * 120))
    assert {frame.size for frame in frames} == {(206, 116)}


def test_an_empty_range_is_a_one_line_video_error() -> None:
    with pytest.raises(VideoError) as caught:
        read_frames(VideoClip(frames=recording(4), frames_fps=2.0, start_s=3.0))
    assert "recording is empty" in caught.value.user_text and "\n" not in caught.value.user_text


def test_the_fake_engine_answers_a_recording() -> None:
    result = FakeEngine().describe(video_request(VideoClip(frames=recording(4), frames_fps=2.0)))
    assert "The video plays from 0 s" in result.text and result.stop_reason is StopReason.FINISHED


def test_the_remote_engine_refuses_videos_in_one_line() -> None:
    engine = RemoteEngine("http://127.0.0.1:9/v1", "inkscope")  # never contacted
    with pytest.raises(VideoError) as caught:
        engine.describe(video_request(VideoClip(frames=recording(4), frames_fps=2.0)))
    assert isinstance(caught.value, ImageError)
    assert "cannot describe videos" in caught.value.user_text and "\n" not in caught.value.user_text


@pytest.mark.model
def test_the_tiny_model_sees_the_recording_as_a_video(tiny_engine) -> None:
    clip = VideoClip(frames=recording(12), frames_fps=4.0, fps=4.0)
    inputs = tiny_engine.prepare_inputs(video_request(clip))
    assert "video_grid_thw" in inputs and "image_grid_thw" not in inputs
    frames, height, width = (int(value) for value in inputs["video_grid_thw"][0])
    assert frames == 12 // 2  # 3 s at 4 frames a second, merged in pairs
    assert (height * 14, width * 14) == (112, 168)  # 160x120 in whole 28-pixel tokens
    video_pad = tiny_engine._processor.tokenizer.convert_tokens_to_ids("<|video_pad|>")
    assert int((inputs["input_ids"] == video_pad).sum()) == frames * height * width // 4


@pytest.mark.model
def test_the_tiny_model_streams_an_answer_about_the_recording(tiny_engine) -> None:
    stream = tiny_engine.stream(video_request(VideoClip(frames=recording(6), frames_fps=2.0, fps=2.0,
                                                       max_frames=4)))
    chunks = list(stream)
    assert stream.result is not None and stream.result.image_tokens > 0
    assert "".join(chunks).strip() == stream.result.text
