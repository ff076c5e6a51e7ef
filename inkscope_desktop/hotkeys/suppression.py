"""Which key events the focused program must not get, for event taps that ask after each event (macOS)."""

from __future__ import annotations

from typing import Any


class SuppressionTracker:
    """Remembers the verdict on the key event just matched, for pynput's ``darwin_intercept`` to act on.

    On macOS pynput calls ``on_press`` / ``on_release`` (which match chords) and then ``darwin_intercept`` for
    the same event, on the same thread. The listener calls ``begin`` and ``judge_press`` or ``judge_release``
    from its callbacks; the intercept asks ``take``. A press that completes a chord is kept from the focused
    program, and so are that key's auto-repeats and its release. Modifiers always pass: the focused program
    would otherwise think them held.
    """

    def __init__(self) -> None:
        self._held: set[object] = set()
        self._verdict = False

    def begin(self) -> None:
        """A new event: it passes unless judged otherwise (injected and unknown keys are never judged)."""
        self._verdict = False

    def judge_press(self, identity: object, *, completes_chord: bool) -> None:
        if completes_chord or identity in self._held:
            self._held.add(identity)
            self._verdict = True

    def judge_release(self, identity: object) -> None:
        if identity in self._held:
            self._held.discard(identity)
            self._verdict = True

    def take(self) -> bool:
        """True when the event just judged must be suppressed; the verdict is used once."""
        verdict, self._verdict = self._verdict, False
        return verdict

    def intercept(self, event_type: Any, event: Any) -> Any:
        """pynput's ``darwin_intercept``: None suppresses the event, the event itself lets it through."""
        del event_type
        return None if self.take() else event
