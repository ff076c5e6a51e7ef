"""The keys a hotkey may use: canonical names, spoken-friendly display names, aliases, pynput and X11 names."""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import Enum


class Modifier(Enum):
    """A modifier key; the declaration order is the order chords are written in."""

    CTRL = "Ctrl"
    ALT = "Alt"
    SHIFT = "Shift"
    SUPER = "Super"

    @property
    def pynput_token(self) -> str:
        return _MODIFIER_PYNPUT[self]

    @property
    def x_keysym_names(self) -> tuple[str, ...]:
        """Every X keysym that counts as this modifier (left, right, and Meta on the Alt key)."""
        return _MODIFIER_KEYSYMS[self]

    def label(self, platform: str) -> str:
        """The name users of ``platform`` know the key by: Win on Windows, Command and Option on macOS."""
        return _PLATFORM_LABELS.get(platform, {}).get(self, self.value)


_MODIFIER_PYNPUT = {Modifier.CTRL: "<ctrl>", Modifier.ALT: "<alt>", Modifier.SHIFT: "<shift>",
                    Modifier.SUPER: "<cmd>"}
_MODIFIER_KEYSYMS = {
    Modifier.CTRL: ("Control_L", "Control_R"),
    Modifier.ALT: ("Alt_L", "Alt_R", "Meta_L", "Meta_R"),
    Modifier.SHIFT: ("Shift_L", "Shift_R"),
    Modifier.SUPER: ("Super_L", "Super_R", "Hyper_L", "Hyper_R"),
}
_PLATFORM_LABELS = {
    "win32": {Modifier.SUPER: "Win"},
    "darwin": {Modifier.CTRL: "Control", Modifier.ALT: "Option", Modifier.SUPER: "Command"},
}

MODIFIER_ALIASES: dict[str, Modifier] = {
    "ctrl": Modifier.CTRL, "control": Modifier.CTRL, "ctl": Modifier.CTRL,
    "alt": Modifier.ALT, "option": Modifier.ALT, "opt": Modifier.ALT,
    "shift": Modifier.SHIFT,
    "super": Modifier.SUPER, "win": Modifier.SUPER, "windows": Modifier.SUPER, "cmd": Modifier.SUPER,
    "command": Modifier.SUPER, "meta": Modifier.SUPER,
}
"""Modifier names in any case, as ``normalize_token`` leaves them."""


@dataclass(frozen=True)
class KeySpec:
    """One non-modifier key.

    ``name`` is canonical; ``display`` is written in chords (words, not punctuation, so a screen reader reads
    it at any punctuation level); ``pynput_token`` is its part in pynput's hotkey syntax; ``x_keysym`` its
    X11 keysym name; ``char`` the character it types unshifted, if any; ``may_stand_alone`` says a chord may
    use it without Ctrl, Alt or Super (keys no app types with: F13-F24 and media keys).
    """

    name: str
    display: str
    pynput_token: str
    x_keysym: str
    aliases: tuple[str, ...] = ()
    char: str | None = None
    may_stand_alone: bool = False


def _named(name: str, display: str, x_keysym: str, *aliases: str, pynput: str | None = None,
           alone: bool = False) -> KeySpec:
    return KeySpec(name, display, pynput or f"<{name}>", x_keysym, aliases, None, alone)


def _punct(char: str, name: str, display: str, x_keysym: str, *aliases: str) -> KeySpec:
    return KeySpec(name, display, char, x_keysym, (char, *aliases), char)


def _all_keys() -> list[KeySpec]:
    keys = [KeySpec(c, c.upper(), c, c, (), c) for c in string.ascii_lowercase]
    keys += [KeySpec(d, d, d, d, (), d) for d in string.digits]
    keys += [_named(f"f{n}", f"F{n}", f"F{n}", alone=n >= 13) for n in range(1, 25)]
    keys += [
        _named("space", "Space", "space", "spacebar"),
        _named("enter", "Enter", "Return", "return"),
        _named("tab", "Tab", "Tab"),
        _named("esc", "Esc", "Escape", "escape"),
        _named("backspace", "Backspace", "BackSpace", "bksp"),
        _named("insert", "Insert", "Insert", "ins"),
        _named("delete", "Delete", "Delete", "del"),
        _named("home", "Home", "Home"),
        _named("end", "End", "End"),
        _named("page_up", "PageUp", "Prior", "pgup"),
        _named("page_down", "PageDown", "Next", "pgdn"),
        _named("up", "Up", "Up", "uparrow", "arrowup"),
        _named("down", "Down", "Down", "downarrow", "arrowdown"),
        _named("left", "Left", "Left", "leftarrow", "arrowleft"),
        _named("right", "Right", "Right", "rightarrow", "arrowright"),
        _named("print_screen", "PrintScreen", "Print", "print", "prtsc", "prtscr", "prtscn"),
        _named("pause", "Pause", "Pause", "break"),
        _named("menu", "Menu", "Menu", "apps", "application", "contextmenu"),
        _punct("-", "minus", "Minus", "minus", "dash", "hyphen"),
        _punct("=", "equal", "Equals", "equal", "equals"),
        _punct("[", "left_bracket", "LeftBracket", "bracketleft", "bracketleft"),
        _punct("]", "right_bracket", "RightBracket", "bracketright", "bracketright"),
        _punct(";", "semicolon", "Semicolon", "semicolon"),
        _punct("'", "apostrophe", "Apostrophe", "apostrophe", "quote"),
        _punct(",", "comma", "Comma", "comma"),
        _punct(".", "period", "Period", "period", "dot", "fullstop"),
        _punct("/", "slash", "Slash", "slash"),
        _punct("\\", "backslash", "Backslash", "backslash"),
        _punct("`", "grave", "Backtick", "grave", "backquote", "backtick"),
        _named("play_pause", "PlayPause", "XF86AudioPlay", "mediaplaypause", "play",
               pynput="<media_play_pause>", alone=True),
        _named("next_track", "NextTrack", "XF86AudioNext", "medianext", pynput="<media_next>", alone=True),
        _named("previous_track", "PreviousTrack", "XF86AudioPrev", "mediaprevious", "prevtrack",
               pynput="<media_previous>", alone=True),
        _named("mute", "Mute", "XF86AudioMute", "volumemute", "mediavolumemute", pynput="<media_volume_mute>",
               alone=True),
        _named("volume_down", "VolumeDown", "XF86AudioLowerVolume", "mediavolumedown",
               pynput="<media_volume_down>", alone=True),
        _named("volume_up", "VolumeUp", "XF86AudioRaiseVolume", "mediavolumeup", pynput="<media_volume_up>",
               alone=True),
    ]
    return keys


KEYS: dict[str, KeySpec] = {spec.name: spec for spec in _all_keys()}
"""Every supported key by canonical name."""


def normalize_token(token: str) -> str:
    """Lower case without spaces; multi-character names also lose ``_`` and ``-`` ("Page-Up" -> "pageup")."""
    text = "".join(token.split()).lower()
    if len(text) > 1:
        text = text.replace("_", "").replace("-", "")
    return text


def _build_aliases() -> dict[str, KeySpec]:
    aliases: dict[str, KeySpec] = {}
    for spec in KEYS.values():
        for alias in (spec.name, spec.display, spec.pynput_token.strip("<>"), *spec.aliases):
            aliases.setdefault(normalize_token(alias), spec)
    return aliases


KEY_ALIASES: dict[str, KeySpec] = _build_aliases()
"""Key names in any case and spelling ``parse`` accepts, after ``normalize_token``."""

KEYS_BY_PYNPUT_NAME: dict[str, KeySpec] = {
    spec.pynput_token.strip("<>"): spec for spec in KEYS.values() if spec.pynput_token.startswith("<")
}
"""Keys by the name of pynput's ``Key`` member ("page_up", "media_next")."""

KEYS_BY_CHAR: dict[str, KeySpec] = {spec.char: spec for spec in KEYS.values() if spec.char}

PYNPUT_MODIFIERS: dict[str, Modifier] = {
    name: modifier
    for modifier, stem in ((Modifier.CTRL, "ctrl"), (Modifier.ALT, "alt"), (Modifier.SHIFT, "shift"),
                           (Modifier.SUPER, "cmd"))
    for name in (stem, f"{stem}_l", f"{stem}_r")
}
"""pynput ``Key`` member names that are modifiers (``alt_gr`` is deliberately not Alt)."""
