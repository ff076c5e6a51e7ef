"""Video probing (engines.video_reader), segment planning and frame sampling on short clips written with PyAV."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from inkscope_desktop.core.errors import ImageError, VideoError
from inkscope_desktop.core.images import expand_inputs
from inkscope_desktop.core.prompts import build_messages
from inkscope_desktop.core.types import CaptionRequest, VideoClip
from inkscope_desktop.core.video import (
    format_time_range,
    frame_count,
    is_video_path,
    plan_segments,
)
from inkscope_desktop.engines.local.video_reader import probe_video, read_frames


def write_clip(path: Path, *, seconds: float = 3.0, fps: int = 10, size: tuple[int, int] = (160, 120)) -> Path:
    """A clip of a red square moving right over a dark background (H.264, or MPEG-4 part 2 without it)."""
    width, height = size
    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(round(seconds * fps)):
            pixels = np.full((height, width, 3), (20, 40, 60), np.uint8)
            left = (index * 4) % (width - 30)
            pixels[height // 3: height // 3 + 30, left: left + 30] = (255, 0, 0)
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def write_audio_only(path: Path) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=16000)
        stream.layout = "mono"
        for index in range(10):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 16000, index * 1024
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("video") / "clip.mp4")


def test_probe_reads_length_rate_frames_and_size(clip: Path) -> None:
    info = probe_video(clip)
    assert info.duration_s == pytest.approx(3.0, abs=0.15)
    assert info.fps == pytest.approx(10.0)
    assert info.frames == 30
    assert (info.width, info.height) == (160, 120)


def test_frames_are_sampled_evenly_at_the_asked_rate(clip: Path) -> None:
    frames, sample_fps = read_frames(VideoClip(str(clip), fps=2.0))
    assert len(frames) == 6 and sample_fps == pytest.approx(2.0, rel=0.1)
    assert all(frame.size == (160, 120) and frame.mode == "RGB" for frame in frames)
    lefts = [int(np.argmax(np.asarray(frame)[50, :, 0] > 128)) for frame in frames]
    assert lefts == sorted(lefts) and lefts[0] < lefts[-1]  # the square moves right: frames are in order


def test_frames_of_a_time_range_and_the_frame_cap(clip: Path) -> None:
    frames, _ = read_frames(VideoClip(str(clip), start_s=1.0, end_s=2.0, fps=4.0))
    assert len(frames) == 4
    capped, _ = read_frames(VideoClip(str(clip), fps=10.0, max_frames=7))
    assert len(capped) == 6  # an even number: Qwen2-VL merges frames in pairs


def test_frames_are_shrunk_to_the_pixel_limit(clip: Path) -> None:
    frames, _ = read_frames(VideoClip(str(clip), frame_max_pixels=80 * 60))
    assert all(frame.size[0] * frame.size[1] <= 80 * 60 for frame in frames)


@pytest.mark.parametrize(("seconds", "fps", "cap", "expected"),
                         [(3.0, 1.0, 64, 4), (60.0, 1.0, 64, 60), (600.0, 1.0, 64, 64), (0.2, 1.0, 64, 2),
                          (10.0, 2.0, 9, 8)])
def test_frame_count_is_even_and_capped(seconds: float, fps: float, cap: int, expected: int) -> None:
    assert frame_count(VideoClip("x.mp4", fps=fps, max_frames=cap), seconds) == expected


@pytest.mark.parametrize(("duration", "segment", "expected"), [
    (30.0, 60.0, [(0.0, 30.0)]),
    (120.0, 60.0, [(0.0, 60.0), (60.0, 120.0)]),
    (125.0, 60.0, [(0.0, 60.0), (60.0, 120.0), (120.0, 125.0)]),
    (120.5, 60.0, [(0.0, 60.0), (60.0, 120.5)]),  # a last part under a second joins the one before
    (5.0, 2.0, [(0.0, 2.0), (2.0, 4.0), (4.0, 5.0)]),
])
def test_segments_cover_the_video(duration: float, segment: float, expected: list) -> None:
    assert plan_segments(duration, segment) == expected


def test_time_ranges_read_as_minutes_and_seconds() -> None:
    assert format_time_range(0.0, 60.0) == "0:00–1:00"
    assert format_time_range(60.0, 125.2) == "1:00–2:06"
    assert format_time_range(3600.0, 3660.0) == "1:00:00–1:01:00"


def test_video_suffixes_and_folders(tmp_path: Path, clip: Path) -> None:
    assert is_video_path("a/B.MP4") and is_video_path("c.webm") and not is_video_path("d.png")
    (tmp_path / "x.mkv").write_bytes(clip.read_bytes())
    (tmp_path / "y.png").write_bytes(b"")
    (tmp_path / "z.txt").write_bytes(b"")
    assert expand_inputs([tmp_path]) == [tmp_path / "x.mkv", tmp_path / "y.png"]


def test_messages_carry_a_video_item() -> None:
    clip = VideoClip("/v/clip.mp4", start_s=60.0, end_s=120.0, fps=1.0, max_frames=64)
    messages = build_messages(CaptionRequest(image=None, prompt="Describe this video in detail.", video=clip))
    video, text = messages[0]["content"]
    assert video["type"] == "video" and video["video"] == "/v/clip.mp4"
    assert (video["video_start"], video["video_end"], video["fps"], video["max_frames"]) == (60.0, 120.0, 1.0, 64)
    assert video["max_pixels"] == clip.frame_max_pixels
    assert text == {"type": "text", "text": "Describe this video in detail."}


def _one_line_video_error(path: Path, *words: str) -> None:
    with pytest.raises(VideoError) as caught:
        probe_video(path)
    assert isinstance(caught.value, ImageError)  # a folder run treats it like a broken image and goes on
    text = caught.value.user_text
    assert "\n" not in text and path.name in text and caught.value.advice
    assert any(word in text for word in words), text


def test_a_text_file_named_mp4_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("not a video at all\n" * 10)
    _one_line_video_error(path, "not a readable video")


def test_an_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    _one_line_video_error(path, "empty")


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    _one_line_video_error(tmp_path / "gone.mp4", "cannot be read")


def test_sound_without_pictures_is_a_clear_error(tmp_path: Path) -> None:
    _one_line_video_error(write_audio_only(tmp_path / "speech.mp4"), "no video stream")


def test_a_cut_off_file_is_a_clear_error(tmp_path: Path, clip: Path) -> None:
    path = tmp_path / "cut.mp4"
    path.write_bytes(clip.read_bytes()[:200])
    with pytest.raises(VideoError) as caught:
        read_frames(VideoClip(str(path)))
    assert "\n" not in caught.value.user_text and caught.value.advice


def test_a_huge_frame_size_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import inkscope_desktop.engines.local.video_reader as video

    monkeypatch.setattr(video, "MAX_FRAME_PIXELS", 100 * 100)  # a real 8K+ clip would be slow to write
    path = write_clip(tmp_path / "big.mp4", seconds=0.4, size=(160, 120))
    _one_line_video_error(path, "too large")
