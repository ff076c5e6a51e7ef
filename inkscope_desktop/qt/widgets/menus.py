"""The app's menu actions, shared by the tray menu and the window's menu bar, each showing its hotkey."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from inkscope_desktop.core.actions import Action

if TYPE_CHECKING:
    from inkscope_desktop.qt.runtime.action_registry import ActionRegistry

#: Menu order: actions, the keys of menu commands, and None for a separator.
MENU_ORDER: tuple[Action | str | None, ...] = (
    Action.DESCRIBE_SCREEN, Action.DESCRIBE_WINDOW, Action.DESCRIBE_REGION, Action.DESCRIBE_CLIPBOARD,
    Action.DESCRIBE_RECENT_SCREEN, "open-image", None,
    Action.ASK_FOLLOW_UP, Action.REPEAT_LAST, Action.STOP_SPEAKING, Action.STOP_DESCRIBING, None,
    Action.TOGGLE_WINDOW, "settings", None,
    "quit",
)


def build_menu_actions(parent: QObject | None, registry: ActionRegistry,
                       hotkeys: Mapping[Action, object]) -> list[QAction | None]:
    """QActions in menu order (None for separators), each dispatching through ``registry``: an action by its name,
    a menu command (``registry.command(key)``) by its handler; items nobody registered are left out. A hotkey
    is shown after a tab, not set as a shortcut: the global listener already handles it, and a window
    shortcut would fire the action twice.

    Give a ``parent`` that lives as long as the menus, or keep the list: a QMenu does not own its actions."""
    actions: list[QAction | None] = []
    for item in MENU_ORDER:
        if item is None:
            actions.append(None)
        elif isinstance(item, Action):
            if not registry.is_registered(item):
                continue
            action = QAction(menu_label(item, hotkeys), parent)
            action.setData(item.value)
            action.triggered.connect(lambda _checked=False, chosen=item: registry.dispatch(chosen))
            actions.append(action)
        else:
            command = registry.command(item)
            if command is None:
                continue
            action = QAction(command.label, parent)
            action.triggered.connect(lambda _checked=False, run=command.handler: run())
            actions.append(action)
    return actions


def menu_label(action: Action, hotkeys: Mapping[Action, object]) -> str:
    """"Describe screen\tCtrl+Alt+Shift+D": the label, then the chord to press, if any."""
    chord = hotkeys.get(action)
    return f"{action.label}\t{chord}" if chord else action.label


def relabel(actions: Sequence[QAction | None], hotkeys: Mapping[Action, object]) -> None:
    """Show new chords in the labels of ``actions`` (made by build_menu_actions)."""
    for action in actions:
        if action is not None and action.data():
            action.setText(menu_label(Action(action.data()), hotkeys))


def fill_menu(menu: QMenu, actions: Sequence[QAction | None]) -> None:
    """Put ``actions`` in ``menu`` (None: a separator), in place of what it held."""
    menu.clear()
    for action in actions:
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)
