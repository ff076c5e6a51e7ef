"""Video inputs: which files are videos, the segments a long one is described in, and how many frames.

Decoding needs PyAV and lives in :mod:`inkscope_desktop.engines.local.video_reader`; the core stays free of it.
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass

from inkscope_desktop.core.types import VideoClip

VIDEO_SUFFIXES = frozenset({".mp4", ".mkv", ".webm", ".mov", ".avi"})

#: A long video is described this many seconds at a time, each part headed by its time range.
DEFAULT_SEGMENT_S = 60.0


@dataclass(frozen=True)
class VideoInfo:
    """What probing a video file found: its length, frame rate, frame count and picture size."""

    duration_s: float
    fps: float
    frames: int
    width: int
    height: int


def is_video_path(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a video by its suffix (any case)."""
    return os.path.splitext(os.fspath(path))[1].lower() in VIDEO_SUFFIXES


def plan_segments(duration_s: float, segment_s: float = DEFAULT_SEGMENT_S) -> list[tuple[float, float]]:
    """Consecutive ``(start, end)`` seconds covering ``duration_s``; a last part under a second joins the one
    before it, so no part is too short to show anything."""
    if segment_s <= 0:
        raise ValueError("segment_s must be positive")
    count = max(1, math.ceil(duration_s / segment_s - 1e-9))
    if count > 1 and duration_s - (count - 1) * segment_s < 1.0:
        count -= 1
    bounds = [index * segment_s for index in range(count)] + [duration_s]
    return list(itertools.pairwise(bounds))


def format_time(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss`` from an hour on), rounded down to the second."""
    whole = int(seconds + 1e-6)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_time_range(start_s: float, end_s: float) -> str:
    return f"{format_time(start_s)}–{format_time(math.ceil(end_s - 1e-6))}"


def frame_count(clip: VideoClip, duration_s: float) -> int:
    """Frames sampled from ``clip`` lasting ``duration_s``: ``fps`` a second, an even number (Qwen2-VL merges
    pairs of frames), at least 2 and at most ``max_frames`` (rounded down to even)."""
    wanted = math.ceil(max(duration_s, 0.0) * clip.fps - 1e-9)
    cap = max(2, clip.max_frames - clip.max_frames % 2)
    return min(cap, max(2, wanted + wanted % 2))


def clip_end_s(clip: VideoClip) -> float | None:
    """Where ``clip`` ends in seconds: its ``end_s``, else the length of its in-memory frames (None: unknown)."""
    if clip.is_in_memory:
        length = len(clip.frames) / clip.frames_fps
        return length if clip.end_s is None else min(clip.end_s, length)
    return clip.end_s


def clip_segments(clip: VideoClip) -> list[tuple[float, float | None]]:
    """The ``(start, end)`` parts ``clip`` is described in: parts of ``clip.segment_s`` seconds when that is set
    and the end is known (see :func:`plan_segments`), else the whole clip as one part."""
    end = clip_end_s(clip)
    if clip.segment_s is None or end is None:
        return [(clip.start_s, end)]
    return [(clip.start_s + start, clip.start_s + stop)
            for start, stop in plan_segments(max(end - clip.start_s, 0.0), clip.segment_s)]

