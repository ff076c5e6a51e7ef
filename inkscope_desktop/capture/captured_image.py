"""What a capture returns: the RGB image and where it came from, worded for prompts, history and notices."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from inkscope_desktop.capture.geometry import Rect

if TYPE_CHECKING:
    from PIL import Image


class CaptureSource(str, Enum):
    """What was asked for (after any fallback: see :attr:`CapturedImage.notice`)."""

    SCREEN = "screen"  # the monitor under the mouse pointer
    MONITOR = "monitor"  # a monitor chosen by number
    ALL_MONITORS = "all_monitors"  # every monitor stitched into one image
    REGION = "region"  # a rectangle of the virtual desktop
    WINDOW = "window"  # the active window, frame included


@dataclass(frozen=True, eq=False)
class CapturedImage:
    """One capture: ``image`` (RGB, exactly ``rect.width`` x ``rect.height`` pixels) and its origin.

    ``rect`` is the captured rectangle in virtual-desktop coordinates (after clipping to the desktop).
    ``monitor`` is the 1-based screen number users hear ("Screen 2 of 3") for screen and monitor
    captures, else ``None``; ``monitor_count`` is how many screens there were. ``window_title`` is the
    active window's title when known. ``notice`` is set when the capture is not what was asked for and
    says why, in one sentence for the status line (e.g. "No window is active, so the whole screen was
    captured."); ``source`` then names what was captured instead.
    """

    image: "Image.Image"
    source: CaptureSource
    rect: Rect
    monitor: int | None = None
    monitor_count: int = 1
    window_title: str | None = None
    notice: str | None = None

    @property
    def subject(self) -> str:
        """What the image shows, for notices such as "The screen is blank: solid black."."""
        if self.source is CaptureSource.WINDOW:
            return "window"
        if self.source is CaptureSource.REGION:
            return "region"
        return "screen"

    @property
    def label(self) -> str:
        """Where the image came from, for prompts and history: "Screen 1 of 2", "Active window: Firefox"."""
        if self.source is CaptureSource.WINDOW:
            return f"Active window: {self.window_title}" if self.window_title else "Active window"
        if self.source is CaptureSource.REGION:
            return f"Region {self.rect}"
        if self.source is CaptureSource.ALL_MONITORS:
            return "All screens"
        if self.monitor is None or self.monitor_count <= 1:
            return "Screen"
        return f"Screen {self.monitor} of {self.monitor_count}"
