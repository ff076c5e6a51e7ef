"""The action registry: each flow registers the actions it owns; menus, the tray, hotkeys and ``trigger`` dispatch here.

Orca's presenters are the model: a flow builds its own handlers (``register_actions(registry)``), and no
central switch knows what an action does. An action's stable name, menu label and default chord are the
shared vocabulary in ``core.actions`` and ``hotkeys.defaults`` (the settings and the command line need them
without the GUI); what it does is registered here, once, by the flow that owns it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject

from inkscope_desktop.core.actions import Action
from inkscope_desktop.qt.runtime.thread_bridge import ThreadBridge

log = logging.getLogger(__name__)

Handler = Callable[[], None]


@dataclass(frozen=True)
class MenuCommand:
    """A menu item that is not an action: no hotkey, no ``trigger`` name (Open…, Settings…, Quit)."""

    key: str
    label: str
    handler: Handler


class ActionRegistry(QObject):
    """Maps each :class:`Action` to the one handler its flow registered, plus the menu-only commands.

    ``dispatch(action_or_name)`` runs the handler on the GUI thread; an unknown name, or an action no flow
    registered, is refused here and nowhere else. ``accept(name)`` is the thread-safe door for the hotkey
    listener's and the instance server's threads: it answers at once whether the name is known and posts the
    action to the GUI thread. Register everything before the app starts; the registry is read-only after.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handlers: dict[Action, Handler] = {}
        self._commands: dict[str, MenuCommand] = {}
        self._bridge = ThreadBridge(self._dispatch_posted, self)  # queued: other threads only post

    def register(self, action: Action, handler: Handler) -> None:
        """Make ``handler`` what ``action`` does; an action has exactly one owner."""
        if action in self._handlers:
            raise ValueError(f"The action {action.value} is registered twice.")
        self._handlers[action] = handler

    def register_command(self, key: str, label: str, handler: Handler) -> None:
        """Add a menu-only command (``key`` names it in the menu layout)."""
        if key in self._commands:
            raise ValueError(f"The menu command {key} is registered twice.")
        self._commands[key] = MenuCommand(key, label, handler)

    def command(self, key: str) -> MenuCommand | None:
        return self._commands.get(key)

    def is_registered(self, action: Action) -> bool:
        return action in self._handlers

    def missing(self) -> list[Action]:
        """The actions no flow has registered (an app wired completely has none)."""
        return [action for action in Action if action not in self._handlers]

    def parse(self, name: object) -> Action | None:
        """The registered action called ``name`` (an Action or its exact name), else None."""
        try:
            action = Action(name)
        except ValueError:
            return None
        return action if action in self._handlers else None

    def dispatch(self, name: object) -> bool:
        """Do the action called ``name`` now (GUI thread); False, with a log line, when it is unknown."""
        action = self.parse(name)
        if action is None:
            log.warning("Refused an unknown action: %r", str(name)[:40])
            return False
        log.info("Action %s", action.value)
        self._handlers[action]()
        return True

    def accept(self, name: object) -> bool:
        """Thread-safe: whether ``name`` is a registered action; if so, it is posted to the GUI thread."""
        action = self.parse(name)  # reads only: the registry does not change once the app has started
        if action is None:
            log.warning("Refused an unknown action: %r", str(name)[:40])
            return False
        self._bridge.post(action)
        return True

    def _dispatch_posted(self, action: object) -> None:
        self.dispatch(action)
