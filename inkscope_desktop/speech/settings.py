"""Speech settings: which route speaks, and the own voice's voice, rate and volume (plain data, no I/O)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

#: Words per minute the own voice may be set to (espeak-ng accepts 80 to 450).
RATE_RANGE = (80, 450)
#: Other names accepted for a route (as the settings file and dialog may write them).
ROUTE_ALIASES = {"silent": "off", "none": "off", "screen reader": "screen-reader", "own voice": "own-voice"}


class SpeechRoute(str, enum.Enum):
    """Who speaks captions.

    AUTO: the running screen reader when there is one (so two voices never talk over each other), else
    the own voice. SCREEN_READER: only through a screen reader route. OWN_VOICE: always the own voice
    (pyttsx3). OFF: nothing is spoken.
    """

    AUTO = "auto"
    SCREEN_READER = "screen-reader"
    OWN_VOICE = "own-voice"
    OFF = "off"


@dataclass(frozen=True)
class SpeechSettings:
    """Speech preferences; out-of-range values are clamped, an unknown route becomes AUTO, None voice "".

    ``voice`` is a pyttsx3 voice id or name (espeak-ng: ``"gmw/en-US"``, ``"en"``, ``"de"``), or "" for the
    system's default voice. ``rate`` is in words per minute, ``volume`` from 0.0 to 1.0.
    ``nvda_client_dll`` is the path of ``nvdaControllerClient.dll``; "" looks beside the app and on PATH.
    """

    route: SpeechRoute = SpeechRoute.AUTO
    voice: str = ""
    rate: int = 185
    volume: float = 1.0
    nvda_client_dll: str = ""

    def __post_init__(self) -> None:
        name = self.route.value if isinstance(self.route, SpeechRoute) else str(self.route).strip().lower()
        try:
            route = SpeechRoute(ROUTE_ALIASES.get(name, name))
        except ValueError:
            route = SpeechRoute.AUTO
        object.__setattr__(self, "route", route)
        object.__setattr__(self, "voice", str(self.voice or "").strip())
        object.__setattr__(self, "rate", int(min(max(int(self.rate), RATE_RANGE[0]), RATE_RANGE[1])))
        object.__setattr__(self, "volume", float(min(max(float(self.volume), 0.0), 1.0)))

    def with_changes(self, **changes: object) -> "SpeechSettings":
        """A copy with ``changes`` applied (and clamped)."""
        return replace(self, **changes)
