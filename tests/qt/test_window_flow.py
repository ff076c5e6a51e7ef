"""The window flow on Qt's side: show-window, toggle-window and ask-follow-up bring the caption window back from any
state Qt knows (hidden, minimized), and toggle puts it away only when the user is in it. The window manager's
side (WM_STATE under openbox) is tested end to end in tests/app."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from inkscope_desktop.core.actions import Action

WAIT_MS = 5000


def is_minimized(window) -> bool:
    return bool(window.windowState() & Qt.WindowState.WindowMinimized)


def test_show_window_restores_a_minimized_window_and_a_hidden_minimized_one(qtbot, make_parts):
    app = make_parts(has_tray=False)
    window = app.window
    window.showMinimized()
    assert is_minimized(window)
    app.dispatch(Action.SHOW_WINDOW)
    assert window.isVisible() and not is_minimized(window)
    window.showMinimized()
    window.hide()  # minimized, then withdrawn: Qt keeps the minimized flag and would map it iconic again
    app.dispatch(Action.SHOW_WINDOW)
    assert window.isVisible() and not is_minimized(window)


def test_ask_follow_up_restores_the_window_and_puts_the_keyboard_in_the_question_box(qtbot, make_parts):
    app = make_parts(has_tray=False)
    app.window.showMinimized()
    app.dispatch(Action.ASK_FOLLOW_UP)
    assert app.window.isVisible() and not is_minimized(app.window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT_MS)
    assert QApplication.focusWidget().accessibleName() == "Question"


def test_toggle_brings_a_minimized_window_and_puts_away_the_window_the_user_is_in(qtbot, make_parts):
    with_tray = make_parts(has_tray=True)
    window = with_tray.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    with_tray.dispatch(Action.TOGGLE_WINDOW)
    assert not window.isVisible()  # with a tray: hidden
    with_tray.dispatch(Action.TOGGLE_WINDOW)
    assert window.isVisible()
    window.showMinimized()
    with_tray.dispatch(Action.TOGGLE_WINDOW)
    assert window.isVisible() and not is_minimized(window)  # restored, not hidden

    without_tray = make_parts(has_tray=False)
    window = without_tray.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    without_tray.dispatch(Action.TOGGLE_WINDOW)
    assert is_minimized(window)  # without a tray it is minimized, so the taskbar can bring it back too
    without_tray.dispatch(Action.TOGGLE_WINDOW)
    assert window.isVisible() and not is_minimized(window)


def test_the_show_or_hide_menu_item_says_what_it_will_do(qtbot, make_parts):
    """Issue 14, item 11: the item used to read "Show window" with the show-or-hide chord, whatever it did."""
    app = make_parts(has_tray=True)
    item = next(action for action in app.parts.menu_actions if action is not None and action.data() == "toggle-window")
    window = app.window
    window.hide()
    app.window.app_menu.aboutToShow.emit()
    assert item.text() == "Show window\tCtrl+Alt+Shift+K"
    item.trigger()
    assert window.isVisible()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    app.parts.tray.menu.aboutToShow.emit()
    assert item.text() == "Hide window\tCtrl+Alt+Shift+K"
    item.trigger()
    assert not window.isVisible()
