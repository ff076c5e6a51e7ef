"""A tab bar that marks the current tab plainly while the keyboard is on it (some styles draw no focus mark)."""

from __future__ import annotations

from PySide6.QtGui import QFocusEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QTabBar, QWidget

#: Width of the frame drawn around the current tab while the tab row has the focus.
FOCUS_FRAME_PX = 3


class FocusMarkedTabBar(QTabBar):
    """Draws a frame in the palette's highlight colour around the current tab while it has the keyboard focus,
    so a low-vision user sees where Tab and the arrow keys are (colour plus thickness, on top of the style's)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Settings groups")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self.hasFocus() or self.currentIndex() < 0:
            return
        painter = QPainter(self)
        pen = QPen(self.palette().highlight(), FOCUS_FRAME_PX)
        painter.setPen(pen)
        inset = FOCUS_FRAME_PX // 2 + 1
        painter.drawRect(self.tabRect(self.currentIndex()).adjusted(inset, inset, -inset, -inset))
        painter.end()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.update()
