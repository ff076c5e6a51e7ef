"""The words every layer shares: speech routes, the speech rate range, the default model, devices, the API-key
variable and the exit statuses. Defined once here, as ``core/actions.py`` defines the action names."""

from __future__ import annotations

import enum


class SpeechRoute(str, enum.Enum):
    """Who speaks captions.

    AUTO: the running screen reader when there is one (so two voices never talk over each other), else the own
    voice. SCREEN_READER: only through a screen reader route. OWN_VOICE: always the own voice (pyttsx3). OFF:
    nothing is spoken (messages are announced to a screen reader, if one listens).
    """

    AUTO = "auto"
    SCREEN_READER = "screen-reader"
    OWN_VOICE = "own-voice"
    OFF = "off"

    @classmethod
    def parse(cls, name: object) -> SpeechRoute:
        """The route called ``name`` (an alias such as "silent" included, any case); ValueError for others."""
        text = name.value if isinstance(name, SpeechRoute) else str(name).strip().lower()
        return cls(ROUTE_ALIASES.get(text, text))


#: Other names accepted for a route (the settings dialog calls "off" Silent).
ROUTE_ALIASES = {"silent": "off", "none": "off", "screen reader": "screen-reader", "own voice": "own-voice"}
#: Words per minute the own voice may be set to (espeak-ng accepts 80 to 450), and its default.
RATE_RANGE = (80, 450)
DEFAULT_RATE = 185

#: The model Inkscope describes with, unless the settings or --model name another.
DEFAULT_MODEL_ID = "prithivMLmods/Inkscope-Captions-2B-0526"
#: Where the local model may run ("cuda:N" picks a GPU).
DEVICES = ("auto", "cuda", "mps", "cpu")

#: The environment variable a remote server's API key is read from, unless the settings name another.
DEFAULT_API_KEY_ENV = "INKSCOPE_API_KEY"

#: Exit statuses of ``inkscope-desktop``: 0 done; 1 some inputs were not described (or a check said no);
#: 2 a usage, model or setup error; 130 interrupted.
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
