"""The caption window: the growing caption, follow-up questions, status line, history, paste and drop."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from inkscope_desktop.core.types import CaptionResult, StopReason
from inkscope_desktop.qt.widgets.announcer import Announcer
from inkscope_desktop.qt.widgets.caption_layout import (QUESTION_DESCRIPTION, QUESTION_PLACEHOLDER, RESTYLE_EVENTS,
                                                        build_controls, build_menus, restyle)
from inkscope_desktop.qt.widgets.caption_text import CaptionText
from inkscope_desktop.qt.widgets.menus import fill_menu
from inkscope_desktop.qt.widgets.media_intake import (ReceivedMedia, accepts_drag, clipboard_holds_media,
                                                      dropped_media, pasted_media)
from inkscope_desktop.qt.widgets.text_box_keys import TextBoxKeys


#: The window's keys that its text boxes would otherwise keep for themselves (Ctrl+E is "end of line" on X11).
WINDOW_KEYS_IN_TEXT_BOXES = ("Ctrl+E", "Ctrl+F", "F6", "Shift+F6")


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
    notice_shown = Signal(str, bool)  # (text, is_error): every message added, for whoever voices notices
    confirmed = Signal(str)  # a short answer to a key pressed in the window ("Caption copied"), said and not kept
    error_shown = Signal(str)  # every error message, whoever reported it
    history_deleted = Signal(int)  # the index history_selected would give
    export_requested = Signal()
    load_retry_requested = Signal()  # the "Try loading the model again" button (Alt+T)

    def __init__(self, menu_actions: Sequence[QAction | None] = (), parent: QWidget | None = None,
                 announcer: Announcer | None = None) -> None:
        super().__init__(parent)
        self._announcer = announcer if announcer is not None else Announcer(self, self)
        self._should_hide_on_escape = True
        self.setWindowTitle("Inkscope")
        self.setAccessibleName("Inkscope caption window")
        self.setAcceptDrops(True)
        self._build_widgets()
        self._build_menus()
        self.set_menu_actions(menu_actions)
        self.resize(860, 560)

    # --- building --------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        controls = build_controls(self)
        self._caption = controls.caption
        self._text = CaptionText(controls.caption)
        self._question = controls.question
        self._ask = controls.ask
        self._history = controls.history
        self._history_search = controls.history_search
        self._status = controls.status
        self._messages = controls.messages
        self._try_again = controls.try_again
        self._try_again.clicked.connect(self.load_retry_requested.emit)
        self._areas = controls.areas
        keys = TextBoxKeys(WINDOW_KEYS_IN_TEXT_BOXES, clipboard_holds_media, self.paste_image, self)
        for box in (self._question, self._history_search):
            box.installEventFilter(keys)
        self._question.returnPressed.connect(self._submit_question)
        self._ask.clicked.connect(self._submit_question)
        self._history.entry_chosen.connect(self._history_chosen)
        self._history.entry_deleted.connect(self._history_deleted)
        self._history_search.textChanged.connect(self._filter_history)

    def _build_menus(self) -> None:
        self._app_menu = build_menus(self, (
            ("Copy caption", "Alt+C", self.copy_caption),
            ("Retry", "Alt+R", self.retry_requested.emit),
            ("Ask a question", "Alt+Q", self.focus_question),
            ("Paste image to describe", "Ctrl+V", self.paste_image),
            ("Search history", "Ctrl+F", self.focus_history_search),
            ("Export history…", "Ctrl+E", self.export_requested.emit),
            ("Next area", "F6", lambda: self._cycle_area(1)),
            ("Previous area", "Shift+F6", lambda: self._cycle_area(-1)),
            ("Hide window", "Esc", self.put_away),
        ))

    # --- public API (GUI thread) -----------------------------------------------------------------
    def set_menu_actions(self, menu_actions: Sequence[QAction | None]) -> None:
        """Show the app's actions (the tray menu's, None for a separator) in the window's Inkscope menu."""
        fill_menu(self._app_menu, menu_actions)

    @property
    def app_menu(self) -> QMenu:
        """The menu bar's Inkscope menu (the tray menu's actions)."""
        return self._app_menu

    @property
    def announcer(self) -> Announcer:
        return self._announcer

    def set_should_hide_on_escape(self, should_hide: bool) -> None:
        """False (e.g. when there is no tray to bring the window back) makes Esc minimize instead."""
        self._should_hide_on_escape = should_hide

    def status_text(self) -> str:
        return self._status.text()

    def set_status(self, text: str, *, is_error: bool = False, announce: bool = True) -> None:
        """Show what Inkscope is doing now (a phase: loading, thinking, generating, done, or why a request failed)
        in the status line, and announce it politely unless ``announce`` is False. One-time messages go to
        ``notify`` instead, so a later status never erases them."""
        line = " ".join(str(text).split())
        self._status.setText(f"Error: {line}" if is_error else line)
        font = self._status.font()
        font.setBold(is_error)  # errors stand out by words and weight, never by colour alone
        self._status.setFont(font)
        if announce:
            self._announcer.announce(line)

    def notify(self, text: str, *, is_error: bool = False) -> None:
        """Add a one-time message (an error, a notice) to the Messages list, where it stays readable, and emit
        ``notice_shown`` so that it is said once: spoken by whoever speaks captions, or announced (see
        ``Narration``). The status line is left as it is."""
        line = " ".join(str(text).split())
        if not line:
            return
        self._messages.add_message(line, is_error=is_error)
        self.notice_shown.emit(line, is_error)
        if is_error:
            self.error_shown.emit(line)

    def confirm(self, text: str) -> None:
        """Answer a key the user pressed in the window ("Caption copied", "3 captions found"): said at once by
        whoever speaks (``confirmed``), not kept in the messages."""
        self.confirmed.emit(" ".join(str(text).split()))

    def show_error(self, message: str) -> None:
        """An error message (see ``notify``)."""
        self.notify(message, is_error=True)

    def offer_load_retry(self, is_offered: bool) -> None:
        """Show (or hide) the button that tries loading the model again, beside the status line."""
        self._try_again.setVisible(is_offered)

    def messages(self) -> list[str]:
        """The Messages list, newest first ("Error: …" for errors)."""
        return self._messages.messages()

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

    def begin_caption(self, source_label: str) -> None:
        """Clear the caption area and start a new caption of the image from ``source_label`` (the preset's prompt
        is not shown: the source says what is described)."""
        self._text.begin_caption(source_label)

    def append_chunk(self, text: str) -> None:
        """Add ``text`` at the end of the caption area; the reader's cursor stays where it is."""
        self._text.append_chunk(text)

    def begin_answer(self, question: str) -> None:
        """Append the follow-up ``question`` below the caption; its answer then grows via append_chunk."""
        self._text.begin_answer(question)

    def add_history_entry(self, thumbnail: QImage | None, source_label: str, caption: str) -> int:
        """Add a caption to the history list; returns its index (what ``history_selected`` gives)."""
        return self._history.add_entry(thumbnail, source_label, caption)

    def history_caption(self, index: int) -> str:
        return self._history.entry(index).caption

    def history_label(self, index: int) -> str:
        return self._history.entry(index).source_label

    def show_history_text(self, text: str, source_label: str = "From history",
                          follow_ups: Sequence[tuple[str, str]] = ()) -> None:
        """Show ``text`` (a caption from history) in the caption area, with ``source_label`` as heading and its
        questions and answers below."""
        self._text.show_transcript(source_label, text, follow_ups)

    def caption_text(self) -> str:
        """The text of the current caption (or history entry shown), without heading or follow-ups."""
        return self._text.caption_text()

    def transcript_text(self) -> str:
        """Everything in the caption area: heading, caption, questions and answers."""
        return self._text.transcript_text()

    def set_question_notice(self, notice: str | None) -> None:
        """Say in the question box why a question cannot be asked now (``notice``), or None: it can."""
        self._question.setPlaceholderText(notice or QUESTION_PLACEHOLDER)
        self._question.setAccessibleDescription(notice or QUESTION_DESCRIPTION)

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
        self.confirm("Caption copied")

    def paste_image(self) -> None:
        """Describe the image (or image files) on the clipboard."""
        self._deliver(pasted_media())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        central = self.centralWidget()
        if event.type() in RESTYLE_EVENTS and central is not None:
            restyle(central)  # style sheets resolve palette() once: resolve them again

    # --- drag and drop ---------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if accepts_drag(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        received = dropped_media(event.mimeData())
        event.acceptProposedAction()
        self._deliver(received)

    # --- private ---------------------------------------------------------------------------------
    def _deliver(self, received: ReceivedMedia) -> None:
        if received.errors:
            self.show_error(received.error_line())
        if received.images:
            self.images_received.emit(received.images)
        if received.videos:
            self.videos_received.emit(list(received.videos))

    def _submit_question(self) -> None:
        question = " ".join(self._question.text().split())
        if not question:
            self.confirm("Type a question first, then press Enter.")
            return
        self._question.clear()
        self.question_submitted.emit(question)

    def focus_history_search(self) -> None:
        self._history_search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._history_search.selectAll()

    def _filter_history(self, text: str) -> None:
        shown = self._history.set_filter(text)
        if text.strip():
            self.confirm(f"{shown} caption{'' if shown == 1 else 's'} found" if shown
                         else f"No caption matches {' '.join(text.split())}.")

    def _history_deleted(self, index: int) -> None:
        self.confirm("Caption deleted from the history")
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

    def put_away(self) -> None:
        """Hide the window (Esc), or minimize it where there is no tray icon to bring it back."""
        if self._should_hide_on_escape:
            self.hide()
        else:
            self.showMinimized()

