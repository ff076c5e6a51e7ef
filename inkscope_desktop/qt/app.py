"""Starts the tray app: the window, tray, caption service, hotkeys and the single-instance server."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QSystemTrayIcon

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import ImageError, InkscopeError
from inkscope_desktop.core.images import SUPPORTED_SUFFIXES, load_image
from inkscope_desktop.core.service import CaptionService
from inkscope_desktop.core.types import Detail
from inkscope_desktop.qt.app_actions import build_menu_actions
from inkscope_desktop.qt.caption_window import CaptionWindow
from inkscope_desktop.qt.controller import AppController, DescribeOptions
from inkscope_desktop.qt.icons import IconState, app_icon, prefers_high_contrast
from inkscope_desktop.qt.region_flow import RegionFlow
from inkscope_desktop.qt.thread_bridge import ThreadBridge
from inkscope_desktop.qt.tray import TrayIcon

if TYPE_CHECKING:
    from inkscope_desktop.core.instance import InstanceServer
    from inkscope_desktop.engines.base import CaptionEngine
    from inkscope_desktop.hotkeys import HotkeyListener

log = logging.getLogger(__name__)

NO_TRAY_STATUS = "No system tray was found, so Inkscope runs in this window. Its menu is in the menu bar."
EXIT_SETUP_ERROR = 2
LOAD_POLL_MS = 20
LOAD_DELAY_CAP_MS = 1500


def demo_engine() -> CaptionEngine:
    """The fake engine, paced like a fast GPU (first words after 0.2 s, 30 tokens/s), for demos and tests."""
    from inkscope_desktop.engines.fake import FakeEngine

    return FakeEngine(first_chunk_delay_s=0.2, chunk_delay_s=1 / 30)


class InkscopeApp:
    """Builds and owns every long-lived part of the running app; ``start()`` shows it.

    Threads: the caption service's worker, pynput's listener and the instance server's thread only post
    to ``ThreadBridge`` objects; everything else here runs on the GUI thread.
    """

    def __init__(self, args: argparse.Namespace, qt_app: QApplication,
                 engine: CaptionEngine | None = None) -> None:
        from inkscope_desktop.capture import ScreenCapturer
        from inkscope_desktop.hotkeys import default_bindings

        self._qt_app = qt_app
        is_high_contrast = prefers_high_contrast()
        qt_app.setWindowIcon(app_icon(IconState.IDLE, high_contrast=is_high_contrast))
        self._bindings = default_bindings()
        if engine is None:
            from inkscope_desktop.engines.registry import create_engine

            engine = demo_engine() if args.fake_engine else create_engine(
                "qwen2-vl", model=args.model, device=args.device)
        self._events = ThreadBridge(self._on_service_event)
        self.service = CaptionService(engine, self._events.post)
        self.actions = ThreadBridge(self._on_action)
        # Parented to the application: menus do not own the actions they show.
        menu = build_menu_actions(qt_app, {a: str(c) for a, c in self._bindings.items()},
                                  self.actions.post, self.open_image, qt_app.quit)
        self.menu_actions = menu
        self.window = CaptionWindow(menu)
        self.capturer = ScreenCapturer()
        self.tray: TrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = TrayIcon(menu, lambda: self._on_action(Action.TOGGLE_WINDOW),
                                 is_high_contrast=is_high_contrast)
        self.window.set_should_hide_on_escape(self.tray is not None)
        self.region_flow = RegionFlow(self.capturer, self.window)
        self.controller = AppController(
            self.service, self.window, self.capturer,
            DescribeOptions(preset=args.preset, detail=Detail(args.detail)), tray=self.tray,
            region_picker=self.region_flow.start,
        )
        self.hotkeys: HotkeyListener | None = None
        self._server: InstanceServer | None = None

    def claim_instance(self) -> bool:
        """Become the one running instance; False when another runs (it was asked to show its window)."""
        from inkscope_desktop.core.instance import claim_instance, send_action

        self._server = claim_instance(self.actions.post)
        if self._server is not None:
            return True
        send_action(Action.SHOW_WINDOW)
        return False

    def start(self) -> None:
        """Show the tray icon (or the window), then load the model and start the hotkeys in the background."""
        if self.tray is not None:
            self.tray.show()
        else:
            self.window.show()
            self.window.set_status(NO_TRAY_STATUS)
        QTimer.singleShot(0, self._start_listeners)
        self._start_loading_once_shown()

    def _start_loading_once_shown(self) -> None:
        """Load the model once the tray icon (or window) is on screen, or after LOAD_DELAY_CAP_MS at most.

        Loading imports torch and reads weights on the worker thread; started at once, it competes with the
        GUI thread for the interpreter and delays the tray icon by about a second on a 2-core machine.
        """
        waited = {"ms": 0}
        timer = QTimer(self.window)

        def check() -> None:
            waited["ms"] += LOAD_POLL_MS
            shown = self.window.isVisible() if self.tray is None else not self.tray.geometry().isEmpty()
            if shown or waited["ms"] >= LOAD_DELAY_CAP_MS:
                timer.stop()
                timer.deleteLater()
                self.service.start()

        timer.timeout.connect(check)
        timer.start(LOAD_POLL_MS)

    def _start_listeners(self) -> None:
        from inkscope_desktop.hotkeys import HotkeyListener

        self.capturer.warm_up()  # the first capture a user asks for is then as fast as the rest
        self.hotkeys = HotkeyListener(self._bindings, self.actions.post,
                                      on_problem=lambda problem: self.window.show_error(problem.user_text))
        try:
            self.hotkeys.start()
        except InkscopeError as error:
            self.hotkeys = None
            self.window.show_error(error.user_text)

    def _on_action(self, action: object) -> None:
        self.controller.handle_action(action)

    def _on_service_event(self, event: object) -> None:
        self.controller.handle_event(event)

    def open_image(self) -> None:
        """Ask for image files and describe them one after the other; bad files are reported and skipped."""
        patterns = " ".join(f"*{suffix}" for suffix in sorted(SUPPORTED_SUFFIXES))
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Open image", "", f"Images ({patterns})")
        images = []
        for path in paths:
            try:
                images.append((load_image(path), path))
            except ImageError as error:
                self.window.show_error(error.user_text)
        self.controller.describe_images(images)

    def shutdown(self) -> None:
        """Stop every thread: instance server, hotkeys, caption worker; hide the tray icon."""
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self.hotkeys is not None:
            self.hotkeys.stop()
            self.hotkeys = None
        self.service.stop()
        self.capturer.close()
        if self.tray is not None:
            self.tray.hide()


def display_problem() -> str | None:
    """Why Qt could not open a window here, in one line, or None (checked before Qt would abort)."""
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            return ("No display found (DISPLAY and WAYLAND_DISPLAY are unset). Start Inkscope from your desktop "
                    "session, or use 'inkscope-desktop describe FILE' in a terminal.")
    return None


def run_app(args: argparse.Namespace) -> int:
    """Run the tray app until Quit (or SIGINT/SIGTERM); 2 when it cannot start, 0 otherwise."""
    problem = display_problem()
    if problem is not None:
        print(f"inkscope-desktop: {problem}", file=sys.stderr)
        return EXIT_SETUP_ERROR
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName("Inkscope Desktop")
    qt_app.setDesktopFileName("inkscope-desktop")
    qt_app.setQuitOnLastWindowClosed(False)
    app = InkscopeApp(args, qt_app)
    try:
        if not app.claim_instance():
            print("Inkscope Desktop is already running; its window was asked to show.", file=sys.stderr)
            app.service.stop()
            return 0
    except InkscopeError as error:
        print(f"inkscope-desktop: {error.user_text}", file=sys.stderr)
        return EXIT_SETUP_ERROR
    quit_on_signals(qt_app)
    app.start()
    try:
        return qt_app.exec()
    finally:
        app.shutdown()


def quit_on_signals(qt_app: QApplication) -> None:
    """Quit cleanly on SIGINT and SIGTERM: Python runs signal handlers only between bytecodes, so a timer
    wakes the interpreter now and then while Qt's event loop waits."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: qt_app.quit())
    timer = QTimer(qt_app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
