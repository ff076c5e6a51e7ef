"""Starts the tray app: the window, tray, caption service, hotkeys and the single-instance server."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QSystemTrayIcon

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import ImageError, InkscopeError
from inkscope_desktop.core.images import SUPPORTED_SUFFIXES, load_image
from inkscope_desktop.core.video import VIDEO_SUFFIXES, is_video_path
from inkscope_desktop.core.service import CaptionService
from inkscope_desktop.core.types import Detail
from inkscope_desktop.qt.widgets.menus import build_menu_actions
from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
from inkscope_desktop.qt.flows.controller import AppController, DescribeOptions
from inkscope_desktop.qt.runtime.engine_choice import EngineChooser, ask_to_send, demo_engine
from inkscope_desktop.qt.widgets.icons import IconState, app_icon, prefers_high_contrast
from inkscope_desktop.qt.flows.narration import Narration
from inkscope_desktop.qt.runtime.process import display_problem, quit_on_signals
from inkscope_desktop.qt.flows.region_flow import RegionFlow
from inkscope_desktop.qt.flows.settings_apply import SettingsApplier
from inkscope_desktop.qt.runtime.thread_bridge import ThreadBridge
from inkscope_desktop.qt.widgets.tray import TrayIcon
from inkscope_desktop.qt.flows.video_flow import VideoFlow
from inkscope_desktop.history import open_history
from inkscope_desktop.qt.flows.history_keeper import HistoryKeeper
from inkscope_desktop.settings import Settings, SettingsStore

if TYPE_CHECKING:
    from inkscope_desktop.instance import InstanceServer
    from inkscope_desktop.engines.base import CaptionEngine
    from inkscope_desktop.hotkeys import HotkeyListener

__all__ = ["EXIT_SETUP_ERROR", "NO_TRAY_STATUS", "InkscopeApp", "demo_engine", "display_problem", "quit_on_signals",
           "run_app"]

NO_TRAY_STATUS = "No system tray was found, so Inkscope runs in this window. Its menu is in the menu bar."
EXIT_SETUP_ERROR = 2
LOAD_POLL_MS = 20
LOAD_DELAY_CAP_MS = 1500


class InkscopeApp:
    """Builds and owns every long-lived part of the running app; ``start()`` shows it.

    Threads: the caption service's worker, pynput's listener and the instance server's thread only post
    to ``ThreadBridge`` objects; everything else here runs on the GUI thread.
    """

    def __init__(self, args: argparse.Namespace, qt_app: QApplication,
                 engine: CaptionEngine | None = None, store: SettingsStore | None = None,
                 confirm_remote: Callable[[str], bool] | None = None) -> None:
        from inkscope_desktop.capture import ScreenCapturer

        self._qt_app = qt_app
        self.args = args  # this run's command line; the settings applier clears --model/--device
        self.store = store if store is not None else SettingsStore()
        settings = self.store.settings
        is_high_contrast = prefers_high_contrast()
        qt_app.setWindowIcon(app_icon(IconState.IDLE, high_contrast=is_high_contrast))
        self.bindings = settings.hotkeys.bindings()
        self.actions = ThreadBridge(self._on_action)
        # Parented to the application: menus do not own the actions they show.
        self.menu_actions = build_menu_actions(qt_app, self.bindings, self.actions.post, self.open_image,
                                               qt_app.quit, self.open_settings)
        self.window = CaptionWindow(self.menu_actions)
        self.capturer = ScreenCapturer()
        self.tray: TrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = TrayIcon(self.menu_actions, lambda: self._on_action(Action.TOGGLE_WINDOW),
                                 is_high_contrast=is_high_contrast)
        self.window.set_should_hide_on_escape(self.tray is not None)
        self.region_flow = RegionFlow(self.capturer, self.window)
        self.engines = EngineChooser(args, self.store, confirm_remote or ask_to_send, self.window.set_status)
        self.service = self._new_service(engine if engine is not None else self.engines.create(settings))
        self.history = HistoryKeeper(self.window, open_history(settings.privacy))
        self.window.export_requested.connect(self.export_history)
        self.controller = AppController(self.service, self.window, self.capturer, self.describe_options(settings),
                                        tray=self.tray, region_picker=self.region_flow.start, history=self.history)
        self.narration = Narration(self.window, self.controller, settings.speech)
        self.video_flow = VideoFlow(self.controller, self.window, lambda: self.capturer.capture_screen().image,
                                    settings.video)
        self.hotkeys: HotkeyListener | None = None
        self._server: InstanceServer | None = None
        self._is_loading_started = False
        self.settings_applier = SettingsApplier(self)

    # --- settings --------------------------------------------------------------------------------
    def describe_options(self, settings: Settings) -> DescribeOptions:
        """What each request asks for: the prompt and detail level (this run's --preset/--detail win)."""
        prompts = settings.prompts
        detail = Detail(self.args.detail) if self.args.detail else settings.model.detail
        return DescribeOptions(prompt=prompts.prompt(self.args.preset if self.args.preset else None),
                               detail=detail, language=prompts.language)

    def _new_service(self, engine: CaptionEngine) -> CaptionService:
        """A caption service whose events reach the controller only while it is the current one."""
        def deliver(event: object) -> None:
            if service is self.service:
                self.controller.handle_event(event)

        bridge = ThreadBridge(deliver, self.window)
        service = CaptionService(engine, bridge.post)
        return service

    def open_settings(self) -> None:
        """Show the settings dialog; OK applies it at once (see ``SettingsApplier``)."""
        self.settings_applier.open()

    def apply_settings(self, new: Settings, old: Settings) -> None:
        """Save ``new`` and put it to work without a restart: hotkeys, prompts, the model, start at login."""
        self.settings_applier.apply(new, old)

    def export_history(self) -> None:
        """Ask where to, then write every saved caption as Markdown or JSON."""
        path, _ = QFileDialog.getSaveFileName(self.window, "Export history", "inkscope-history.md",
                                              "Markdown (*.md);;JSON (*.json)")
        if not path:
            return
        try:
            self.window.set_status(self.history.export(Path(path)))
        except InkscopeError as error:
            self.window.show_error(error.user_text)

    def replace_engine(self, engine: CaptionEngine) -> None:
        """Load ``engine`` in a new service; the old one is stopped off the GUI thread (it may be mid-load), then
        its model is unloaded, which frees its GPU memory and ends its generation thread."""
        old, self.service = self.service, self._new_service(engine)

        def retire() -> None:
            old.stop(timeout_s=600)  # a load in progress finishes first; a caption stops within a token
            old.engine.unload()

        threading.Thread(target=retire, name="inkscope-old-engine", daemon=True).start()
        self.controller.set_service(self.service)
        if self._is_loading_started:  # else the start-up timer starts it, as it would have the old one
            self.service.start()

    def claim_instance(self) -> bool:
        """Become the one running instance; False when another runs (it was asked to show its window)."""
        from inkscope_desktop.instance import claim_instance, send_action

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
        self.controller.load_history()
        self.video_flow.use(self.store.settings.video)  # starts the rolling screen recording if it is on
        self.narration.prepare()
        threading.Thread(target=self.settings_applier.read_voices, name="inkscope-voices", daemon=True).start()
        notice = self.store.take_notice()
        if notice:  # a broken settings file was moved aside: said once
            self.window.show_error(notice)
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
                self._is_loading_started = True
                self.service.start()

        timer.timeout.connect(check)
        timer.start(LOAD_POLL_MS)

    def _start_listeners(self) -> None:
        self.capturer.warm_up()  # the first capture a user asks for is then as fast as the rest
        self.start_hotkeys()

    def start_hotkeys(self) -> None:
        from inkscope_desktop.hotkeys import HotkeyListener

        self.hotkeys = HotkeyListener(self.bindings, self.actions.post,
                                      on_problem=lambda problem: self.window.show_error(problem.user_text))
        try:
            self.hotkeys.start()
        except InkscopeError as error:
            self.hotkeys = None
            self.window.show_error(error.user_text)

    def _on_action(self, action: object) -> None:
        self.controller.handle_action(action)

    def open_image(self) -> None:
        """Ask for image files and describe them one after the other; bad files are reported and skipped.
        A video chosen is described instead (one at a time)."""
        patterns = " ".join(f"*{suffix}" for suffix in sorted(SUPPORTED_SUFFIXES | VIDEO_SUFFIXES))
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Open image or video", "",
                                                f"Images and videos ({patterns})")
        videos = [path for path in paths if is_video_path(path)]
        if videos:
            self.video_flow.describe_files(videos)
            return
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
        self.video_flow.close()
        self.capturer.close()
        self.narration.close()
        self.history.set_store(None)
        if self.tray is not None:
            self.tray.hide()


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

