"""Reads video files with PyAV: probes them for problems and samples evenly spaced frames of a clip."""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any

from inkscope_desktop.core.errors import VideoError
from inkscope_desktop.core.images import shrink_to_pixels
from inkscope_desktop.core.types import VideoClip
from inkscope_desktop.core.video import VideoInfo, format_time_range, frame_count

if TYPE_CHECKING:
    from PIL import Image

#: Larger frames than 8K UHD are refused: decoding them costs too much memory for what the model sees.
MAX_FRAME_PIXELS = 7680 * 4320


def probe_video(path: str | os.PathLike[str]) -> VideoInfo:
    """Open ``path`` and read its video stream's facts; anything unusable is a one-line VideoError."""
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    try:
        size = os.path.getsize(path)
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise VideoError(f"The video {name} cannot be read ({reason}).", "Check the path and its permissions.") \
            from None
    if size == 0:
        raise VideoError(f"The video {name} is empty (0 bytes).", "Choose another file, or record it again.")
    av = _pyav()

    try:
        with av.open(os.fspath(path)) as container:
            if not container.streams.video:
                raise VideoError(f"The file {name} has no video stream (sound only?).",
                                 "Choose a file with pictures in it.")
            stream = container.streams.video[0]
            width, height = int(stream.codec_context.width or 0), int(stream.codec_context.height or 0)
            fps = float(stream.average_rate or stream.guessed_rate or 0.0)
            duration_s = _duration_s(container, stream)
            frames = int(stream.frames or 0) or (round(duration_s * fps) if fps > 0 else 0)
    except VideoError:
        raise
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as error:
        raise VideoError(f"The file {name} is not a readable video ({type(error).__name__}).",
                         "Check that it is an MP4, MKV, WebM, MOV or AVI file and plays in a video player.") \
            from None
    if width <= 0 or height <= 0:
        raise VideoError(f"The video {name} has no picture size.", "Choose another file; this one may be damaged.")
    if width * height > MAX_FRAME_PIXELS:
        raise VideoError(f"The video {name} is too large ({width}x{height} pixels a frame).",
                         "Scale it down to 4K or less first, e.g. with ffmpeg -vf scale=1920:-2.")
    if duration_s <= 0 or frames <= 0:
        raise VideoError(f"The video {name} has no length (zero frames).", "Choose another file, or record it again.")
    return VideoInfo(duration_s=duration_s, fps=fps, frames=frames, width=width, height=height)


def read_frames(clip: VideoClip) -> tuple[list[Image.Image], float]:
    """Evenly spaced RGB frames of ``clip`` and their sample rate (frames per second of video).

    Each frame is shrunk to at most ``clip.frame_max_pixels``. Errors are VideoErrors. A clip of in-memory
    frames (a screen recording) is sampled the same way, without decoding anything.
    """
    if clip.is_in_memory:
        return _frames_in_memory(clip)
    info = probe_video(clip.path)
    start = min(max(clip.start_s, 0.0), info.duration_s)
    end = info.duration_s if clip.end_s is None else min(max(clip.end_s, start), info.duration_s)
    if end - start <= 0:
        raise VideoError(f"The part {format_time_range(start, end)} of the video is empty.",
                         "Choose a start before its end.")
    count = frame_count(clip, end - start)
    step = (end - start) / count
    targets = [start + (index + 0.5) * step for index in range(count)]
    frames = _decode_at(clip.path, targets, end)
    if not frames:
        raise VideoError(f"No frame of {os.path.basename(clip.path)} could be decoded.",
                         "Check that it plays in a video player, or convert it to MP4 (H.264).")
    frames += [frames[-1]] * (count - len(frames))
    return [shrink_to_pixels(frame, clip.frame_max_pixels, min_side=28) for frame in frames], count / (end - start)


def _frames_in_memory(clip: VideoClip) -> tuple[list[Image.Image], float]:
    """Evenly spaced frames of ``clip.frames`` (taken ``clip.frames_fps`` a second) within its time range, at
    most ``frame_count`` of them, shrunk and all of the first frame's size (the model needs one size)."""
    length = len(clip.frames) / clip.frames_fps
    start = min(max(clip.start_s, 0.0), length)
    end = length if clip.end_s is None else min(max(clip.end_s, start), length)
    if end - start <= 0:
        raise VideoError(f"The part {format_time_range(start, end)} of the recording is empty.",
                         "Record the screen again, or choose a start before its end.")
    first = min(int(start * clip.frames_fps + 1e-6), len(clip.frames) - 1)
    available = clip.frames[first:max(first + 1, math.ceil(end * clip.frames_fps - 1e-6))]
    count = min(frame_count(clip, end - start), len(available) + len(available) % 2)
    count = max(count, 2)
    chosen = [available[min(int((index + 0.5) * len(available) / count), len(available) - 1)]
              for index in range(count)]
    frames = [shrink_to_pixels(frame, clip.frame_max_pixels, min_side=28) for frame in chosen]
    size = frames[0].size
    return [frame if frame.size == size else frame.resize(size) for frame in frames], count / (end - start)


def _decode_at(path: str, targets: list[float], end: float) -> list[Any]:
    """For each target time, the last frame shown at or before it (the first frame for earlier targets)."""
    av = _pyav()

    chosen: list[Any] = []
    try:
        with av.open(path) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            if targets[0] > 1.0 and stream.time_base:
                container.seek(int(targets[0] / stream.time_base), stream=stream, backward=True)
            last = None
            for frame in container.decode(stream):
                time_s = frame.time if frame.time is not None else 0.0
                while len(chosen) < len(targets) and targets[len(chosen)] < time_s:
                    chosen.append((last if last is not None else frame).to_image())
                if len(chosen) == len(targets) or time_s > end:
                    break
                last = frame
            while last is not None and len(chosen) < len(targets):
                chosen.append(last.to_image())
    except (av.FFmpegError, OSError, ValueError) as error:
        if not chosen:
            raise VideoError(f"The video {os.path.basename(path)} could not be decoded ({type(error).__name__}).",
                             "Check that it plays in a video player, or convert it to MP4 (H.264).") from None
    return chosen


def _duration_s(container: Any, stream: Any) -> float:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / 1_000_000  # av.time_base: microseconds
    return 0.0


def _pyav() -> Any:
    """PyAV, imported lazily (only videos need it), or a VideoError naming what to install."""
    try:
        import av
    except ImportError:
        raise VideoError("Describing videos needs the PyAV package, which is not installed.",
                         "Install it with: pip install av") from None
    return av
