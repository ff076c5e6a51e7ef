"""Turns pynput's key objects into hotkey tokens (a Modifier or a canonical key name), whatever Shift does."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, Union

from inkscope_desktop.hotkeys.keys import KEYS_BY_CHAR, KEYS_BY_PYNPUT_NAME, PYNPUT_MODIFIERS, Modifier

KeyToken = Union[Modifier, str]
"""A modifier, or the canonical name of a non-modifier key ("d", "f12", "page_up")."""


class KeyTranslator:
    """Maps a pynput ``Key`` or ``KeyCode`` to ``(token, identity)``, or None for keys hotkeys ignore.

    ``identity`` tells the physical key apart (left and right Ctrl) so releasing one of two held Ctrl keys
    keeps Ctrl held. On X11, ``vk`` is a keysym: ``keysyms`` maps keysyms to tokens, ``unshift`` maps a
    shifted keysym back to its key's unshifted one. Elsewhere (macOS) keys are known by their character.
    Windows needs no translation: RegisterHotKey matches chords itself (see ``win32_hotkeys``).
    """

    def __init__(self, keysyms: Mapping[int, KeyToken] | None = None, unshift: Mapping[int, int] | None = None) -> None:
        self._keysyms = dict(keysyms or {})
        self._unshift = dict(unshift or {})

    @classmethod
    def for_keymap(cls, keymap: Any = None) -> KeyTranslator:
        """The translator for the ``X11Keymap`` read at start, or by character where there is none."""
        return cls(keymap.tokens, keymap.unshift) if keymap is not None else cls()

    def translate(self, key: Any) -> tuple[KeyToken, object] | None:
        if key is None:
            return None
        if isinstance(key, Enum):  # a pynput Key member: modifiers, F-keys, arrows, media keys ...
            vk = getattr(key.value, "vk", None)
            identity = self._unshift.get(vk, vk) if vk else key.name
            if key.name in PYNPUT_MODIFIERS:
                return PYNPUT_MODIFIERS[key.name], identity
            spec = KEYS_BY_PYNPUT_NAME.get(key.name)
            if spec is not None:
                return spec.name, identity
            return self._by_vk(vk)
        vk = getattr(key, "vk", None)
        by_vk = self._by_vk(vk)
        if by_vk is not None:
            return by_vk
        char = getattr(key, "char", None)
        if char:
            spec = KEYS_BY_CHAR.get(char.lower())
            if spec is not None:
                return spec.name, spec.name
        return None

    def _by_vk(self, vk: int | None) -> tuple[KeyToken, object] | None:
        if not vk:
            return None
        keysym = self._unshift.get(vk, vk)
        token = self._keysyms.get(keysym)
        return (token, keysym) if token is not None else None
