"""The window flow: showing, hiding and raising the caption window (show-window, toggle-window, ask-follow-up), and
keeping it out of captures without taking the focus from the user's program."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from inkscope_desktop.core.actions import Action
from inkscope_desktop.settings import WindowSettings

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from inkscope_desktop.qt.flows.describe_flow import DescribeFlow, JobContext
    from inkscope_desktop.qt.runtime.action_registry import ActionRegistry
    from inkscope_desktop.qt.runtime.jobs import CaptionJob
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow


def _unminimize(window: CaptionWindow) -> None:
    """Qt remembers a minimized window's state across hide and show, so showing it alone maps it iconic again."""
    state = window.windowState()
    if state & Qt.WindowState.WindowMinimized:
        window.setWindowState(state & ~Qt.WindowState.WindowMinimized)


def bring_to_front(window: CaptionWindow) -> None:
    """Show ``window`` from any state (hidden, minimized, behind other windows): restored, raised and active."""
    _unminimize(window)
    window.show()
    window.raise_()
    window.activateWindow()


def show_without_focus(window: CaptionWindow) -> None:
    """Show ``window`` (restored from minimized) where it can be read, leaving the keyboard where it is.

    The widget attribute alone is read when the native window is first made; Qt's X11 plug-in reads the window
    handle's ``_q_showWithoutActivating`` at every map (it then tells the window manager user time 0, so openbox
    and the like leave the focus alone), so both are set for the time of ``show()``."""
    _unminimize(window)
    handle = window.windowHandle()
    window.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
    if handle is not None:
        handle.setProperty("_q_showWithoutActivating", True)
    window.show()
    if handle is not None:
        handle.setProperty("_q_showWithoutActivating", False)
    window.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)


@dataclass(frozen=True)
class PutAway:
    """How the window was before it was hidden for a capture (see ``WindowFlow.hide_for_capture``)."""

    was_visible: bool
    was_active: bool


class WindowFlow:
    """Owns the actions that bring the caption window to the user or put it away, and the window's part in each
    description. GUI thread only.

    A description never takes the focus from the user's program unless they asked for the window (K, a menu
    item) or ``settings.focus_for_each_description`` is on. With a tray icon and
    ``settings.show_for_each_description`` on, each new caption shows the window without taking the focus.
    Captures hide the window first and show it again as it was (active only if it was).
    """

    def __init__(self, window: CaptionWindow, settings: WindowSettings | None = None, *,
                 has_tray: bool = False) -> None:
        self._window = window
        self.settings = settings or WindowSettings()
        self._has_tray = has_tray

    def register_actions(self, registry: ActionRegistry) -> None:
        registry.register(Action.SHOW_WINDOW, self.show)
        registry.register(Action.TOGGLE_WINDOW, self.toggle)
        registry.register(Action.ASK_FOLLOW_UP, self.ask_follow_up)

    def follow(self, describe: DescribeFlow) -> None:
        """Take part in each description the describe flow starts."""
        describe.job_started.connect(self._description_started)

    def use(self, settings: WindowSettings) -> None:
        """New window settings (a settings listener)."""
        self.settings = settings

    def show(self) -> None:
        bring_to_front(self._window)

    def toggle_label(self) -> str:
        """What show-or-hide would do now, for its menu item: "Hide window" or "Show window"."""
        window = self._window
        is_in_it = window.isVisible() and not window.isMinimized() and window.isActiveWindow()
        return "Hide window" if is_in_it else "Show window"

    def label_toggle_item(self, item: QAction, chord: object) -> None:
        """Say in the show-or-hide menu item what it will do now (call as its menu opens)."""
        label = self.toggle_label()
        item.setText(f"{label}\t{chord}" if chord else label)

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

    def hide_for_capture(self) -> PutAway:
        """Hide the window, so that a capture does not show it; what it was, for ``restore``."""
        window = self._window
        state = PutAway(window.isVisible() and not window.isMinimized(), window.isActiveWindow())
        if window.isVisible():
            window.hide()
            QGuiApplication.sync()  # a round trip: the window system has unmapped it before the capture waits
        return state

    def restore(self, state: PutAway) -> None:
        """Show the window again as it was before ``hide_for_capture``: active only if it was."""
        if state.was_active:
            bring_to_front(self._window)
        elif state.was_visible:
            show_without_focus(self._window)

    def _description_started(self, _job: CaptionJob, context: JobContext) -> None:
        if context.is_answer:
            return  # the user asked it from the window
        if self.settings.focus_for_each_description:
            bring_to_front(self._window)
        elif self._has_tray and self.settings.show_for_each_description and not self._window.isVisible():
            show_without_focus(self._window)
