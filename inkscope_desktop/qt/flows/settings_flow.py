"""The settings flow: show the settings dialog and save its result; the parts subscribed to the store apply it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.settings import Settings, SettingsStore, StartupSettings

if TYPE_CHECKING:
    from inkscope_desktop.qt.runtime.action_registry import ActionRegistry
    from inkscope_desktop.qt.runtime.hotkey_host import HotkeyHost
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
    from inkscope_desktop.settings import RemoteSettings

log = logging.getLogger(__name__)


class SettingsFlow:
    """Shows the settings dialog (the "settings" menu command) and saves its result; the dialog only edits.

    Saving tells every part subscribed to the store (hotkeys, speech, video, prompts, the engine, history, start
    at login), and each applies its own group. While the dialog is open the hotkeys are paused, so pressing a
    chord records it. GUI thread only, except ``read_voices``.
    """

    def __init__(self, store: SettingsStore, window: CaptionWindow, hotkeys: HotkeyHost,
                 delete_history: Callable[[], str]) -> None:
        self._store = store
        self._window = window
        self._hotkeys = hotkeys
        self._delete_history = delete_history
        self.voices: list[tuple[str, str]] = []  # the own voice's (id, name), read in the background

    def register_commands(self, registry: ActionRegistry) -> None:
        registry.register_command("settings", "S&ettings…", self.open)

    def open(self) -> None:
        """Show the settings dialog; on OK save its result (the parts apply it at once)."""
        from inkscope_desktop.engines.remote.api_keys import ApiKeyStore
        from inkscope_desktop.qt.settings_dialog.dialog import SettingsDialog

        old = self._store.settings
        was_listening = self._hotkeys.pause()
        try:
            dialog = SettingsDialog(old, voices=self.voices, on_check_model=_check_model,
                                    on_delete_history=self._delete_history, download=_download_model,
                                    api_keys=ApiKeyStore(env_var=old.remote.api_key_env or None),
                                    on_check_server=_check_server, parent=self._window)
            if dialog.exec() == SettingsDialog.DialogCode.Accepted and dialog.result_settings is not None:
                self.save(dialog.result_settings)
        finally:
            if was_listening:
                self._hotkeys.resume()

    def save(self, new: Settings) -> None:
        """Save ``new``; every part applies its own group now. One line says it worked, or what did not."""
        try:
            self._store.save(new)
        except InkscopeError as error:
            self._window.show_error(error.user_text)
            return
        self._window.notify("Settings saved.")

    def read_voices(self) -> None:
        """On a worker thread: list the own voice's voices for the settings dialog (none if it cannot start)."""
        from inkscope_desktop.speech import list_voices

        try:
            voices = list_voices()
        except InkscopeError as error:
            log.info("No voice list for the settings: %s", error.user_text)
            return
        self.voices = sorted(((v["id"], v["name"]) for v in voices), key=lambda voice: voice[1].casefold())


def apply_start_at_login(startup: StartupSettings) -> None:
    """A settings listener: register or remove the app's start at login (InkscopeError when that fails)."""
    from inkscope_desktop.settings.autostart import set_start_at_login

    set_start_at_login(startup.start_at_login)


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
