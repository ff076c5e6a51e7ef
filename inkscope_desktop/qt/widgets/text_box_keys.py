"""The caption window's text boxes give the window its keys back: Ctrl+E exports, Ctrl+V of an image describes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence


class TextBoxKeys(QObject):
    """An event filter for the question and search boxes.

    A line edit claims some of the window's chords for itself: on X11, Ctrl+E is "end of line" (Qt's Emacs-style
    bindings), so the window's Ctrl+E (export) never fired while the focus was in a text box. ``window_keys`` are
    given back to the window. Ctrl+V pastes text as usual, but when the clipboard holds an image or image files
    (``holds_media()``), ``paste_media()`` describes them instead, as it does from the caption area.
    """

    def __init__(self, window_keys: Sequence[str], holds_media: Callable[[], bool], paste_media: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window_keys = [QKeySequence(key) for key in window_keys]
        self._holds_media = holds_media
        self._paste_media = paste_media

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if event.type() == QEvent.Type.ShortcutOverride and any(
                    pressed.matches(key) == QKeySequence.SequenceMatch.ExactMatch for key in self._window_keys):
                event.ignore()
                return True  # not overridden: the window's shortcut fires
            if event.type() == QEvent.Type.KeyPress and event.matches(QKeySequence.StandardKey.Paste) \
                    and self._holds_media():
                self._paste_media()
                return True
        return super().eventFilter(watched, event)
