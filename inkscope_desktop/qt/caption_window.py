"""The caption window: the growing caption, follow-up questions, status line, history, paste and drop."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from PIL import Image
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QFont, QGuiApplication, QImage, QKeySequence, \
    QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMainWindow, QPlainTextEdit, QPushButton, QSplitter, \
    QVBoxLayout, QWidget

from inkscope_desktop.core.types import CaptionResult, StopReason
from inkscope_desktop.qt.announcer import Announcer
from inkscope_desktop.qt.history_list import HistoryList
from inkscope_desktop.qt.images import image_formats, images_from_mime, video_paths

#: Frames drawn in the palette's text colour, and a thicker highlight-coloured one around the focus, so the
#: areas show in any theme (a high-contrast black palette hides the style's own shaded frames).
_FRAMES = """
QPlainTextEdit, QLineEdit, QListWidget { border: 1px solid palette(window-text); padding: 1px; }
QPlainTextEdit:focus, QLineEdit:focus, QListWidget:focus { border: 2px solid palette(highlight); padding: 0px; }
"""
_RESTYLE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange, QEvent.Type.ThemeChange)
_W = TypeVar("_W", bound=QWidget)
NO_CLIPBOARD_IMAGE = "The clipboard holds no image. Copy an image (or an image file) first, then press Ctrl+V."


class CaptionWindow(QMainWindow):
    """The accessible window: every control is named, reachable by keyboard, and status is announced.

    Everything here runs on the GUI thread; the controller calls these methods from queued signals.
    Picking a history entry shows its caption here directly and also emits ``history_selected(index)``
    (index in the order entries were added), so the controller may follow up; ``show_history_text`` lets it
    show any stored text the same way.
    """

    question_submitted = Signal(str)
    retry_requested = Signal()
    images_received = Signal(list)  # [(PIL RGB image, source label), ...] from a paste or a drop
    videos_received = Signal(list)  # [video file path, ...] from a paste or a drop
    history_selected = Signal(int)
    error_shown = Signal(str)  # every error put in the status line, whoever reported it
    history_deleted = Signal(int)  # the index history_selected would give
    export_requested = Signal()

    def __init__(self, menu_actions: Sequence[QAction | None] = (), parent: QWidget | None = None,
                 announcer: Announcer | None = None) -> None:
        super().__init__(parent)
        self._announcer = announcer if announcer is not None else Announcer(self, self)
        self._turns: list[list[str]] = []  # the chunks of the caption, then of each answer
        self._should_hide_on_escape = True
        self.setWindowTitle("Inkscope")
        self.setAccessibleName("Inkscope caption window")
        self.setAcceptDrops(True)
        self._build_widgets()
        self._build_menus(menu_actions)
        self.resize(860, 560)

    # --- building --------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        selectable = Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse
        self._caption = _named(QPlainTextEdit(readOnly=True), "Caption",
                               "The description of the image, growing as it is written, and any follow-up "
                               "answers. Read it with the arrow keys. Alt+C copies the caption.")
        self._caption.setTextInteractionFlags(selectable)
        self._caption.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._question = _named(QLineEdit(placeholderText="Ask about this image, then press Enter"), "Question",
                                "Type a follow-up question about the same image and press Enter. Alt+Q comes here.")
        self._question.returnPressed.connect(self._submit_question)
        self._ask = _named(QPushButton("Ask", autoDefault=False), "Ask", "Sends the question, like Enter.")
        self._ask.clicked.connect(self._submit_question)
        self._history = HistoryList()
        self._history.entry_chosen.connect(self._history_chosen)
        self._history.entry_deleted.connect(self._history_deleted)
        self._history_search = _named(QLineEdit(placeholderText="Search history", clearButtonEnabled=True),
                                      "Search history", "Shows only the captions that contain these words.")
        self._history_search.textChanged.connect(self._filter_history)
        self._status = _named(QLabel("Ready.", wordWrap=True), "Status",
                              "What Inkscope is doing now, or the last error and what to do.")
        self._status.setTextInteractionFlags(selectable)
        self._status.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable by Tab, to read it again
        for widget in (self._caption, self._question):
            widget.setAcceptDrops(False)  # drops go to the window, which takes images

        splitter = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        splitter.addWidget(_labelled("Caption", self._caption))
        history_pane = QWidget()
        history_layout = QVBoxLayout(history_pane)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(_labelled("&History", self._history))
        history_layout.addWidget(self._history_search)
        splitter.addWidget(history_pane)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        ask_row = QHBoxLayout()
        ask_row.addWidget(QLabel("Question:", buddy=self._question))
        ask_row.addWidget(self._question, 1)
        ask_row.addWidget(self._ask)
        central = QWidget()
        central.setStyleSheet(_FRAMES)
        layout = QVBoxLayout(central)
        layout.addWidget(splitter, 1)
        layout.addLayout(ask_row)
        layout.addWidget(self._status)
        self.setCentralWidget(central)
        order = (self._caption, self._question, self._ask, self._history, self._history_search, self._status)
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)
        self._areas = (self._caption, self._question, self._history)

    def _build_menus(self, menu_actions: Sequence[QAction | None]) -> None:
        app_menu = self.menuBar().addMenu("&Inkscope")
        for action in menu_actions:
            if action is None:
                app_menu.addSeparator()
            else:
                app_menu.addAction(action)
        window_menu = self.menuBar().addMenu("&Window")
        keys = (
            ("Copy caption", "Alt+C", self.copy_caption),
            ("Retry", "Alt+R", self.retry_requested.emit),
            ("Ask a question", "Alt+Q", self.focus_question),
            ("Paste image to describe", "Ctrl+V", self.paste_image),
            ("Search history", "Ctrl+F", self.focus_history_search),
            ("Export history…", "Ctrl+E", self.export_requested.emit),
            ("Next area", "F6", lambda: self._cycle_area(1)),
            ("Previous area", "Shift+F6", lambda: self._cycle_area(-1)),
            ("Hide window", "Esc", self._escape),
        )
        for text, key, slot in keys:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, run=slot: run())
            window_menu.addAction(action)
            self.addAction(action)  # shortcuts work while the menu bar is hidden or native

    # --- public API (GUI thread) -----------------------------------------------------------------
    @property
    def announcer(self) -> Announcer:
        return self._announcer

    def set_should_hide_on_escape(self, should_hide: bool) -> None:
        """False (e.g. when there is no tray to bring the window back) makes Esc minimize instead."""
        self._should_hide_on_escape = should_hide

    def status_text(self) -> str:
        return self._status.text()

    def set_status(self, text: str, *, is_error: bool = False, announce: bool = True) -> None:
        """Show ``text`` in the status line; announce it (politely, or assertively for an error)."""
        line = " ".join(str(text).split())
        self._status.setText(f"Error: {line}" if is_error else line)
        font = self._status.font()
        font.setBold(is_error)  # errors stand out by words and weight, never by colour alone
        self._status.setFont(font)
        if announce:
            self._announcer.announce(line, is_assertive=is_error)
        if is_error:
            self.error_shown.emit(line)

    def show_error(self, message: str) -> None:
        self.set_status(message, is_error=True)

    def begin_caption(self, source_label: str, prompt: str) -> None:
        """Clear the caption area and start a new caption of the image from ``source_label``."""
        del prompt  # the preset prompt is not shown; the source says what is described
        self._caption.clear()
        self._turns = [[]]
        self._insert(source_label.strip() or "Image", is_heading=True)
        self._insert("\n", is_heading=False)
        self._caption.moveCursor(QTextCursor.MoveOperation.Start)  # stays put while text grows at the end

    def append_chunk(self, text: str) -> None:
        """Add ``text`` at the end; the reader's cursor stays, and the view follows only if it was at the end."""
        if not self._turns:
            self._turns = [[]]
        self._turns[-1].append(text)
        bar = self._caption.verticalScrollBar()
        was_at_end = bar.value() >= bar.maximum()
        self._insert(text, is_heading=False)
        if was_at_end:
            bar.setValue(bar.maximum())

    def finish_caption(self, result: CaptionResult, *, announce_text: bool = True) -> None:
        """Say it is done, with the token count and time, and announce the finished text politely (or, when
        Inkscope speaks captions itself, only that it is done)."""
        tokens = f"{result.new_tokens} token{'' if result.new_tokens == 1 else 's'}"
        done = "Stopped" if result.stop_reason is StopReason.CANCELLED else "Done"
        status = f"{done}: {tokens} in {result.timings.total_s:.1f} s"
        if result.stop_reason is StopReason.LENGTH:
            status += " (the length limit was reached)"
        self.set_status(status, announce=False)
        self._announcer.announce((result.text or status) if announce_text else status)

    def begin_answer(self, question: str) -> None:
        """Append the follow-up ``question`` below the caption; its answer then grows via append_chunk."""
        self._turns.append([])
        separator = "\n\n" if self._caption.document().characterCount() > 1 else ""
        self._insert(separator, is_heading=False)
        self._insert(f"Q: {' '.join(question.split())}", is_heading=True)
        self._insert("\nA: ", is_heading=False)

    def add_history_entry(self, thumbnail: QImage | None, source_label: str, caption: str) -> int:
        """Add a caption to the history list; returns its index (what ``history_selected`` gives)."""
        return self._history.add_entry(thumbnail, source_label, caption)

    def history_caption(self, index: int) -> str:
        return self._history.entry(index).caption

    def show_history_text(self, text: str, source_label: str = "From history") -> None:
        """Show ``text`` (a caption from history) in the caption area, with ``source_label`` as heading."""
        self.begin_caption(source_label, "")
        self.append_chunk(text)
        self._caption.moveCursor(QTextCursor.MoveOperation.Start)

    def caption_text(self) -> str:
        """The text of the current caption (or history entry shown), without heading or follow-ups."""
        return "".join(self._turns[0]) if self._turns else ""

    def transcript_text(self) -> str:
        """Everything in the caption area: heading, caption, questions and answers."""
        return self._caption.toPlainText()

    def focus_caption(self) -> None:
        self._caption.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_question(self) -> None:
        self._question.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._question.selectAll()

    def copy_caption(self) -> None:
        text = self.caption_text().strip()
        if not text:
            self.show_error("There is no caption to copy yet.")
            return
        QGuiApplication.clipboard().setText(text)
        self._announcer.announce("Caption copied")

    def paste_image(self) -> None:
        """Describe the image (or image files) on the clipboard."""
        mime = QGuiApplication.clipboard().mimeData()
        images, errors = images_from_mime(mime, "Pasted image") if mime is not None else ([], [])
        videos = video_paths(mime) if mime is not None else []
        if not images and not errors and not videos:
            errors = [NO_CLIPBOARD_IMAGE]
        self._deliver(images, errors, videos)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in _RESTYLE_EVENTS and self.centralWidget() is not None:
            central = self.centralWidget()  # style sheets resolve palette() once: resolve them again
            central.setStyleSheet("")
            central.setStyleSheet(_FRAMES)

    # --- drag and drop ---------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage() or image_formats(mime):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        images, errors = images_from_mime(event.mimeData(), "Dropped image")
        videos = video_paths(event.mimeData())
        if not images and not errors and not videos:
            errors = ["Only images and videos can be dropped here. Drop a PNG, JPEG, WebP, BMP, GIF or TIFF image, "
                      "or an MP4, MKV, WebM, MOV or AVI video."]
        event.acceptProposedAction()
        self._deliver(images, errors, videos)

    # --- private ---------------------------------------------------------------------------------
    def _deliver(self, images: list[tuple[Image.Image, str]], errors: list[str], videos: list[str] = ()) -> None:
        if errors:
            more = len(errors) - 1
            extra = f" {more} more {'item' if more == 1 else 'items'} could not be used." if more else ""
            self.show_error(errors[0] + extra)
        if images:
            self.images_received.emit(images)
        if videos:
            self.videos_received.emit(list(videos))

    def _insert(self, text: str, *, is_heading: bool) -> None:
        """Insert at the end through a cursor of our own, so the reader's cursor is not moved."""
        cursor = QTextCursor(self._caption.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        text_format = QTextCharFormat()
        text_format.setFontWeight(QFont.Weight.Bold if is_heading else QFont.Weight.Normal)
        cursor.insertText(text, text_format)

    def _submit_question(self) -> None:
        question = " ".join(self._question.text().split())
        if not question:
            self._announcer.announce("Type a question first, then press Enter.")
            return
        self._question.clear()
        self.question_submitted.emit(question)

    def focus_history_search(self) -> None:
        self._history_search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._history_search.selectAll()

    def _filter_history(self, text: str) -> None:
        shown = self._history.set_filter(text)
        if text.strip():
            self._announcer.announce(f"{shown} caption{'' if shown == 1 else 's'} found")

    def _history_deleted(self, index: int) -> None:
        self._announcer.announce("Caption deleted from the history")
        self.history_deleted.emit(index)

    def _history_chosen(self, index: int) -> None:
        entry = self._history.entry(index)
        self.show_history_text(entry.caption, entry.source_label)
        self.focus_caption()
        self.history_selected.emit(index)

    def _cycle_area(self, step: int) -> None:
        focused = QGuiApplication.focusObject()
        current = next((i for i, area in enumerate(self._areas) if area is focused), -1 if step > 0 else 0)
        area = self._areas[(current + step) % len(self._areas)]
        area.setFocus(Qt.FocusReason.TabFocusReason if step > 0 else Qt.FocusReason.BacktabFocusReason)

    def _escape(self) -> None:
        if self._should_hide_on_escape:
            self.hide()
        else:
            self.showMinimized()


def _named(widget: _W, name: str, description: str) -> _W:
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    return widget


def _labelled(text: str, widget: QWidget) -> QWidget:
    """``widget`` under a label that names it (and gives its Alt key, if ``text`` has an &)."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(QLabel(text, buddy=widget))
    layout.addWidget(widget, 1)
    return holder
