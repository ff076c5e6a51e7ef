"""Settings that parts subscribe to: listeners of every change, or of one group, told the new and the old value.

Napari's evented settings are the model (``get_settings().appearance.events.theme.connect(...)``): each part
applies its own group when it changes, and whoever edits the settings only saves them.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.settings.schema import Settings

log = logging.getLogger(__name__)

ChangeListener = Callable[[Settings, Settings], None]
GROUPS = frozenset(field.name for field in fields(Settings))


class SettingsEvents:
    """``connect(listener)`` hears every change as ``listener(new, old)``; ``watch(group, listener)`` hears only
    changes of that group (``"speech"``, ``"video"`` …) as ``listener(new_group)``.

    ``emit(new, old)`` calls them in the order they connected. A listener may raise ``InkscopeError`` (a part
    could not apply its settings: autostart failed, say); the others still run, and ``emit`` returns those
    errors. Any other exception is a bug: it is logged and the others still run. A change made by a listener
    (a save from inside one) is told once the current one has reached every listener, so all hear changes in
    order. Listeners run on the thread that saved (the GUI thread in the app).
    """

    def __init__(self) -> None:
        self._listeners: list[ChangeListener] = []
        self._pending: deque[tuple[Settings, Settings]] = deque()
        self._is_emitting = False

    def connect(self, listener: ChangeListener) -> ChangeListener:
        self._listeners.append(listener)
        return listener

    def disconnect(self, listener: ChangeListener) -> None:
        self._listeners.remove(listener)

    def watch(self, group: str, listener: Callable[[Any], None]) -> ChangeListener:
        """Call ``listener(new.<group>)`` whenever that group changes; returns what ``disconnect`` takes."""
        if group not in GROUPS:
            raise ValueError(f"There is no settings group {group!r}.")

        def changed(new: Settings, old: Settings) -> None:
            if getattr(new, group) != getattr(old, group):
                listener(getattr(new, group))

        return self.connect(changed)

    def emit(self, new: Settings, old: Settings) -> list[InkscopeError]:
        """Tell every listener; the errors listeners raised (none: an empty list)."""
        self._pending.append((new, old))
        if self._is_emitting:
            return []  # a listener saved: told after the change being told now
        problems: list[InkscopeError] = []
        self._is_emitting = True
        try:
            while self._pending:
                change = self._pending.popleft()
                for listener in list(self._listeners):
                    try:
                        listener(*change)
                    except InkscopeError as error:
                        log.warning("A part could not apply the new settings: %s", error.user_text)
                        problems.append(error)
                    except Exception:  # a broken listener must not stop the others
                        log.exception("A settings listener failed")
        finally:
            self._is_emitting = False
        return problems
