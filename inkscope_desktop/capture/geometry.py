"""Rectangles in virtual-desktop coordinates: monitors, regions, windows, and the maths between them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    """``width`` x ``height`` pixels whose top-left corner is at ``x``, ``y`` on the virtual desktop.

    The virtual desktop is the coordinate space all monitors share: the primary monitor's top-left is
    usually 0, 0, and a monitor left of or above it has negative coordinates. ``right`` and ``bottom``
    are exclusive, so ``Rect(0, 0, 2, 2)`` covers the pixels 0 and 1 in each direction.
    """

    x: int
    y: int
    width: int
    height: int

    @classmethod
    def from_corners(cls, left: int, top: int, right: int, bottom: int) -> "Rect":
        return cls(left, top, right - left, bottom - top)

    @classmethod
    def from_mss(cls, monitor: Mapping[str, int]) -> "Rect":
        """A rectangle from one of mss's monitor dicts (``left``, ``top``, ``width``, ``height``)."""
        return cls(int(monitor["left"]), int(monitor["top"]), int(monitor["width"]), int(monitor["height"]))

    @classmethod
    def bounding(cls, rects: Iterable["Rect"]) -> "Rect":
        """The smallest rectangle holding every rectangle in ``rects`` (which must not be empty)."""
        rects = list(rects)
        if not rects:
            raise ValueError("bounding() needs at least one rectangle")
        return cls.from_corners(min(r.x for r in rects), min(r.y for r in rects),
                                max(r.right for r in rects), max(r.bottom for r in rects))

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def area(self) -> int:
        return max(self.width, 0) * max(self.height, 0)

    @property
    def is_empty(self) -> bool:
        return self.width <= 0 or self.height <= 0

    def as_mss(self) -> dict[str, int]:
        """The dict ``mss.MSS.grab`` takes."""
        return {"left": self.x, "top": self.y, "width": self.width, "height": self.height}

    def contains(self, x: int, y: int) -> bool:
        return self.x <= x < self.right and self.y <= y < self.bottom

    def intersection(self, other: "Rect") -> "Rect | None":
        """The part both rectangles cover, or ``None`` where they do not overlap."""
        left, top = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        if right <= left or bottom <= top:
            return None
        return Rect.from_corners(left, top, right, bottom)

    def translated(self, dx: int, dy: int) -> "Rect":
        return Rect(self.x + dx, self.y + dy, self.width, self.height)

    def grown(self, left: int, top: int, right: int, bottom: int) -> "Rect":
        """This rectangle with each side moved outwards by the given amount (inwards where negative)."""
        return Rect(self.x - left, self.y - top, self.width + left + right, self.height + top + bottom)

    def distance_to(self, x: int, y: int) -> float:
        """How far the point ``x``, ``y`` lies from this rectangle (0 inside it)."""
        dx = max(self.x - x, 0, x - (self.right - 1))
        dy = max(self.y - y, 0, y - (self.bottom - 1))
        return float((dx * dx + dy * dy) ** 0.5)

    def __str__(self) -> str:
        return f"{self.width}x{self.height} at {self.x}, {self.y}"


def monitor_at(monitors: list[Rect], x: int, y: int) -> int:
    """The index of the monitor holding the point ``x``, ``y``, or of the nearest one (for a point in a gap)."""
    if not monitors:
        raise ValueError("monitor_at() needs at least one monitor")
    for index, monitor in enumerate(monitors):
        if monitor.contains(x, y):
            return index
    return min(range(len(monitors)), key=lambda index: monitors[index].distance_to(x, y))
