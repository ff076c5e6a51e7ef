"""The window flow: showing, hiding and raising the caption window (show-window, toggle-window, ask-follow-up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from inkscope_desktop.core.actions import Action

if TYPE_CHECKING:
    from inkscope_desktop.qt.runtime.action_registry import ActionRegistry
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow


def bring_to_front(window: CaptionWindow) -> None:
    """Show ``window`` from any state (hidden, minimized, behind other windows): restored, raised and active.

    Qt remembers a minimized window's state across hide and show, so showing it alone maps it iconic again; the
    minimized flag is cleared first."""
    state = window.windowState()
    if state & Qt.WindowState.WindowMinimized:
        window.setWindowState((state & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()


class WindowFlow:
    """Owns the actions that bring the caption window to the user or put it away. GUI thread only."""

    def __init__(self, window: CaptionWindow) -> None:
        self._window = window

    def register_actions(self, registry: ActionRegistry) -> None:
        registry.register(Action.SHOW_WINDOW, self.show)
        registry.register(Action.TOGGLE_WINDOW, self.toggle)
        registry.register(Action.ASK_FOLLOW_UP, self.ask_follow_up)

    def show(self) -> None:
        bring_to_front(self._window)

    def toggle(self) -> None:
        """Put the window away when the user is in it; else (hidden, minimized, behind others) bring it."""
        window = self._window
        if window.isVisible() and not window.isMinimized() and window.isActiveWindow():
            window.put_away()
        else:
            self.show()

    def ask_follow_up(self) -> None:
        """Bring the window and put the keyboard in the question box."""
        self.show()
        self._window.focus_question()
