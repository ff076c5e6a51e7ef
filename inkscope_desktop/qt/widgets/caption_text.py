"""The caption area's text: a heading, the caption growing chunk by chunk, then each question and its answer."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit


class CaptionText:
    """Writes into the read-only caption area without moving the reader's cursor. GUI thread only."""

    def __init__(self, area: QPlainTextEdit) -> None:
        self._area = area
        self._turns: list[list[str]] = []  # the chunks of the caption, then of each answer

    def begin_caption(self, source_label: str) -> None:
        """Clear the area and start a new caption of the image from ``source_label``."""
        self._area.clear()
        self._turns = [[]]
        self._insert(source_label.strip() or "Image", is_heading=True)
        self._insert("\n", is_heading=False)
        self._area.moveCursor(QTextCursor.MoveOperation.Start)  # stays put while text grows at the end

    def append_chunk(self, text: str) -> None:
        """Add ``text`` at the end; the reader's cursor stays, and the view follows only if it was at the end."""
        if not self._turns:
            self._turns = [[]]
        self._turns[-1].append(text)
        bar = self._area.verticalScrollBar()
        was_at_end = bar.value() >= bar.maximum()
        self._insert(text, is_heading=False)
        if was_at_end:
            bar.setValue(bar.maximum())

    def begin_answer(self, question: str) -> None:
        """Append the follow-up ``question`` below the caption; its answer then grows via append_chunk."""
        self._turns.append([])
        separator = "\n\n" if self._area.document().characterCount() > 1 else ""
        self._insert(separator, is_heading=False)
        self._insert(f"Q: {' '.join(question.split())}", is_heading=True)
        self._insert("\nA: ", is_heading=False)

    def show_transcript(self, source_label: str, caption: str, follow_ups: Sequence[tuple[str, str]] = ()) -> None:
        """Show a whole conversation again (a caption from the history, with its questions and answers), from the
        top."""
        self.begin_caption(source_label)
        self.append_chunk(caption)
        for question, answer in follow_ups:
            self.begin_answer(question)
            self.append_chunk(answer)
        self._area.moveCursor(QTextCursor.MoveOperation.Start)

    def caption_text(self) -> str:
        """The caption shown (without heading or follow-ups)."""
        return "".join(self._turns[0]) if self._turns else ""

    def transcript_text(self) -> str:
        """Everything in the area: heading, caption, questions and answers."""
        return self._area.toPlainText()

    def _insert(self, text: str, *, is_heading: bool) -> None:
        """Insert at the end through a cursor of our own, so the reader's cursor is not moved."""
        cursor = QTextCursor(self._area.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        text_format = QTextCharFormat()
        text_format.setFontWeight(QFont.Weight.Bold if is_heading else QFont.Weight.Normal)
        cursor.insertText(text, text_format)
