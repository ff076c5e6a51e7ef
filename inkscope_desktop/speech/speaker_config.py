"""A speaker's configuration: which route speaks, and the own voice's voice, rate and volume (plain data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from inkscope_desktop.core.vocabulary import DEFAULT_RATE, RATE_RANGE, SpeechRoute


@dataclass(frozen=True)
class SpeakerConfig:
    """What a speech route is built with (from the user's ``settings.SpeechSettings``); out-of-range values are
    clamped, an unknown route becomes AUTO, None voice "".

    ``voice`` is a pyttsx3 voice id or name (espeak-ng: ``"gmw/en-US"``, ``"en"``, ``"de"``), or "" for the
    system's default voice. ``rate`` is in words per minute, ``volume`` from 0.0 to 1.0.
    ``nvda_client_dll`` is the path of ``nvdaControllerClient.dll``; "" looks beside the app and on PATH.
    """

    route: SpeechRoute = SpeechRoute.AUTO
    voice: str = ""
    rate: int = DEFAULT_RATE
    volume: float = 1.0
    nvda_client_dll: str = ""

    def __post_init__(self) -> None:
        try:
            route = SpeechRoute.parse(self.route)
        except ValueError:
            route = SpeechRoute.AUTO
        object.__setattr__(self, "route", route)
        object.__setattr__(self, "voice", str(self.voice or "").strip())
        object.__setattr__(self, "rate", int(min(max(int(self.rate), RATE_RANGE[0]), RATE_RANGE[1])))
        object.__setattr__(self, "volume", float(min(max(float(self.volume), 0.0), 1.0)))

    def with_changes(self, **changes: Any) -> SpeakerConfig:
        """A copy with ``changes`` applied (and clamped)."""
        return replace(self, **changes)
