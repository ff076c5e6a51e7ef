"""Hotkey chords: parsing human text such as "ctrl+alt+shift+d", validating it, and checking a set of bindings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys.keys import KEY_ALIASES, KEYS, MODIFIER_ALIASES, KeySpec, Modifier, normalize_token

_EXAMPLE = "Ctrl+Alt+Shift+D"
_SHAPE_ADVICE = f"Write modifiers and one key joined by +, for example {_EXAMPLE}."
_KEY_ADVICE = ("Use Ctrl, Alt, Shift or Super with one key: a letter, a digit, F1 to F24, Space, Enter, Tab, Esc, "
               "an arrow, Home, End, PageUp, PageDown, Insert, Delete, Backspace, PrintScreen, Pause, Menu, "
               "or punctuation such as Comma or Period.")
_GUARD_MODIFIERS = frozenset({Modifier.CTRL, Modifier.ALT, Modifier.SUPER})
_CTRL, _ALT, _SHIFT = Modifier.CTRL, Modifier.ALT, Modifier.SHIFT
NAVIGATION_CHORDS: dict[tuple[frozenset[Modifier], str], str] = {
    **{(frozenset(mods), key): "switching tabs" for mods in ({_CTRL}, {_CTRL, _SHIFT}) for key in ("tab",)},
    **{(frozenset({_CTRL}), key): "switching tabs" for key in ("page_up", "page_down")},
    **{(frozenset(mods), "tab"): "switching windows" for mods in ({_ALT}, {_ALT, _SHIFT})},
}
"""Chords every program and desktop navigates with, and what a hotkey on them would take over."""


@dataclass(frozen=True)
class Chord:
    """Modifiers plus exactly one key, e.g. Ctrl+Alt+Shift+D.

    ``str(chord)`` is the normalised display form, which ``Chord.parse`` reads back; ``pynput_form`` is the
    same chord in pynput's ``GlobalHotKeys`` syntax. Build chords with ``Chord.parse``; the constructor
    checks the same rules, so every ``Chord`` that exists is a usable hotkey.
    """

    modifiers: frozenset[Modifier]
    key: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "modifiers", frozenset(self.modifiers))
        if self.key not in KEYS:
            raise HotkeyError(f"{self.key!r} is not a key name a hotkey can use.", _KEY_ADVICE)
        if not all(isinstance(m, Modifier) for m in self.modifiers):
            raise HotkeyError(f"{sorted(map(str, self.modifiers))} are not all modifiers.", _SHAPE_ADVICE)
        _check_not_typing(self)

    @classmethod
    def parse(cls, text: str) -> Chord:
        """The chord written in ``text`` (any case, any modifier order, aliases such as Control or Win)."""
        if not isinstance(text, str) or not text.strip():
            raise HotkeyError("The hotkey is empty.", f"Type a chord such as {_EXAMPLE}.")
        shown = " ".join(text.split())
        parts = [part.strip() for part in text.split("+")]  # no Plus key, so "++" is an empty part
        if any(not part for part in parts):
            raise HotkeyError(f"The hotkey {shown!r} has an empty part.", _SHAPE_ADVICE)
        modifiers: list[Modifier] = []
        keys: list[KeySpec] = []
        for part in parts:
            token = normalize_token(part)
            if token in MODIFIER_ALIASES:
                modifier = MODIFIER_ALIASES[token]
                if modifier in modifiers:
                    raise HotkeyError(f"The hotkey {shown!r} names {modifier.value} twice.", _SHAPE_ADVICE)
                modifiers.append(modifier)
            elif token in KEY_ALIASES:
                keys.append(KEY_ALIASES[token])
            else:
                raise HotkeyError(f"The hotkey {shown!r} has an unknown key name {part!r}.", _KEY_ADVICE)
        if not keys:
            raise HotkeyError(f"The hotkey {shown!r} has modifiers but no key.",
                              f"Add one key, for example {_EXAMPLE}.")
        if len(keys) > 1:
            names = " and ".join(spec.display for spec in keys)
            raise HotkeyError(f"The hotkey {shown!r} has more than one key ({names}).",
                              f"A hotkey is modifiers plus one key, for example {_EXAMPLE}.")
        return cls(frozenset(modifiers), keys[0].name)

    @property
    def spec(self) -> KeySpec:
        return KEYS[self.key]

    @property
    def ordered_modifiers(self) -> list[Modifier]:
        return [m for m in Modifier if m in self.modifiers]

    def label(self, platform: str = "") -> str:
        """The chord as users of ``platform`` name it ("Ctrl+Shift+Win+D", "Control+Shift+Command+D")."""
        return "+".join([*(m.label(platform) for m in self.ordered_modifiers), self.spec.display])

    @property
    def pynput_form(self) -> str:
        """pynput's hotkey syntax: ``<ctrl>+<alt>+<shift>+d``."""
        return "+".join([*(m.pynput_token for m in self.ordered_modifiers), self.spec.pynput_token])

    def __str__(self) -> str:
        return self.label()


def _check_not_typing(chord: Chord) -> None:
    """Refuse chords that would take over ordinary typing, navigation, or an app's own keys in every window."""
    taken_over = NAVIGATION_CHORDS.get((chord.modifiers, chord.key))
    if taken_over is not None:
        raise HotkeyError(f"{chord.label()} cannot be a hotkey: it would take over {taken_over} in every app.",
                          f"Choose a chord with a letter, for example {_EXAMPLE}.")
    if chord.modifiers & _GUARD_MODIFIERS or chord.spec.may_stand_alone:
        return
    advice = (f"Add Ctrl, Alt or Super, for example Ctrl+Alt+Shift+{chord.spec.display}; "
              "only F13 to F24 and media keys may be used without them.")
    shown = chord.label()
    if chord.spec.char is not None and chord.modifiers == {Modifier.SHIFT}:
        what = f"typing a capital {chord.spec.display}" if chord.spec.char.isalpha() else "typing a symbol"
        raise HotkeyError(f"{shown} cannot be a hotkey: it would take over {what}.", advice)
    raise HotkeyError(f"{shown} cannot be a hotkey: it would take over {shown} in every app.", advice)


def action_name(action: Action) -> str:
    """The action's menu text without a trailing ellipsis, for messages."""
    return action.label.rstrip("…").rstrip(".")


def validate_bindings(bindings: Mapping[Action, Chord]) -> None:
    """Raise a one-line HotkeyError if two actions share a chord or a binding is not an Action -> Chord."""
    owners: dict[Chord, Action] = {}
    for action in sorted(bindings, key=list(Action).index):
        chord = bindings[action]
        if not isinstance(action, Action) or not isinstance(chord, Chord):
            raise HotkeyError(f"The binding {action!r}: {chord!r} is not an action and a chord.",
                              "Parse hotkey text with Chord.parse or parse_bindings first.")
        if chord in owners:
            raise HotkeyError(f"{chord} is bound to both {action_name(owners[chord])} and {action_name(action)}.",
                              "Give each action its own chord, or leave one of them unbound.")
        owners[chord] = action


def parse_bindings(texts: Mapping[Action | str, str]) -> dict[Action, Chord]:
    """Chords from settings text ({"describe-screen": "ctrl+alt+shift+d"}); errors name the action."""
    bindings: dict[Action, Chord] = {}
    for name, text in texts.items():
        try:
            action = name if isinstance(name, Action) else Action.parse(name)
        except ValueError as exc:
            raise HotkeyError(str(exc), "Use one of the listed action names.") from None
        try:
            bindings[action] = Chord.parse(text)
        except HotkeyError as exc:
            raise HotkeyError(f"{action_name(action)}: {exc.message}", exc.advice) from None
    validate_bindings(bindings)
    return bindings
