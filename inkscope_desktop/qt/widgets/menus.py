"""The app's menu actions, shared by the tray menu and the window's menu bar, each showing its hotkey."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from inkscope_desktop.core.actions import Action

#: Menu order; None marks a separator.
MENU_ORDER: tuple[Action | str | None, ...] = (
    Action.DESCRIBE_SCREEN, Action.DESCRIBE_WINDOW, Action.DESCRIBE_REGION, Action.DESCRIBE_CLIPBOARD,
    Action.DESCRIBE_RECENT_SCREEN, "open-image", None,
    Action.ASK_FOLLOW_UP, Action.REPEAT_LAST, Action.STOP_SPEAKING, None,
    Action.SHOW_WINDOW, "settings", None,
    "quit",
)


def build_menu_actions(
    parent: QObject | None,
    hotkeys: Mapping[Action, object],
    on_action: Callable[[Action], None],
    on_open_image: Callable[[], None],
    on_quit: Callable[[], None],
    on_settings: Callable[[], None] | None = None,
) -> list[QAction | None]:
    """QActions in menu order (None for separators). A hotkey is shown after a tab, not set as a shortcut:
    the global listener already handles it, and a window shortcut would fire the action twice.

    Give a ``parent`` that lives as long as the menus, or keep the list: a QMenu does not own its actions."""
    actions: list[QAction | None] = []
    for item in MENU_ORDER:
        if item is None:
            actions.append(None)
            continue
        if item == "open-image":
            action = QAction("&Open image or video…", parent)
            action.triggered.connect(lambda _checked=False: on_open_image())
        elif item == "settings":
            if on_settings is None:
                continue
            action = QAction("S&ettings…", parent)
            action.triggered.connect(lambda _checked=False: on_settings())
        elif item == "quit":
            action = QAction("&Quit Inkscope", parent)
            action.triggered.connect(lambda _checked=False: on_quit())
        else:
            assert isinstance(item, Action)
            action = QAction(menu_label(item, hotkeys), parent)
            action.setData(item.value)
            action.triggered.connect(lambda _checked=False, chosen=item: on_action(chosen))
        actions.append(action)
    return actions


def menu_label(action: Action, hotkeys: Mapping[Action, object]) -> str:
    """"Describe screen\tCtrl+Alt+Shift+D": the label, then the chord to press, if any. Show window has no
    chord of its own: the show-or-hide chord is the one to press."""
    chord = hotkeys.get(action) or (hotkeys.get(Action.TOGGLE_WINDOW) if action is Action.SHOW_WINDOW else None)
    return f"{action.label}\t{chord}" if chord else action.label


def relabel(actions: Sequence[QAction | None], hotkeys: Mapping[Action, object]) -> None:
    """Show new chords in the labels of ``actions`` (made by build_menu_actions)."""
    for action in actions:
        if action is not None and action.data():
            action.setText(menu_label(Action(action.data()), hotkeys))
