"""A field that records a hotkey by pressing it: the settings dialog's way to rebind an action."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget

_MODIFIER_KEYS = {Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Shift, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
                  Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_Hyper_L, Qt.Key.Key_Hyper_R}
_CLEARING = {Qt.Key.Key_Backspace, Qt.Key.Key_Delete}
_NAMES = {
    Qt.Key.Key_Return: "Enter", Qt.Key.Key_Enter: "Enter", Qt.Key.Key_Space: "Space", Qt.Key.Key_Print: "PrintScreen",
    Qt.Key.Key_PageUp: "PageUp", Qt.Key.Key_PageDown: "PageDown", Qt.Key.Key_Comma: "Comma",
    Qt.Key.Key_Period: "Period", Qt.Key.Key_Minus: "Minus", Qt.Key.Key_Equal: "Equal", Qt.Key.Key_Slash: "Slash",
    Qt.Key.Key_Semicolon: "Semicolon", Qt.Key.Key_Apostrophe: "Apostrophe", Qt.Key.Key_BracketLeft: "BracketLeft",
    Qt.Key.Key_BracketRight: "BracketRight", Qt.Key.Key_Backslash: "Backslash", Qt.Key.Key_QuoteLeft: "Grave",
}


_CTRL, _SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
_NONE = Qt.KeyboardModifier.NoModifier
_DIALOG_KEYS = {
    Qt.Key.Key_Tab: {_NONE, _SHIFT, _CTRL, _CTRL | _SHIFT},  # next / previous field; next / previous tab
    Qt.Key.Key_Backtab: {_SHIFT, _CTRL | _SHIFT},
    Qt.Key.Key_PageUp: {_CTRL}, Qt.Key.Key_PageDown: {_CTRL},  # previous / next tab
    Qt.Key.Key_Escape: {_NONE}, Qt.Key.Key_Return: {_NONE}, Qt.Key.Key_Enter: {_NONE},  # Cancel, OK
}
HOW_TO_RECORD = ("Press the new key combination, for example Ctrl+Alt+Shift+D. Backspace removes the hotkey. "
                 "Tab, Shift+Tab, Ctrl+Tab, Ctrl+PageUp, Ctrl+PageDown, Esc and Enter are not recorded: they move "
                 "on, change the tab, cancel or press OK, as everywhere in the dialog.")


def is_dialog_key(key: int, modifiers: Qt.KeyboardModifier) -> bool:
    """True for the keys a dialog runs on (Tab, Ctrl+Tab, Ctrl+PageUp/PageDown, Esc, Enter): never a hotkey."""
    modifiers &= ~Qt.KeyboardModifier.KeypadModifier  # the keypad's Enter is Enter
    allowed = _DIALOG_KEYS.get(Qt.Key(key)) if key in {k.value for k in _DIALOG_KEYS} else None
    return allowed is not None and modifiers in allowed


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

    The dialog's own keys (``is_dialog_key``) are never recorded: the field ignores them, so they reach the
    dialog and keep their meaning there (Tab moves on, Ctrl+Tab changes the tab, Esc cancels, Enter presses
    OK), and nobody gets stuck in the field. Its accessible description says so. Any other chord is not
    checked here: the dialog validates it and says what is wrong.
    """

    chord_pressed = Signal(str)

    def __init__(self, text: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setReadOnly(True)
        self.setAccessibleName(name)
        self.setAccessibleDescription(HOW_TO_RECORD)
        self.setPlaceholderText("No hotkey: press a key combination to set one")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if is_dialog_key(key, event.modifiers()):
            event.ignore()  # on to the tab widget and the dialog, which give it its usual meaning
            return
        if key in _MODIFIER_KEYS or key == Qt.Key.Key_unknown:
            return
        if key in _CLEARING and not event.modifiers():
            self.chord_pressed.emit("")
            return
        self.chord_pressed.emit(chord_text(key, event.modifiers()))
