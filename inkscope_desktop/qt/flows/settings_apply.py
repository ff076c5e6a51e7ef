"""The running app's settings path: show the settings dialog, then put its result to work without a restart."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.history import open_history
from inkscope_desktop.qt.widgets.menus import relabel
from inkscope_desktop.qt.runtime.engine_choice import engine_choice
from inkscope_desktop.settings import PrivacySettings, Settings

if TYPE_CHECKING:
    from inkscope_desktop.qt.app import InkscopeApp
    from inkscope_desktop.settings import RemoteSettings

log = logging.getLogger(__name__)


class SettingsApplier:
    """``open()`` shows the dialog (hotkeys paused meanwhile) and applies it on OK; ``apply(new, old)`` saves and uses.

    It works on the parts of ``app`` that a setting changes: hotkeys and menu labels, prompts, speech, video,
    the engine, the history and start at login. Runs on the GUI thread, except ``read_voices``."""

    def __init__(self, app: InkscopeApp) -> None:
        self._app = app
        self.voices: list[tuple[str, str]] = []  # the own voice's (id, name), read in the background

    def open(self) -> None:
        """Show the settings dialog (hotkeys paused meanwhile, so pressing a chord records it); apply on OK."""
        from inkscope_desktop.qt.settings_dialog.dialog import SettingsDialog

        app = self._app
        old = app.store.settings
        was_listening = app.hotkeys is not None
        if app.hotkeys is not None:
            app.hotkeys.stop()
        try:
            from inkscope_desktop.engines.remote.api_keys import ApiKeyStore

            dialog = SettingsDialog(old, voices=self.voices, on_check_model=_check_model,
                                    on_delete_history=app.history.delete_all, download=_download_model,
                                    api_keys=ApiKeyStore(env_var=old.remote.api_key_env or None),
                                    on_check_server=_check_server, parent=app.window)
            if dialog.exec() == SettingsDialog.DialogCode.Accepted and dialog.result_settings is not None:
                self.apply(dialog.result_settings, old)
        finally:
            if was_listening:
                app.start_hotkeys()

    def read_voices(self) -> None:
        """On a worker thread: list the own voice's voices for the settings dialog (none if it cannot start)."""
        from inkscope_desktop.speech import list_voices

        try:
            voices = list_voices()
        except InkscopeError as error:
            log.info("No voice list for the settings: %s", error.user_text)
            return
        self.voices = sorted(((v["id"], v["name"]) for v in voices), key=lambda voice: voice[1].casefold())

    def apply(self, new: Settings, old: Settings) -> None:
        """Save ``new`` and put it to work without a restart: hotkeys, prompts, the model, start at login."""
        app = self._app
        try:
            app.store.save(new)
        except InkscopeError as error:
            app.window.show_error(error.user_text)
            return
        app.bindings = new.hotkeys.bindings()
        relabel(app.menu_actions, app.bindings)
        if app.hotkeys is not None:
            app.hotkeys.rebind(app.bindings)
        app.controller.options = app.describe_options(new)
        app.narration.use(new.speech)
        app.video_flow.use(new.video)
        if engine_choice(new) != engine_choice(old) and not app.args.fake_engine:
            app.args.model = app.args.device = None  # the settings choose from now on
            app.replace_engine(app.engines.create(new))
        if new.privacy != old.privacy:
            self._apply_privacy(new.privacy, old.privacy)
        if new.startup.start_at_login != old.startup.start_at_login:
            from inkscope_desktop.settings.autostart import set_start_at_login

            try:
                set_start_at_login(new.startup.start_at_login)
            except InkscopeError as error:
                app.window.show_error(error.user_text)
                return
        app.window.set_status("Settings saved.")

    def _apply_privacy(self, new: PrivacySettings, old: PrivacySettings) -> None:
        history = self._app.history
        store = history.store
        if new.history != old.history or store is None:
            history.set_store(open_history(new))
            return
        store.keep_thumbnails = new.thumbnails
        store.max_age_days, store.max_entries = new.retention_days, new.max_entries
        try:
            store.apply_retention(new.retention_days, new.max_entries)
        except InkscopeError as error:
            self._app.window.show_error(error.user_text)


def _check_server(remote: RemoteSettings, typed_key: str) -> str:
    """The settings dialog's server check (on a worker thread): does the server serve the model named there?

    It sends the key the engine would send (or the one typed and not saved yet), and no image."""
    from inkscope_desktop.engines.remote.api_keys import read_api_key
    from inkscope_desktop.engines.remote.check import check_server

    key = typed_key or read_api_key(remote.api_key_env or None, remote.base_url,
                                    use_keyring=remote.api_key_in_keyring)
    return check_server(remote.base_url, remote.model, api_key=key, timeout_s=min(remote.timeout_s, 15)).text


def _check_model(source: str) -> str:
    """The settings dialog's "Check the model": where it is and whether it is complete (no network)."""
    from inkscope_desktop.engines.hub.model_source import model_info

    try:
        return " ".join(model_info(source).describe().split())
    except InkscopeError as error:
        return error.user_text


def _download_model(source: str, progress: Callable[[int, int], None]) -> object:
    """The settings dialog's Download button (runs on its worker thread)."""
    from inkscope_desktop.engines.hub.model_source import download_model

    return download_model(source, progress=progress)
