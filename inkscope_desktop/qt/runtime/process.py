"""Process-level set-up around the Qt app: whether a display is there, and quitting cleanly on signals."""

from __future__ import annotations

import os
import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def display_problem() -> str | None:
    """Why Qt could not open a window here, in one line, or None (checked before Qt would abort)."""
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            return ("No display found (DISPLAY and WAYLAND_DISPLAY are unset). Start Inkscope from your desktop "
                    "session, or use 'inkscope-desktop describe FILE' in a terminal.")
    return None


def quit_on_signals(qt_app: QApplication) -> None:
    """Quit cleanly on SIGINT and SIGTERM: Python runs signal handlers only between bytecodes, so a timer
    wakes the interpreter now and then while Qt's event loop waits."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: qt_app.quit())
    timer = QTimer(qt_app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
