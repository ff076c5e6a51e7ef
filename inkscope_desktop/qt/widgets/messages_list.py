"""The caption window's messages: every error and one-time notice, newest first, readable until the user reads it."""

from __future__ import annotations

import time

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

#: How many messages the list keeps (the oldest go first).
MESSAGES_KEPT = 50


class MessagesList(QListWidget):
    """A read-only list of notices ("Error: …" in bold for errors), newest on top; F6 reaches it.

    A later status ("Ready", "Done", "Generating…") never erases a message: statuses have their own line.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Messages")
        self.setAccessibleDescription("Errors and notices, newest first, each with the time it came. The arrow "
                                      "keys read them; they stay here until Inkscope quits.")
        self.setWordWrap(True)
        self.setAcceptDrops(False)
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)

    def add_message(self, text: str, *, is_error: bool = False) -> None:
        line = f"Error: {text}" if is_error else text
        item = QListWidgetItem(f"{time.strftime('%H:%M')} {line}")
        item.setData(_TEXT_ROLE, line)
        if is_error:
            font = QFont(item.font())
            font.setBold(True)  # errors stand out by words and weight, never by colour alone
            item.setFont(font)
        self.insertItem(0, item)
        while self.count() > MESSAGES_KEPT:
            self.takeItem(self.count() - 1)
        if not self.hasFocus():  # F6 lands on the newest; one being read is not moved away from
            self.setCurrentRow(0)

    def messages(self) -> list[str]:
        """The messages' texts ("Error: …" for errors), newest first, without their times."""
        return [str(self.item(row).data(_TEXT_ROLE)) for row in range(self.count())]


_TEXT_ROLE = 0x0100  # Qt.ItemDataRole.UserRole
