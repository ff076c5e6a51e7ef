"""Starts the tray app: the window, tray, caption service, hotkeys and the single-instance server."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QSystemTrayIcon

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import ImageError, InkscopeError
from inkscope_desktop.core.images import SUPPORTED_SUFFIXES, load_image
from inkscope_desktop.core.video import VIDEO_SUFFIXES, is_video_path
from inkscope_desktop.core.service import CaptionService
from inkscope_desktop.core.types import Detail
from inkscope_desktop.qt.app_actions import build_menu_actions, relabel
from inkscope_desktop.qt.caption_window import CaptionWindow
from inkscope_desktop.qt.controller import AppController, DescribeOptions
from inkscope_desktop.qt.icons import IconState, app_icon, prefers_high_contrast
from inkscope_desktop.qt.narration import Narration
from inkscope_desktop.qt.region_flow import RegionFlow
from inkscope_desktop.qt.thread_bridge import ThreadBridge
from inkscope_desktop.qt.tray import TrayIcon
from inkscope_desktop.qt.video_flow import VideoFlow
from inkscope_desktop.history import open_history
from inkscope_desktop.qt.history_keeper import HistoryKeeper
from inkscope_desktop.settings import PrivacySettings, Settings, SettingsStore

if TYPE_CHECKING:
    from inkscope_desktop.core.instance import InstanceServer
    from inkscope_desktop.engines.base import CaptionEngine
    from inkscope_desktop.hotkeys import HotkeyListener
    from inkscope_desktop.settings import RemoteSettings

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
                 engine: CaptionEngine | None = None, store: SettingsStore | None = None,
                 confirm_remote: Callable[[str], bool] | None = None) -> None:
        from inkscope_desktop.capture import ScreenCapturer

        self._qt_app = qt_app
        self._args = args
        self._confirm_remote = confirm_remote or self._ask_to_send
        self.store = store if store is not None else SettingsStore()
        settings = self.store.settings
        is_high_contrast = prefers_high_contrast()
        qt_app.setWindowIcon(app_icon(IconState.IDLE, high_contrast=is_high_contrast))
        self._bindings = settings.hotkeys.bindings()
        self.actions = ThreadBridge(self._on_action)
        # Parented to the application: menus do not own the actions they show.
        self.menu_actions = build_menu_actions(qt_app, self._bindings, self.actions.post, self.open_image,
                                               qt_app.quit, self.open_settings)
        self.window = CaptionWindow(self.menu_actions)
        self.capturer = ScreenCapturer()
        self.tray: TrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = TrayIcon(self.menu_actions, lambda: self._on_action(Action.TOGGLE_WINDOW),
                                 is_high_contrast=is_high_contrast)
        self.window.set_should_hide_on_escape(self.tray is not None)
        self.region_flow = RegionFlow(self.capturer, self.window)
        self.service = self._new_service(engine if engine is not None else self._create_engine(settings))
        self.history = HistoryKeeper(self.window, open_history(settings.privacy))
        self.window.export_requested.connect(self.export_history)
        self.controller = AppController(self.service, self.window, self.capturer, self._describe_options(settings),
                                        tray=self.tray, region_picker=self.region_flow.start, history=self.history)
        self.narration = Narration(self.window, self.controller, settings.speech)
        self.video_flow = VideoFlow(self.controller, self.window, lambda: self.capturer.capture_screen().image,
                                    settings.video)
        self.hotkeys: HotkeyListener | None = None
        self._server: InstanceServer | None = None
        self._is_loading_started = False
        self._voices: list[tuple[str, str]] = []  # the own voice's (id, name), read in the background

    # --- settings --------------------------------------------------------------------------------
    def _create_engine(self, settings: Settings) -> CaptionEngine:
        """The engine the settings (or this run's --model/--device/--fake-engine) ask for; not loaded yet.

        A remote server is used only once the user has agreed to send images to that address (asked here
        the first time); declined, the local model is used and the status line says so."""
        if self._args.fake_engine:
            return demo_engine()
        from inkscope_desktop.engines.registry import create_engine

        remote = settings.remote
        if remote.enabled and not self._args.model and self._remote_allowed(remote.base_url):
            return create_engine("remote", model=remote.model, base_url=remote.base_url,
                                 api_key_env=remote.api_key_env or None, use_keyring=remote.api_key_in_keyring,
                                 timeout=float(remote.timeout_s))
        return create_engine("qwen2-vl", model=self._args.model or settings.model.model,
                             device=self._args.device or settings.model.device)

    def _remote_allowed(self, url: str) -> bool:
        """Whether images may go to ``url``: this machine always; another one once the user said yes."""
        from urllib.parse import urlsplit

        from inkscope_desktop.engines.remote import is_loopback

        settings = self.store.settings
        if is_loopback(urlsplit(url).hostname or "") or settings.remote.confirmed_url == url:
            return True
        if not self._confirm_remote(url):
            self.window.set_status("Images stay on this computer: the local model describes them.")
            return False
        try:
            self.store.save(replace(settings, remote=replace(settings.remote, confirmed_url=url)))
        except InkscopeError as error:
            log.warning("The confirmed server address was not saved: %s", error.user_text)
        return True

    def _ask_to_send(self, url: str) -> bool:
        """Ask, in words a screen reader reads whole, before any screenshot goes to another machine."""
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        plain = " The connection is not encrypted (http)." if parts.scheme == "http" else ""
        answer = QMessageBox.question(
            None, "Send images to a server?",
            f"With the remote server on, every screenshot and image you ask Inkscope to describe is sent to "
            f"{parts.hostname} ({url}), and the description comes back from there.{plain} Send images there?")
        return answer == QMessageBox.StandardButton.Yes

    def _describe_options(self, settings: Settings) -> DescribeOptions:
        prompts = settings.prompts
        detail = Detail(self._args.detail) if self._args.detail else settings.model.detail
        return DescribeOptions(prompt=prompts.prompt(self._args.preset if self._args.preset else None),
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
        """Show the settings dialog (hotkeys paused meanwhile, so pressing a chord records it); apply on OK."""
        from inkscope_desktop.qt.settings_dialog import SettingsDialog

        old = self.store.settings
        was_listening = self.hotkeys is not None
        if self.hotkeys is not None:
            self.hotkeys.stop()
        try:
            from inkscope_desktop.engines.api_keys import ApiKeyStore

            dialog = SettingsDialog(old, voices=self._voices, on_check_model=_check_model,
                                    on_delete_history=self.history.delete_all, download=_download_model,
                                    api_keys=ApiKeyStore(env_var=old.remote.api_key_env or None),
                                    on_check_server=_check_server, parent=self.window)
            if dialog.exec() == SettingsDialog.DialogCode.Accepted and dialog.result_settings is not None:
                self.apply_settings(dialog.result_settings, old)
        finally:
            if was_listening:
                self._start_hotkeys()

    def _read_voices(self) -> None:
        """On a worker thread: list the own voice's voices for the settings dialog (none if it cannot start)."""
        from inkscope_desktop.speech import list_voices

        try:
            voices = list_voices()
        except InkscopeError as error:
            log.info("No voice list for the settings: %s", error.user_text)
            return
        self._voices = sorted(((v["id"], v["name"]) for v in voices), key=lambda voice: voice[1].casefold())

    def apply_settings(self, new: Settings, old: Settings) -> None:
        """Save ``new`` and put it to work without a restart: hotkeys, prompts, the model, start at login."""
        try:
            self.store.save(new)
        except InkscopeError as error:
            self.window.show_error(error.user_text)
            return
        self._bindings = new.hotkeys.bindings()
        relabel(self.menu_actions, self._bindings)
        if self.hotkeys is not None:
            self.hotkeys.rebind(self._bindings)
        self.controller.options = self._describe_options(new)
        self.narration.use(new.speech)
        self.video_flow.use(new.video)
        if _engine_choice(new) != _engine_choice(old) and not self._args.fake_engine:
            self._args.model = self._args.device = None  # the settings choose from now on
            self._replace_engine(self._create_engine(new))
        if new.privacy != old.privacy:
            self._apply_privacy(new.privacy, old.privacy)
        if new.startup.start_at_login != old.startup.start_at_login:
            from inkscope_desktop.settings.autostart import set_start_at_login

            try:
                set_start_at_login(new.startup.start_at_login)
            except InkscopeError as error:
                self.window.show_error(error.user_text)
                return
        self.window.set_status("Settings saved.")

    def _apply_privacy(self, new: PrivacySettings, old: PrivacySettings) -> None:
        store = self.history.store
        if new.history != old.history or store is None:
            self.history.set_store(open_history(new))
            return
        store.keep_thumbnails = new.thumbnails
        store.max_age_days, store.max_entries = new.retention_days, new.max_entries
        try:
            store.apply_retention(new.retention_days, new.max_entries)
        except InkscopeError as error:
            self.window.show_error(error.user_text)

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

    def _replace_engine(self, engine: CaptionEngine) -> None:
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
        self.controller.load_history()
        self.video_flow.use(self.store.settings.video)  # starts the rolling screen recording if it is on
        self.narration.prepare()
        threading.Thread(target=self._read_voices, name="inkscope-voices", daemon=True).start()
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
        self._start_hotkeys()

    def _start_hotkeys(self) -> None:
        from inkscope_desktop.hotkeys import HotkeyListener

        self.hotkeys = HotkeyListener(self._bindings, self.actions.post,
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


def _engine_choice(settings: Settings) -> tuple:
    """What decides which engine runs (a change reloads it); the detail level is per request, not here."""
    remote = settings.remote
    return (settings.model.model, settings.model.device, remote.enabled, remote.base_url, remote.model,
            remote.api_key_env, remote.api_key_in_keyring, remote.timeout_s)


def _check_server(remote: RemoteSettings, typed_key: str) -> str:
    """The settings dialog's server check (on a worker thread): does the server serve the model named there?

    It sends the key the engine would send (or the one typed and not saved yet), and no image."""
    from inkscope_desktop.engines.api_keys import read_api_key
    from inkscope_desktop.engines.remote_check import check_server

    key = typed_key or read_api_key(remote.api_key_env or None, remote.base_url,
                                    use_keyring=remote.api_key_in_keyring)
    return check_server(remote.base_url, remote.model, api_key=key, timeout_s=min(remote.timeout_s, 15)).text


def _check_model(source: str) -> str:
    """The settings dialog's "Check the model": where it is and whether it is complete (no network)."""
    from inkscope_desktop.engines.model_source import model_info

    try:
        return " ".join(model_info(source).describe().split())
    except InkscopeError as error:
        return error.user_text


def _download_model(source: str, progress: Callable[[int, int], None]) -> object:
    """The settings dialog's Download button (runs on its worker thread)."""
    from inkscope_desktop.engines.model_source import download_model

    return download_model(source, progress=progress)


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
