"""Matches key presses against the bound chords exactly: the held modifiers must be the chord's modifiers."""

from __future__ import annotations

from collections.abc import Mapping

from inkscope_desktop.core.actions import Action
from inkscope_desktop.hotkeys.chords import Chord
from inkscope_desktop.hotkeys.key_events import KeyToken
from inkscope_desktop.hotkeys.keys import Modifier


class ChordMatcher:
    """Tracks held keys and says which action, if any, a key press completes.

    Unlike pynput's ``HotKey`` (which fires Ctrl+Alt+D while Ctrl+Alt+Shift+D is pressed), a chord matches
    only when exactly its modifiers are held, so bound chords never fire on a larger chord. A key held down
    (auto-repeat) fires once. Called from one thread (the listener's); ``bindings`` may be replaced from
    another, as one reference swap.
    """

    def __init__(self, bindings: Mapping[Action, Chord]) -> None:
        self._table: dict[tuple[frozenset[Modifier], str], Action] = {}
        self._held_modifiers: dict[object, Modifier] = {}
        self._held_keys: set[object] = set()
        self.bindings = bindings

    @property
    def bindings(self) -> dict[Action, Chord]:
        return {action: Chord(modifiers, key) for (modifiers, key), action in self._table.items()}

    @bindings.setter
    def bindings(self, bindings: Mapping[Action, Chord]) -> None:
        self._table = {(chord.modifiers, chord.key): action for action, chord in bindings.items()}

    @property
    def held_modifiers(self) -> frozenset[Modifier]:
        return frozenset(self._held_modifiers.values())

    def press(self, token: KeyToken, identity: object = None) -> Action | None:
        """Record a key press; the action whose chord it completes, else None."""
        identity = token if identity is None else identity
        if isinstance(token, Modifier):
            self._held_modifiers[identity] = token
            return None
        if identity in self._held_keys:
            return None
        self._held_keys.add(identity)
        return self._table.get((self.held_modifiers, token))

    def release(self, token: KeyToken, identity: object = None) -> None:
        identity = token if identity is None else identity
        if isinstance(token, Modifier):
            self._held_modifiers.pop(identity, None)
        else:
            self._held_keys.discard(identity)

    def reset(self) -> None:
        """Forget every held key (a fresh listener cannot know what is down)."""
        self._held_modifiers.clear()
        self._held_keys.clear()
