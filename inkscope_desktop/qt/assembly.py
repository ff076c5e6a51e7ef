"""The app's wiring, in one place: every part built and connected as a user gets it (the app and the tests use it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from inkscope_desktop.core.actions import Action
from inkscope_desktop.history import open_history
from inkscope_desktop.qt.flows.caption_presenter import CaptionPresenter
from inkscope_desktop.qt.flows.capture_flow import CaptureFlow, Capturer
from inkscope_desktop.qt.flows.describe_flow import DescribeFlow, options_from
from inkscope_desktop.qt.flows.file_flow import FileFlow
from inkscope_desktop.qt.flows.history_export import HistoryExport
from inkscope_desktop.qt.flows.history_keeper import HistoryKeeper
from inkscope_desktop.qt.flows.narration import Narration
from inkscope_desktop.qt.flows.recent_screen_flow import RecentScreenFlow
from inkscope_desktop.qt.flows.region_flow import RegionFlow
from inkscope_desktop.qt.flows.settings_flow import SettingsFlow, apply_start_at_login
from inkscope_desktop.qt.flows.status_presenter import StatusPresenter
from inkscope_desktop.qt.flows.video_queue import VideoQueue, _probe
from inkscope_desktop.qt.flows.window_flow import WindowFlow
from inkscope_desktop.qt.runtime.action_registry import ActionRegistry
from inkscope_desktop.qt.runtime.engine_choice import EngineChooser, ask_to_send
from inkscope_desktop.qt.runtime.engine_host import EngineHost
from inkscope_desktop.qt.runtime.hotkey_host import HotkeyHost
from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
from inkscope_desktop.qt.widgets.menus import build_menu_actions, relabel
from inkscope_desktop.qt.widgets.tray import TrayIcon
from inkscope_desktop.settings import SettingsStore
from inkscope_desktop.settings.overrides import Overrides
from inkscope_desktop.speech import Narrator

if TYPE_CHECKING:
    from PIL import Image
    from PySide6.QtGui import QAction

    from inkscope_desktop.capture import CapturedImage
    from inkscope_desktop.engines.base import CaptionEngine
    from inkscope_desktop.qt.flows.video_queue import VideoInfo


class AppCapturer(Capturer, Protocol):
    """The screen capturer the app runs with: ``capture.ScreenCapturer``, or ``capture.fake_capturer`` in tests."""

    def capture_all_monitors(self) -> CapturedImage: ...

    def warm_up(self) -> None: ...

    def close(self) -> None: ...


@dataclass
class AppParts:
    """Every long-lived part of the running app, wired together. See :func:`build_parts`."""

    store: SettingsStore
    window: CaptionWindow
    tray: TrayIcon | None
    registry: ActionRegistry
    menu_actions: list[QAction | None]
    status: StatusPresenter
    engine_host: EngineHost
    describe: DescribeFlow
    presenter: CaptionPresenter
    history: HistoryKeeper
    export: HistoryExport
    narration: Narration
    capturer: AppCapturer
    region_flow: RegionFlow
    capture: CaptureFlow
    videos: VideoQueue
    recent_screen: RecentScreenFlow
    window_flow: WindowFlow
    files: FileFlow
    hotkeys: HotkeyHost
    settings_flow: SettingsFlow

    def dispatch(self, action: Action | str) -> bool:
        """Do ``action`` as a hotkey, the menu or ``trigger`` would (GUI thread)."""
        return self.registry.dispatch(action)


def build_parts(store: SettingsStore, overrides: Overrides | None = None, *, engine: CaptionEngine | None = None,
                capturer: AppCapturer | None = None, has_tray: bool | None = None, is_high_contrast: bool = False,
                confirm_remote: Callable[[str], bool] = ask_to_send,
                make_narrator: Callable[..., Narrator] = Narrator,
                probe_video: Callable[[str], VideoInfo] = _probe,
                grab_screen: Callable[[], Image.Image] | None = None,
                on_quit: Callable[[], None] = QApplication.quit) -> AppParts:
    """Build the app's parts and connect them; nothing is started (see ``InkscopeApp.start``).

    ``engine`` replaces the one the settings (and ``overrides``) choose, ``capturer`` the screen capturer,
    ``has_tray`` whether there is a system tray (default: ask Qt); the rest are stand-ins for tests. The
    order matters where parts listen to the same handle: the window shows a chunk before it is spoken, and a
    caption is listed before whoever started it goes on.
    """
    from inkscope_desktop.capture import ScreenCapturer

    overrides = overrides or Overrides()
    settings = store.settings
    window = CaptionWindow()
    registry = ActionRegistry(window)
    if has_tray is None:
        has_tray = QSystemTrayIcon.isSystemTrayAvailable()
    tray = TrayIcon([], lambda: registry.dispatch(Action.TOGGLE_WINDOW), is_high_contrast=is_high_contrast) \
        if has_tray else None
    window.set_should_hide_on_escape(tray is not None)
    status = StatusPresenter(window, tray)
    chooser = EngineChooser(overrides, store, confirm_remote, window.notify)
    engine_host = EngineHost(chooser, engine if engine is not None else chooser.create(settings), window)
    describe = DescribeFlow(engine_host, window, status, options_from(settings, overrides))
    narration: Narration | None = None
    presenter = CaptionPresenter(window, status, describe, engine_host,
                                 is_spoken=lambda: narration is not None and narration.speaks_automatically)
    history = HistoryKeeper(window, open_history(settings.privacy), describe, settings.privacy)
    export = HistoryExport(window, lambda: history.store)
    narration = Narration(window, describe, settings.speech, make_narrator)
    capturer = capturer if capturer is not None else ScreenCapturer()
    region_flow = RegionFlow(capturer, window)
    window_flow = WindowFlow(window, settings.window, has_tray=tray is not None)
    capture = CaptureFlow(window, capturer, region_flow.start, describe, status, window_flow)
    videos = VideoQueue(describe, window, settings.video, probe=probe_video)
    screen_capturer = capturer
    recent_screen = RecentScreenFlow(describe, window, grab_screen or (lambda: screen_capturer.capture_screen().image),
                                     settings.video, window_flow=window_flow)
    window.load_retry_requested.connect(engine_host.retry_load)
    window_flow.follow(describe)  # after the presenter, history and narration: the window is filled first
    files = FileFlow(window, describe, videos)
    hotkeys = HotkeyHost(registry, settings.hotkeys, window.show_error)
    settings_flow = SettingsFlow(store, window, hotkeys, history.delete_all)

    for part in (capture, describe, narration, recent_screen, window_flow):
        part.register_actions(registry)
    files.register_commands(registry)
    settings_flow.register_commands(registry)
    registry.register_command("quit", "&Quit Inkscope", on_quit)
    missing = registry.missing()
    assert not missing, f"No flow registered {', '.join(action.value for action in missing)}"

    # Parented to the window: menus do not own the actions they show.
    menu_actions = build_menu_actions(window, registry, hotkeys.bindings)
    window.set_menu_actions(menu_actions)
    if tray is not None:
        tray.set_menu_actions(menu_actions)
    toggle_item = next((item for item in menu_actions if item is not None
                        and item.data() == Action.TOGGLE_WINDOW.value), None)
    if toggle_item is not None:  # it says what it will do: show the window, or hide it
        def label_toggle() -> None:
            window_flow.label_toggle_item(toggle_item, hotkeys.bindings.get(Action.TOGGLE_WINDOW))

        for menu in (window.app_menu, *([tray.menu] if tray is not None else [])):
            menu.aboutToShow.connect(label_toggle)
        label_toggle()

    events = store.events  # each part applies its own group when the settings change
    events.watch("hotkeys", hotkeys.use)
    events.watch("hotkeys", lambda chords: relabel(menu_actions, chords.bindings()))
    events.connect(lambda new, _old: describe.use(options_from(new, overrides)))
    events.watch("speech", narration.use)
    events.watch("video", videos.use)
    events.watch("video", recent_screen.use)
    events.connect(engine_host.use_settings)
    events.watch("privacy", history.use)
    events.watch("startup", apply_start_at_login)
    events.watch("window", window_flow.use)

    return AppParts(store=store, window=window, tray=tray, registry=registry, menu_actions=menu_actions,
                    status=status, engine_host=engine_host, describe=describe, presenter=presenter, history=history,
                    export=export,
                    narration=narration, capturer=capturer, region_flow=region_flow, capture=capture, videos=videos,
                    recent_screen=recent_screen, window_flow=window_flow, files=files, hotkeys=hotkeys,
                    settings_flow=settings_flow)
