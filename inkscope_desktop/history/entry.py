"""One history entry as the window, search and export see it: the caption, where it came from, its follow-ups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType

from inkscope_desktop.core.types import Turn


@dataclass(frozen=True)
class FollowUp:
    """A question asked about the entry's image later, and the answer the model gave."""

    question: str
    answer: str
    time: datetime
    id: int = 0


@dataclass(frozen=True)
class Entry:
    """A finished caption, immutable (safe to hand from the store's caller to any thread).

    ``time`` is timezone-aware UTC (``local_time`` for display). ``subject`` is what was captured ("screen",
    "window", "region", "clipboard", "image"), ``source`` the details people read ("Active window: Firefox", a
    file path). The thumbnail itself is not carried: ``has_thumbnail`` says whether ``store.thumbnail(id)`` has one.
    """

    id: int
    time: datetime
    source: str
    prompt: str
    caption: str
    engine: str = ""
    timings: Mapping[str, float] = field(default_factory=dict)
    follow_ups: tuple[FollowUp, ...] = ()
    subject: str = ""
    has_thumbnail: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "timings", MappingProxyType(dict(self.timings)))
        object.__setattr__(self, "follow_ups", tuple(self.follow_ups))

    @property
    def local_time(self) -> datetime:
        return self.time.astimezone()

    @property
    def turns(self) -> tuple[Turn, ...]:
        """The caption and each follow-up as conversation turns, oldest first."""
        return (Turn(self.prompt, self.caption), *(Turn(f.question, f.answer) for f in self.follow_ups))


def from_timestamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def to_timestamp(moment: datetime | float | None, default: float) -> float:
    """Seconds since the epoch for a datetime (naive means local time), a number, or None (``default``)."""
    if moment is None:
        return default
    if isinstance(moment, datetime):
        return moment.timestamp()
    return float(moment)
