"""The video settings group: how videos are described, and how the screen is recorded for "the last seconds"."""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

from inkscope_desktop.settings import checks
from inkscope_desktop.settings.group import Group

#: The most memory the screen recording may take (its frames, uncompressed).
MAX_RECORDING_BYTES = 512 * 2**20


@dataclass(frozen=True)
class VideoSettings(Group):
    """How videos are described, and the screen recording of "describe the last seconds of the screen".

    The model sees ``fps`` frames a second of a video file, at most ``max_frames`` per part and each frame at
    most ``frame_max_pixels``; a long video is described in parts of ``segment_s`` seconds (the CLI's
    defaults). The screen is recorded ``recent_fps`` frames a second for ``recent_seconds``, each frame shrunk
    to ``frame_max_pixels`` as it is taken and kept in memory only; ``keep_recent`` keeps the last seconds
    recording all the time (off: the action records the next seconds instead).
    """

    fps: float = 1.0
    max_frames: int = 64
    frame_max_pixels: int = 360 * 420
    segment_s: int = 60
    recent_seconds: int = 10
    recent_fps: float = 2.0
    keep_recent: bool = False

    CHECKS = MappingProxyType({
        "fps": checks.number("Video frames per second", 0.1, 8.0),
        "max_frames": checks.integer("Most video frames", 2, 768, " frames"),
        "frame_max_pixels": checks.integer("The video frame size", 4 * 28 * 28, 1280 * 28 * 28, " pixels"),
        "segment_s": checks.integer("The video part length", 5, 3600, " seconds"),
        "recent_seconds": checks.integer("The screen recording length", 2, 120, " seconds"),
        "recent_fps": checks.number("Screen recording frames per second", 0.5, 10.0),
        "keep_recent": checks.boolean("Keep recording the last seconds"),
    })

    @property
    def recent_frames(self) -> int:
        """Frames a screen recording holds at most."""
        return max(2, math.ceil(self.recent_seconds * self.recent_fps - 1e-9))

    @property
    def recent_max_bytes(self) -> int:
        """The most memory a screen recording's frames take (RGB, 3 bytes a pixel)."""
        return self.recent_frames * self.frame_max_pixels * 3

    def _check_group(self) -> None:
        if self.recent_max_bytes > MAX_RECORDING_BYTES:
            raise checks.fail(f"The screen recording would hold up to {self.recent_max_bytes // 2**20} MB in memory.",
                              "Record fewer seconds, fewer frames a second, or smaller frames "
                              f"(at most {MAX_RECORDING_BYTES // 2**20} MB).")
