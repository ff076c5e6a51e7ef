"""Builds the caption window's controls: named widgets, their layout, frames, tab order and menus."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMainWindow, QMenu, QPlainTextEdit, QPushButton, \
    QSplitter, QToolButton, QVBoxLayout, QWidget

from inkscope_desktop.qt.widgets.history_list import HistoryList
from inkscope_desktop.qt.widgets.messages_list import MessagesList

#: Frames drawn in the palette's text colour, and a thicker highlight-coloured one around the focus, so the
#: areas show in any theme (a high-contrast black palette hides the style's own shaded frames).
FRAMES = """
QPlainTextEdit, QLineEdit, QListWidget { border: 1px solid palette(window-text); padding: 1px; }
QPlainTextEdit:focus, QLineEdit:focus, QListWidget:focus { border: 2px solid palette(highlight); padding: 0px; }
"""
QUESTION_PLACEHOLDER = "Ask about this image, then press Enter"
QUESTION_DESCRIPTION = "Type a follow-up question about the same image and press Enter. Alt+Q comes here."
#: Events after which the frames' palette colours are resolved again.
RESTYLE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange, QEvent.Type.ThemeChange)
_W = TypeVar("_W", bound=QWidget)


@dataclass
class CaptionControls:
    """The caption window's controls, in tab order."""

    caption: QPlainTextEdit
    question: QLineEdit
    ask: QPushButton
    history: HistoryList
    history_search: QLineEdit
    status: QLabel
    messages: MessagesList
    try_again: QPushButton

    @property
    def areas(self) -> tuple[QWidget, ...]:
        """The areas F6 and Shift+F6 cycle through."""
        return (self.caption, self.question, self.history, self.messages)


def build_controls(window: QMainWindow) -> CaptionControls:
    """``window``'s central widget: every control named and described, laid out (caption and history side by
    side, then the question row, the status line and the messages), framed, in tab order. The window connects the
    signals."""
    selectable = Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse
    caption = named(QPlainTextEdit(readOnly=True), "Caption",
                    "The description of the image, growing as it is written, and any follow-up "
                    "answers. Read it with the arrow keys. Alt+C copies the caption.")
    caption.setTextInteractionFlags(selectable)
    caption.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    question = named(QLineEdit(placeholderText=QUESTION_PLACEHOLDER), "Question", QUESTION_DESCRIPTION)
    ask = named(QPushButton("Ask", autoDefault=False), "Ask", "Sends the question, like Enter.")
    history = HistoryList()
    history_search = named(QLineEdit(placeholderText="Search history", clearButtonEnabled=True),
                           "Search history", "Shows only the captions that contain these words.")
    name_clear_button(history_search, "Clear the search")
    status = named(QLabel("Ready.", wordWrap=True), "Status",
                   "What Inkscope is doing now, or why the last request failed and what to do.")
    try_again = named(QPushButton("&Try loading the model again", autoDefault=False), "Try loading the model again",
                      "Shown when the model could not be downloaded or loaded: tries again. Alt+T.")
    try_again.hide()
    messages = MessagesList()
    messages.setMaximumHeight(messages.fontMetrics().lineSpacing() * 5)
    status.setTextInteractionFlags(selectable)
    status.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable by Tab, to read it again
    for widget in (caption, question):
        widget.setAcceptDrops(False)  # drops go to the window, which takes images

    splitter = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
    splitter.addWidget(labelled("Caption", caption))
    history_pane = QWidget()
    history_layout = QVBoxLayout(history_pane)
    history_layout.setContentsMargins(0, 0, 0, 0)
    history_layout.addWidget(labelled("&History", history))
    history_layout.addWidget(history_search)
    splitter.addWidget(history_pane)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 1)
    ask_row = QHBoxLayout()
    ask_row.addWidget(buddy_label("Question:", question))
    ask_row.addWidget(question, 1)
    ask_row.addWidget(ask)
    central = QWidget()
    central.setStyleSheet(FRAMES)
    layout = QVBoxLayout(central)
    layout.addWidget(splitter, 1)
    layout.addLayout(ask_row)
    status_row = QHBoxLayout()
    status_row.addWidget(status, 1)
    status_row.addWidget(try_again)
    layout.addLayout(status_row)
    layout.addWidget(labelled("&Messages", messages))
    window.setCentralWidget(central)
    order = (caption, question, ask, history, history_search, status, try_again, messages)
    for first, second in zip(order, order[1:], strict=False):
        QWidget.setTabOrder(first, second)
    return CaptionControls(caption, question, ask, history, history_search, status, messages, try_again)


def restyle(central: QWidget) -> None:
    """Resolve the frames' palette colours again (style sheets resolve ``palette()`` once)."""
    central.setStyleSheet("")
    central.setStyleSheet(FRAMES)


def build_menus(window: QMainWindow, window_keys: Sequence[tuple[str, str, Callable[[], object]]]) -> QMenu:
    """An "Inkscope" menu (returned, for the app's actions: see ``fill_menu``), and a "Window" menu of
    ``window_keys`` (text, shortcut, slot), whose shortcuts work in the window even while its menu bar is hidden."""
    app_menu = window.menuBar().addMenu("&Inkscope")
    window_menu = window.menuBar().addMenu("&Window")
    for text, key, slot in window_keys:
        action = QAction(text, window)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False, run=slot: run())
        window_menu.addAction(action)
        window.addAction(action)  # shortcuts work while the menu bar is hidden or native
    return app_menu


def named(widget: _W, name: str, description: str) -> _W:
    """``widget`` with its accessible name and description set."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    return widget


def name_clear_button(edit: QLineEdit, name: str) -> None:
    """Give a line edit's clear button (Qt makes it nameless) an accessible name and a tooltip."""
    for action in edit.findChildren(QAction):
        if action.objectName() == "_q_qlineeditclearaction":
            action.setText(name)
            action.setToolTip(name)
    for button in edit.findChildren(QToolButton):
        button.setAccessibleName(name)


def buddy_label(text: str, widget: QWidget) -> QLabel:
    """A label naming ``widget`` (its & key moves the focus there)."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def labelled(text: str, widget: QWidget) -> QWidget:
    """``widget`` under a label that names it (and gives its Alt key, if ``text`` has an &)."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(buddy_label(text, widget))
    layout.addWidget(widget, 1)
    return holder
