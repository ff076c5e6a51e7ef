"""The global hotkeys in the app: the listener's lifetime and its chords, which go to the action registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.settings import HotkeySettings

if TYPE_CHECKING:
    from inkscope_desktop.hotkeys import HotkeyListener
    from inkscope_desktop.hotkeys.chords import Chord
    from inkscope_desktop.qt.runtime.action_registry import ActionRegistry


class HotkeyHost:
    """Runs a ``HotkeyListener`` whose chords go to ``registry.accept`` (its thread only posts them).

    ``start()`` begins listening (a one-line error to ``tell_error`` when it cannot here: Wayland, no display);
    ``pause()``/``resume()`` stop it while the settings dialog records chords; ``use(hotkeys)`` is the settings
    listener that rebinds it. GUI thread only.
    """

    def __init__(self, registry: ActionRegistry, hotkeys: HotkeySettings, tell_error: Callable[[str], None]) -> None:
        self._registry = registry
        self._bindings: dict[Action, Chord] = hotkeys.bindings()
        self._tell_error = tell_error
        self.listener: HotkeyListener | None = None

    @property
    def bindings(self) -> dict[Action, Chord]:
        return dict(self._bindings)

    @property
    def is_listening(self) -> bool:
        return self.listener is not None and self.listener.is_running

    def start(self) -> None:
        from inkscope_desktop.hotkeys import HotkeyListener

        self.listener = HotkeyListener(self._bindings, self._post,
                                       on_problem=lambda problem: self._tell_error(problem.user_text))
        try:
            self.listener.start()
        except InkscopeError as error:
            self.listener = None
            self._tell_error(error.user_text)

    def _post(self, action: Action) -> None:
        """On the listener's thread: hand the chord's action to the GUI thread and return at once."""
        self._registry.accept(action)

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.stop()
            self.listener = None

    def pause(self) -> bool:
        """Stop listening for now (so pressing a chord in the settings dialog records it); whether it was on."""
        was_listening = self.listener is not None
        self.stop()
        return was_listening

    def resume(self) -> None:
        self.start()

    def use(self, hotkeys: HotkeySettings) -> None:
        """New chords (a settings listener): the listener rebinds."""
        self._bindings = hotkeys.bindings()
        if self.listener is not None:
            self.listener.rebind(self._bindings)
