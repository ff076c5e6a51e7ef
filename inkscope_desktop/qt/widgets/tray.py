"""The system-tray icon: the app's menu, and an icon and tooltip that say what the app is doing."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from inkscope_desktop.qt.widgets.icons import IconState, app_icon
from inkscope_desktop.qt.widgets.menus import fill_menu


class TrayIcon(QSystemTrayIcon):
    """Shows ``actions`` as its context menu; a click shows or hides the caption window."""

    def __init__(
        self,
        actions: Sequence[QAction | None],
        on_activate: Callable[[], object] = lambda: None,
        *,
        is_high_contrast: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._is_high_contrast = is_high_contrast
        self._menu = QMenu()
        self._menu.setAccessibleName("Inkscope menu")
        self.set_menu_actions(actions)
        self.setContextMenu(self._menu)
        self._on_activate = on_activate
        self.activated.connect(self._activated)
        self.set_state(IconState.LOADING, "Inkscope: loading the model")

    @property
    def menu(self) -> QMenu:
        return self._menu

    def set_menu_actions(self, actions: Sequence[QAction | None]) -> None:
        """Show ``actions`` (None: a separator) in the menu, in place of what it held."""
        fill_menu(self._menu, actions)

    def set_state(self, state: IconState, tooltip: str) -> None:
        self.setIcon(app_icon(state, high_contrast=self._is_high_contrast))
        self.setToolTip(tooltip)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self._on_activate()
