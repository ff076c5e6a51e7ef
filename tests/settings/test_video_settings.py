"""The video settings group: defaults equal to the describe command's, checks with advice, a saved round trip."""

from __future__ import annotations

import dataclasses
import json

import pytest

from inkscope_desktop.cli import build_parser
from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.core.types import VideoClip
from inkscope_desktop.core.video import DEFAULT_SEGMENT_S
from inkscope_desktop.settings import Settings, SettingsStore, VideoSettings
from inkscope_desktop.settings.codec import from_dict, to_dict


def test_the_defaults_are_the_describe_commands() -> None:
    args = build_parser().parse_args(["describe", "clip.mp4"])
    video = VideoSettings()
    assert video.fps == args.video_fps and video.max_frames == args.max_frames
    assert video.segment_s == args.segment_seconds == DEFAULT_SEGMENT_S
    assert video.frame_max_pixels == VideoClip("clip.mp4").frame_max_pixels
    assert (video.recent_seconds, video.recent_fps, video.keep_recent) == (10, 2.0, False)


def test_the_recording_memory_bound() -> None:
    video = VideoSettings()
    assert video.recent_frames == 20 and video.recent_max_bytes == 20 * 151_200 * 3  # about 8.7 MiB


@pytest.mark.parametrize(("changes", "words"), [
    ({"fps": 0}, "Video frames per second 0 is out of range. Choose 0.1 to 8."),
    ({"fps": "fast"}, "must be a number"),
    ({"max_frames": 1}, "Most video frames 1 is out of range."),
    ({"frame_max_pixels": 10}, "The video frame size 10 is out of range."),
    ({"segment_s": 2.5}, "must be a whole number"),
    ({"recent_seconds": 600}, "Choose 2 to 120 seconds."),
    ({"keep_recent": "yes"}, "must be true or false"),
    ({"recent_seconds": 120, "recent_fps": 10.0, "frame_max_pixels": 1280 * 784},
     "The screen recording would hold up to 3445 MB in memory. Record fewer seconds"),
])
def test_bad_values_are_one_line_errors_with_advice(changes, words) -> None:
    with pytest.raises(SettingsError) as caught:
        VideoSettings(**changes)
    assert words in caught.value.user_text and "\n" not in caught.value.user_text


def test_a_saved_video_group_round_trips(tmp_path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    video = VideoSettings(fps=0.5, max_frames=32, frame_max_pixels=200_000, segment_s=30, recent_seconds=20,
                          recent_fps=1.0, keep_recent=True)
    store.save(dataclasses.replace(Settings(), video=video))
    data = json.loads(store.path.read_text())
    assert data["video"] == {"fps": 0.5, "max_frames": 32, "frame_max_pixels": 200_000, "segment_s": 30,
                             "recent_seconds": 20, "recent_fps": 1.0, "keep_recent": True}
    assert SettingsStore(store.path).load().video == video


def test_a_bad_value_in_the_file_falls_back_to_its_default() -> None:
    problems: list[str] = []
    settings = from_dict({**to_dict(Settings()), "video": {"fps": 2, "max_frames": "many"}}, problems)
    assert settings.video == VideoSettings(fps=2.0)
    assert problems == ["Most video frames must be a whole number, not 'many'. Its default is used."]

