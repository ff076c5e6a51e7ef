"""A field that records a hotkey by pressing it: the settings dialog's way to rebind an action."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget

_MODIFIER_KEYS = {Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Shift, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
                  Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_Hyper_L, Qt.Key.Key_Hyper_R}
#: Keys that keep their usual meaning in the field, so the dialog stays usable by keyboard.
_PASSED_ON = {Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape}
_CLEARING = {Qt.Key.Key_Backspace, Qt.Key.Key_Delete}
_NAMES = {
    Qt.Key.Key_Return: "Enter", Qt.Key.Key_Enter: "Enter", Qt.Key.Key_Space: "Space", Qt.Key.Key_Print: "PrintScreen",
    Qt.Key.Key_PageUp: "PageUp", Qt.Key.Key_PageDown: "PageDown", Qt.Key.Key_Comma: "Comma",
    Qt.Key.Key_Period: "Period", Qt.Key.Key_Minus: "Minus", Qt.Key.Key_Equal: "Equal", Qt.Key.Key_Slash: "Slash",
    Qt.Key.Key_Semicolon: "Semicolon", Qt.Key.Key_Apostrophe: "Apostrophe", Qt.Key.Key_BracketLeft: "BracketLeft",
    Qt.Key.Key_BracketRight: "BracketRight", Qt.Key.Key_Backslash: "Backslash", Qt.Key.Key_QuoteLeft: "Grave",
}


def chord_text(key: int, modifiers: Qt.KeyboardModifier) -> str:
    """"Ctrl+Alt+Shift+D" for a key press, in the notation hotkey settings use (Meta is Super)."""
    parts = [name for flag, name in ((Qt.KeyboardModifier.ControlModifier, "Ctrl"),
                                     (Qt.KeyboardModifier.AltModifier, "Alt"),
                                     (Qt.KeyboardModifier.ShiftModifier, "Shift"),
                                     (Qt.KeyboardModifier.MetaModifier, "Super")) if modifiers & flag]
    key_name = _NAMES.get(Qt.Key(key)) if key in {k.value for k in _NAMES} else None
    if key_name is None:
        key_name = QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText)
    return "+".join([*parts, key_name])


class ChordRecorder(QLineEdit):
    """Read-only; pressing a chord here emits ``chord_pressed(text)``. Backspace or Delete emits "" (unbind).

    Tab, Shift+Tab and Esc keep their usual meaning, so nobody gets stuck in the field. The chord is not
    checked here: the dialog validates it and says what is wrong.
    """

    chord_pressed = Signal(str)

    def __init__(self, text: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setReadOnly(True)
        self.setAccessibleName(name)
        self.setAccessibleDescription("Press the new key combination. Backspace removes the hotkey.")
        self.setPlaceholderText("No hotkey")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in _PASSED_ON and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            super().keyPressEvent(event)
            return
        if key in _MODIFIER_KEYS or key == Qt.Key.Key_unknown:
            return
        if key in _CLEARING and not event.modifiers():
            self.chord_pressed.emit("")
            return
        self.chord_pressed.emit(chord_text(key, event.modifiers()))
