"""The settings schema: one frozen dataclass per group of the settings dialog, with defaults and validation.

Every value is checked when a dataclass is built, so a ``Settings`` that exists is usable; a bad value raises a
one-line SettingsError naming the setting and what to do. The objects are immutable (mappings are read-only
views), so one can be handed to any thread; change one with ``dataclasses.replace`` or the ``with_*`` helpers.
Reading and writing the file is ``store.py``'s job; turning dicts into settings is ``codec.py``'s.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.core.prompts import PRESETS
from inkscope_desktop.core.types import Detail
from inkscope_desktop.core.vocabulary import DEFAULT_MODEL_ID, DEFAULT_RATE, RATE_RANGE
from inkscope_desktop.hotkeys.chords import Chord, validate_bindings
from inkscope_desktop.hotkeys.defaults import default_bindings
from inkscope_desktop.settings import checks
from inkscope_desktop.settings.checks import SPEECH_ROUTES, find_conflicts  # noqa: F401  (re-exported)

#: The version of the settings layout this code writes; ``migrations.py`` brings older files up to it.
SCHEMA_VERSION = 2  # 2: the video group and the recent-screen action

DEFAULT_PRESET = "screen"
MAX_RETENTION_DAYS = 36_500
MAX_HISTORY_ENTRIES = 1_000_000
#: The most memory the screen recording may take (its frames, uncompressed).
MAX_RECORDING_BYTES = 512 * 2**20


def _default_chords() -> dict[str, str]:
    bindings = default_bindings()
    return {action.value: str(bindings[action]) if action in bindings else "" for action in Action}


class _Group:
    """Shared behaviour: run each field's check when built, then the group's own check."""

    CHECKS: Mapping[str, checks.Check] = MappingProxyType({})

    def __post_init__(self) -> None:
        for name, check in self.CHECKS.items():
            object.__setattr__(self, name, check(getattr(self, name)))
        self._check_group()

    def _check_group(self) -> None:
        """Rules between fields (a default preset that exists, distinct chords)."""


@dataclass(frozen=True)
class HotkeySettings(_Group):
    """A chord per action, as text ("Ctrl+Alt+Shift+D"); "" leaves an action unbound.

    Actions missing from ``chords`` get their default chord; chords are stored normalised, and two actions may
    not share one. ``bindings()`` gives what the hotkey listener takes.
    """

    chords: Mapping[str, str] = field(default_factory=_default_chords)

    def __post_init__(self) -> None:
        if not isinstance(self.chords, Mapping):
            raise checks.fail("The hotkeys must be a list of action names and chords.",
                              "Reset the hotkeys to their defaults.")
        given = {checks.parse_action(name): text for name, text in self.chords.items()}
        defaults = _default_chords()
        chords = {action.value: checks.chord_text(action, given.get(action, defaults[action.value]))
                  for action in Action}
        object.__setattr__(self, "chords", MappingProxyType(chords))
        try:
            validate_bindings(self.bindings())
        except HotkeyError as error:
            raise checks.fail(error.message, error.advice) from None

    def bindings(self) -> dict[Action, Chord]:
        """Every bound action and its chord, for the hotkey listener."""
        return {Action(name): Chord.parse(text) for name, text in self.chords.items() if text}

    def chord(self, action: Action) -> str:
        return self.chords[action.value]

    def with_chord(self, action: Action, text: str) -> HotkeySettings:
        """A copy with ``action`` bound to ``text`` ("" unbinds); SettingsError if it is bad or taken."""
        return HotkeySettings({**self.chords, action.value: text})


@dataclass(frozen=True)
class SpeechSettings(_Group):
    """Who speaks (``route``: auto, screen-reader, own-voice, off) and the own voice's voice, rate and volume.

    ``voice`` is a pyttsx3 voice id or name, or None for the system's default; ``rate`` is in words per minute.
    ``speak_automatically`` speaks each new caption as it streams; off, captions are spoken on request only.
    """

    route: str = "auto"
    voice: str | None = None
    rate: int = DEFAULT_RATE
    volume: float = 1.0
    speak_automatically: bool = True

    CHECKS = MappingProxyType({
        "route": checks.speech_route,
        "voice": checks.optional_text("The voice name", 200),
        "rate": checks.integer("Speech rate", *RATE_RANGE, " words per minute"),
        "volume": checks.volume,
        "speak_automatically": checks.boolean("Speak automatically"),
    })


@dataclass(frozen=True)
class PromptSettings(_Group):
    """The prompt presets (name -> text, editable), the one hotkey captions use, and the reply language."""

    presets: Mapping[str, str] = field(default_factory=lambda: dict(PRESETS))
    default_preset: str = DEFAULT_PRESET
    language: str | None = None

    CHECKS = MappingProxyType({
        "presets": checks.presets,
        "default_preset": checks.required_text("The default preset", "Choose one of the presets.", single_line=True),
        "language": checks.optional_text("The reply language", 60),
    })

    def _check_group(self) -> None:
        if self.default_preset not in self.presets:
            raise checks.fail(f"The default preset {self.default_preset!r} is not one of the presets.",
                              f"Choose one of: {', '.join(self.presets)}.")

    def prompt(self, name: str | None = None) -> str:
        """The text of preset ``name`` (the default preset when None); SettingsError for an unknown name."""
        name = self.default_preset if name is None else name
        if name not in self.presets:
            raise checks.fail(f"Unknown prompt preset {name!r}.", f"Choose one of: {', '.join(self.presets)}.")
        return self.presets[name]


@dataclass(frozen=True)
class ModelSettings(_Group):
    """The model (hub id or local folder), the device to run it on, and how many pixels it sees."""

    model: str = DEFAULT_MODEL_ID
    device: str = "auto"
    detail: Detail = Detail.NORMAL

    CHECKS = MappingProxyType({
        "model": checks.required_text("The model", f"Write a hub id such as {DEFAULT_MODEL_ID} or a folder."),
        "device": checks.device,
        "detail": checks.detail_level,
    })


@dataclass(frozen=True)
class PrivacySettings(_Group):
    """What is kept: captions only while ``history`` is on; screenshot thumbnails only while ``thumbnails`` is on.

    ``retention_days`` and ``max_entries`` bound the history (0 means no limit of that kind).
    """

    history: bool = True
    thumbnails: bool = False
    retention_days: int = 30
    max_entries: int = 1000

    CHECKS = MappingProxyType({
        "history": checks.boolean("Keep history"),
        "thumbnails": checks.boolean("Keep thumbnails"),
        "retention_days": checks.integer("History retention", 0, MAX_RETENTION_DAYS, " days (0 keeps them all)"),
        "max_entries": checks.integer("The history limit", 0, MAX_HISTORY_ENTRIES, " entries (0 for no limit)"),
    })


@dataclass(frozen=True)
class StartupSettings(_Group):
    """Whether the app starts when the user logs in (``autostart.py`` makes it so)."""

    start_at_login: bool = False

    CHECKS = MappingProxyType({"start_at_login": checks.boolean("Start at login")})


@dataclass(frozen=True)
class VideoSettings(_Group):
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


def _url_text(value: object) -> str:
    """An http(s) address, or "" for none."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not value.strip().lower().startswith(("http://", "https://")) or any(
            char.isspace() for char in value.strip()):
        raise checks.fail(f"The server address {value!r} is not an http:// or https:// address.",
                          "Write it like http://127.0.0.1:8000/v1.")
    return value.strip()


@dataclass(frozen=True)
class RemoteSettings(_Group):
    """An OpenAI-compatible server that describes instead of this computer (``enabled``): its address, the
    model's name there, the environment variable that holds its API key (never the key itself), a timeout.
    ``api_key_in_keyring`` says a key for ``base_url`` was saved in the system keyring (``engines/api_keys.py``);
    it is used when the environment variable is unset. The key itself is never in the settings.

    ``confirmed_url`` is the address the user agreed to send screenshots to; another address is asked about
    again before anything is sent.
    """

    enabled: bool = False
    base_url: str = ""
    model: str = ""
    api_key_env: str = "INKSCOPE_API_KEY"
    api_key_in_keyring: bool = False
    timeout_s: int = 60
    confirmed_url: str = ""

    CHECKS = MappingProxyType({
        "enabled": checks.boolean("Use a remote server"),
        "base_url": _url_text,
        "model": lambda value: checks.optional_text("The server's model name", 200)(value) or "",
        "api_key_env": lambda value: checks.optional_text("The API key variable", 100)(value) or "",
        "api_key_in_keyring": checks.boolean("API key saved in the keyring"),
        "timeout_s": checks.integer("The server timeout", 1, 3600, " seconds"),
        "confirmed_url": _url_text,
    })

    def _check_group(self) -> None:
        if self.enabled and not (self.base_url and self.model):
            raise checks.fail("A remote server needs its address and the model's name there.",
                              "Fill in both, or turn the remote server off.")


#: The groups of ``Settings`` by their key in the settings file, in the dialog's order.
GROUPS: Mapping[str, type[_Group]] = MappingProxyType({
    "hotkeys": HotkeySettings,
    "speech": SpeechSettings,
    "prompts": PromptSettings,
    "model": ModelSettings,
    "remote": RemoteSettings,
    "privacy": PrivacySettings,
    "video": VideoSettings,
    "startup": StartupSettings,
})


@dataclass(frozen=True)
class Settings:
    """Everything a user can set, by group; ``Settings()`` is the defaults. ``schema_version`` is fixed."""

    hotkeys: HotkeySettings = field(default_factory=HotkeySettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    prompts: PromptSettings = field(default_factory=PromptSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    remote: RemoteSettings = field(default_factory=RemoteSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    video: VideoSettings = field(default_factory=VideoSettings)
    startup: StartupSettings = field(default_factory=StartupSettings)
    schema_version: int = field(default=SCHEMA_VERSION, init=False)

    def __post_init__(self) -> None:
        for name, kind in GROUPS.items():
            if not isinstance(getattr(self, name), kind):
                raise TypeError(f"Settings.{name} must be a {kind.__name__}")


def field_names(kind: type) -> tuple[str, ...]:
    """The settings-file keys of a group, in declaration order."""
    return tuple(item.name for item in fields(kind) if item.init)
