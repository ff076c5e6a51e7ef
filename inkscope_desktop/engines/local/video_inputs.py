"""Video items for Qwen2-VL's processor: frames read with PyAV in place of a path, and qwen-vl-utils' video
kwargs in the form transformers takes them."""

from __future__ import annotations

from typing import Any

from inkscope_desktop.core.types import VideoClip
from inkscope_desktop.engines.local.video_reader import read_frames


def decode_video_items(messages: list[dict[str, Any]], clip: VideoClip) -> None:
    """Put the clip's sampled frames in place of its path, with their sample rate.

    qwen-vl-utils reads a path with torchcodec, decord or ``torchvision.io.read_video``, which newer
    torchvision no longer has; a frame list is its other documented input, so the frames are read here
    with PyAV (fps, frame cap and time range applied) and qwen-vl-utils resizes them as usual.
    """
    frames, sample_fps = read_frames(clip)
    for message in messages:
        for item in message["content"]:
            if isinstance(item, dict) and item.get("type") == "video":
                item.pop("fps", None)
                item.update(video=frames, sample_fps=sample_fps)


def processor_video_kwargs(video_kwargs: dict[str, Any], processor: Any) -> dict[str, Any]:
    """qwen-vl-utils' video kwargs as transformers 5 takes them: its ``fps`` list (one rate per video, kept
    for Qwen2.5-VL) becomes the one video's rate, and the frames keep the size qwen-vl-utils gave them
    (frame cap and per-frame pixel limit applied) instead of the video processor's own defaults."""
    kwargs = dict(video_kwargs, do_resize=False)  # qwen-vl-utils has sized the frames already
    if hasattr(getattr(processor, "video_processor", None), "cap_pixels_per_frame"):  # transformers >= 5.2x
        kwargs["cap_pixels_per_frame"] = True  # the reference behaviour; also silences its warning
    fps = kwargs.get("fps")
    if isinstance(fps, (list, tuple)):
        if len(fps) == 1:
            kwargs["fps"] = fps[0]
        else:
            kwargs.pop("fps")
    return kwargs
