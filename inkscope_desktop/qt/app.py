"""Starts the tray app: builds its parts (``assembly``), shows them, starts the background work, stops it at quit."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.vocabulary import EXIT_ERROR
from inkscope_desktop.qt.assembly import AppParts, build_parts
from inkscope_desktop.qt.runtime.process import display_problem, quit_on_signals
from inkscope_desktop.qt.widgets.icons import IconState, app_icon, prefers_high_contrast
from inkscope_desktop.settings import SettingsStore
from inkscope_desktop.settings.overrides import Overrides

if TYPE_CHECKING:
    from inkscope_desktop.instance import InstanceServer
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow

__all__ = ["NO_TRAY_STATUS", "InkscopeApp", "run_app"]

NO_TRAY_STATUS = "No system tray was found, so Inkscope runs in this window. Its menu is in the menu bar."
LOAD_POLL_MS = 20
LOAD_DELAY_CAP_MS = 1500


class InkscopeApp:
    """Owns the running app's parts (``parts``, wired by :func:`build_parts`); ``start()`` shows them.

    Threads: the caption worker, pynput's listener and the instance server's thread only post to
    ``ThreadBridge`` objects; everything else here runs on the GUI thread. ``part_options`` go to
    ``build_parts`` (stand-ins for tests and probes).
    """

    def __init__(self, overrides: Overrides, qt_app: QApplication, *, store: SettingsStore | None = None,
                 **part_options: Any) -> None:
        is_high_contrast = prefers_high_contrast()
        qt_app.setWindowIcon(app_icon(IconState.IDLE, high_contrast=is_high_contrast))
        self.store = store if store is not None else SettingsStore()
        part_options.setdefault("on_quit", qt_app.quit)
        self.parts: AppParts = build_parts(self.store, overrides, is_high_contrast=is_high_contrast, **part_options)
        self._server: InstanceServer | None = None

    @property
    def window(self) -> CaptionWindow:
        return self.parts.window

    def claim_instance(self) -> bool:
        """Become the one running instance; False when another runs (it was asked to show its window)."""
        from inkscope_desktop.instance import claim_instance, send_action

        self._server = claim_instance(self.parts.registry.accept)
        if self._server is not None:
            return True
        send_action(Action.SHOW_WINDOW)
        return False

    def start(self) -> None:
        """Show the tray icon (or the window), then load the model and start the hotkeys in the background."""
        parts = self.parts
        if parts.tray is not None:
            parts.tray.show()
        else:
            parts.window.show()
            parts.window.notify(NO_TRAY_STATUS)
        parts.history.load_recent()
        parts.recent_screen.use(self.store.settings.video)  # starts the rolling screen recording if it is on
        parts.narration.prepare()
        threading.Thread(target=parts.settings_flow.read_voices, name="inkscope-voices", daemon=True).start()
        notice = self.store.take_notice()
        if notice:  # a broken settings file was moved aside: said once
            parts.window.show_error(notice)
        QTimer.singleShot(0, self._start_listeners)
        self._start_loading_once_shown()

    def _start_loading_once_shown(self) -> None:
        """Load the model once the tray icon (or window) is on screen, or after LOAD_DELAY_CAP_MS at most.

        Loading imports torch and reads weights on the worker thread; started at once, it competes with the
        GUI thread for the interpreter and delays the tray icon by about a second on a 2-core machine.
        """
        parts = self.parts
        waited = {"ms": 0}
        timer = QTimer(parts.window)

        def check() -> None:
            waited["ms"] += LOAD_POLL_MS
            shown = parts.window.isVisible() if parts.tray is None else not parts.tray.geometry().isEmpty()
            if shown or waited["ms"] >= LOAD_DELAY_CAP_MS:
                timer.stop()
                timer.deleteLater()
                parts.engine_host.start()

        timer.timeout.connect(check)
        timer.start(LOAD_POLL_MS)

    def _start_listeners(self) -> None:
        self.parts.capturer.warm_up()  # the first capture a user asks for is then as fast as the rest
        self.parts.hotkeys.start()

    def shutdown(self) -> None:
        """Stop every thread: instance server, hotkeys, caption worker, recordings, speech; hide the tray icon."""
        parts = self.parts
        if self._server is not None:
            self._server.stop()
            self._server = None
        parts.hotkeys.stop()
        parts.engine_host.stop()
        parts.recent_screen.close()
        parts.capturer.close()
        parts.narration.close()
        parts.history.set_store(None)
        if parts.tray is not None:
            parts.tray.hide()


def run_app(args: argparse.Namespace) -> int:
    """Run the tray app until Quit (or SIGINT/SIGTERM); 2 when it cannot start, 0 otherwise."""
    problem = display_problem()
    if problem is not None:
        print(f"inkscope-desktop: {problem}", file=sys.stderr)
        return EXIT_ERROR
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("Inkscope Desktop")
    qt_app.setDesktopFileName("inkscope-desktop")
    qt_app.setQuitOnLastWindowClosed(False)
    app = InkscopeApp(Overrides.from_args(args), qt_app)
    try:
        if not app.claim_instance():
            print("Inkscope Desktop is already running; its window was asked to show.", file=sys.stderr)
            app.parts.engine_host.stop()
            return 0
    except InkscopeError as error:
        print(f"inkscope-desktop: {error.user_text}", file=sys.stderr)
        return EXIT_ERROR
    quit_on_signals(qt_app)
    app.start()
    try:
        return qt_app.exec()
    finally:
        app.shutdown()
