"""The settings schema: one frozen dataclass per group of the settings dialog, with defaults and validation.

Every value is checked when a dataclass is built, so a ``Settings`` that exists is usable; a bad value raises a
one-line SettingsError naming the setting and what to do. The objects are immutable (mappings are read-only
views), so one can be handed to any thread; change one with ``dataclasses.replace`` or the ``with_*`` helpers.
Reading and writing the file is ``store.py``'s job; turning dicts into settings is ``codec.py``'s.
"""

from __future__ import annotations

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
from inkscope_desktop.settings.checks import SPEECH_ROUTES, find_conflicts
from inkscope_desktop.settings.group import Group
from inkscope_desktop.settings.remote_settings import RemoteSettings
from inkscope_desktop.settings.video_settings import MAX_RECORDING_BYTES, VideoSettings
from inkscope_desktop.settings.window_settings import WindowSettings

__all__ = ["GROUPS", "MAX_RECORDING_BYTES", "SCHEMA_VERSION", "SPEECH_ROUTES", "HotkeySettings", "ModelSettings",
           "PrivacySettings", "PromptSettings", "RemoteSettings", "Settings", "SpeechSettings", "StartupSettings",
           "VideoSettings", "WindowSettings", "field_names", "find_conflicts"]

#: The version of the settings layout this code writes; ``migrations.py`` brings older files up to it.
SCHEMA_VERSION = 3  # 2: the video group and the recent-screen action; 3: stop-describing, the window group

DEFAULT_PRESET = "screen"
MAX_RETENTION_DAYS = 36_500
MAX_HISTORY_ENTRIES = 1_000_000


def _default_chords() -> dict[str, str]:
    bindings = default_bindings()
    return {action.value: str(bindings[action]) if action in bindings else "" for action in Action}


@dataclass(frozen=True)
class HotkeySettings(Group):
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
class SpeechSettings(Group):
    """Who speaks (``route``: auto, screen-reader, own-voice, off) and the own voice's voice, rate and volume.

    ``voice`` is a pyttsx3 voice id or name, or None for the system's default; ``rate`` is in words per minute.
    ``speak_automatically`` speaks each new caption as it streams; off, captions are spoken on request only.
    ``nvda_client_dll`` is the path of NVDA's ``nvdaControllerClient.dll`` on Windows (None: Inkscope finds it).
    """

    route: str = "auto"
    voice: str | None = None
    rate: int = DEFAULT_RATE
    volume: float = 1.0
    speak_automatically: bool = True
    nvda_client_dll: str | None = None

    CHECKS = MappingProxyType({
        "route": checks.speech_route,
        "voice": checks.optional_text("The voice name", 200),
        "rate": checks.integer("Speech rate", *RATE_RANGE, " words per minute"),
        "volume": checks.volume,
        "speak_automatically": checks.boolean("Speak automatically"),
        "nvda_client_dll": checks.optional_text("The path of NVDA's controller client", 1000),
    })


@dataclass(frozen=True)
class PromptSettings(Group):
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
class ModelSettings(Group):
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
class PrivacySettings(Group):
    """What is kept: captions only while ``history`` is on; screenshot thumbnails only while ``thumbnails`` is on.

    ``retention_days`` and ``max_entries`` bound the history (0 means no limit of that kind). The images of the
    last ``kept_images`` captions of this run, ``kept_images_mb`` at most, stay in memory (never on disk) so that
    a caption recalled from the history can be asked about again.
    """

    history: bool = True
    thumbnails: bool = False
    retention_days: int = 30
    max_entries: int = 1000
    kept_images: int = 20
    kept_images_mb: int = 200

    CHECKS = MappingProxyType({
        "history": checks.boolean("Keep history"),
        "thumbnails": checks.boolean("Keep thumbnails"),
        "retention_days": checks.integer("History retention", 0, MAX_RETENTION_DAYS, " days (0 keeps them all)"),
        "max_entries": checks.integer("The history limit", 0, MAX_HISTORY_ENTRIES, " entries (0 for no limit)"),
        "kept_images": checks.integer("The images kept for questions", 0, 500, " images (0 keeps none)"),
        "kept_images_mb": checks.integer("The memory for kept images", 16, 8192, " MB"),
    })


@dataclass(frozen=True)
class StartupSettings(Group):
    """Whether the app starts when the user logs in (``autostart.py`` makes it so)."""

    start_at_login: bool = False

    CHECKS = MappingProxyType({"start_at_login": checks.boolean("Start at login")})


#: The groups of ``Settings`` by their key in the settings file, in the dialog's order.
GROUPS: Mapping[str, type[Group]] = MappingProxyType({
    "hotkeys": HotkeySettings,
    "speech": SpeechSettings,
    "prompts": PromptSettings,
    "model": ModelSettings,
    "remote": RemoteSettings,
    "privacy": PrivacySettings,
    "video": VideoSettings,
    "window": WindowSettings,
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
    window: WindowSettings = field(default_factory=WindowSettings)
    startup: StartupSettings = field(default_factory=StartupSettings)
    schema_version: int = field(default=SCHEMA_VERSION, init=False)

    def __post_init__(self) -> None:
        for name, kind in GROUPS.items():
            if not isinstance(getattr(self, name), kind):
                raise TypeError(f"Settings.{name} must be a {kind.__name__}")


def field_names(kind: type) -> tuple[str, ...]:
    """The settings-file keys of a group, in declaration order."""
    return tuple(item.name for item in fields(kind) if item.init)
