"""``inkscope-desktop describe`` on videos, in a subprocess: folders with videos, bad videos, long videos."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("_video_clips", Path(__file__).parents[1] / "core" / "test_video.py")
_clips = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_clips)
write_clip = _clips.write_clip


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inkscope_desktop", *args], capture_output=True, text=True,
                          timeout=300, check=False, env=dict(os.environ))


@pytest.mark.model
def test_a_folder_of_a_video_an_image_and_a_broken_video(tiny_model_dir, noise_image, tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    write_clip(folder / "b_clip.mp4")
    noise_image.save(folder / "a_shot.png")
    (folder / "c_broken.mp4").write_text("this is not a video\n")
    result = run_cli("describe", str(folder), "--jsonl", "--model", str(tiny_model_dir), "--device", "cpu",
                     "--max-new-tokens", "4")
    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(record["path"]).name for record in records] == ["a_shot.png", "b_clip.mp4", "c_broken.mp4"]
    shot, video, broken = records
    assert shot["error"] is None and video["error"] is None
    assert video["prompt"] == "Describe this video in detail." and video["image_tokens"] > 0
    assert broken["caption"] is None and "c_broken.mp4" in broken["error"] and "\n" not in broken["error"]
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "c_broken.mp4" in errors[0]


def test_a_long_video_is_described_part_by_part_with_time_ranges(tmp_path: Path) -> None:
    path = write_clip(tmp_path / "long.mp4", seconds=5.0)
    result = run_cli("describe", str(path), "--engine", "fake", "--segment-seconds", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["0:00–0:02", "0:02–0:04", "0:04–0:05"]
    assert "from 2 s to 4 s" in lines[1] and "Describe this video in detail." in lines[1]


def test_a_short_video_needs_no_time_range_and_presets_still_apply(tmp_path: Path) -> None:
    path = write_clip(tmp_path / "short.mp4", seconds=1.0)
    result = run_cli("describe", str(path), "--engine", "fake", "--jsonl", "-p", "brief")
    record = json.loads(result.stdout)
    assert result.returncode == 0 and record["error"] is None
    assert record["prompt"].startswith("Describe this image in one or two")
    assert not record["caption"].startswith("0:00")


@pytest.mark.parametrize("content", [b"", b"plain text, not a video\n"])
def test_a_bad_single_video_is_one_line_and_exit_1(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.mov"
    path.write_bytes(content)
    result = run_cli("describe", str(path), "--engine", "fake")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "bad.mov" in result.stderr and "Traceback" not in result.stderr


def test_the_remote_engine_says_it_cannot_describe_videos(tmp_path: Path) -> None:
    path = write_clip(tmp_path / "clip.mp4", seconds=1.0)
    result = run_cli("describe", str(path), "--engine", "remote", "--base-url", "http://127.0.0.1:9/v1",
                     "--remote-model", "m")
    assert result.returncode == 1 and "remote engine cannot describe videos" in result.stderr
