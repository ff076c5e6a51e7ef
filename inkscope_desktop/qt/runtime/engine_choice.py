"""Which engine the app runs: the local model, the fake one, or a remote server once the user agreed to send there."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.settings import Settings, SettingsStore
from inkscope_desktop.settings.overrides import Overrides

if TYPE_CHECKING:
    from inkscope_desktop.engines.base import CaptionEngine

log = logging.getLogger(__name__)


def demo_engine() -> CaptionEngine:
    """The fake engine, paced like a fast GPU (first words after 0.2 s, 30 tokens/s), for demos and tests."""
    from inkscope_desktop.engines.fake import FakeEngine

    return FakeEngine(first_chunk_delay_s=0.2, chunk_delay_s=1 / 30)


class EngineChooser:
    """``create(settings)`` makes the engine the settings (or this run's --model/--device/--fake-engine) ask for.

    ``confirm_remote(url)`` asks the user before any image goes to another machine; ``tell(text)`` puts a line in
    the status. ``settings_choose_model()`` stops honouring --model/--device (the user chose a model in the
    settings); this run's ``Overrides`` stay as they are, the chooser keeps its own copy."""

    def __init__(self, overrides: Overrides, store: SettingsStore, confirm_remote: Callable[[str], bool],
                 tell: Callable[[str], None]) -> None:
        self._overrides = overrides
        self._store = store
        self._confirm_remote = confirm_remote
        self._tell = tell

    @property
    def is_fake(self) -> bool:
        """Whether this run uses the fake engine whatever the settings say (--fake-engine)."""
        return self._overrides.is_fake_engine

    def settings_choose_model(self) -> None:
        """From now on the settings' model and device are used, not --model/--device."""
        self._overrides = self._overrides.without_model()

    def create_current(self) -> CaptionEngine:
        """The engine the settings in use ask for (to try loading it again)."""
        return self.create(self._store.settings)

    def create(self, settings: Settings) -> CaptionEngine:
        """The engine asked for; not loaded yet.

        A remote server is used only once the user has agreed to send images to that address (asked here
        the first time); declined, the local model is used and the status line says so."""
        overrides = self._overrides
        if overrides.is_fake_engine:
            return demo_engine()
        from inkscope_desktop.engines.registry import create_engine

        remote = settings.remote
        if remote.enabled and not overrides.model and self._remote_allowed(remote.base_url):
            return create_engine("remote", model=remote.model, base_url=remote.base_url,
                                 api_key_env=remote.api_key_env or None, use_keyring=remote.api_key_in_keyring,
                                 timeout=float(remote.timeout_s), deadline=float(remote.deadline_s))
        return create_engine("qwen2-vl", model=overrides.model or settings.model.model,
                             device=overrides.device or settings.model.device)

    def _remote_allowed(self, url: str) -> bool:
        """Whether images may go to ``url``: this machine always; another one once the user said yes."""
        from urllib.parse import urlsplit

        from inkscope_desktop.engines.remote.engine import is_loopback

        settings = self._store.settings
        if is_loopback(urlsplit(url).hostname or "") or settings.remote.confirmed_url == url:
            return True
        if not self._confirm_remote(url):
            self._tell("Images stay on this computer: the local model describes them.")
            return False
        try:
            self._store.save(replace(settings, remote=replace(settings.remote, confirmed_url=url)))
        except InkscopeError as error:
            log.warning("The confirmed server address was not saved: %s", error.user_text)
        return True


def ask_to_send(url: str) -> bool:
    """Ask, in words a screen reader reads whole, before any screenshot goes to another machine."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    plain = " The connection is not encrypted (http)." if parts.scheme == "http" else ""
    answer = QMessageBox.question(
        None, "Send images to a server?",
        f"With the remote server on, every screenshot and image you ask Inkscope to describe is sent to "
        f"{parts.hostname} ({url}), and the description comes back from there.{plain} Send images there?")
    return answer == QMessageBox.StandardButton.Yes


def engine_choice(settings: Settings) -> tuple:
    """What decides which engine runs (a change reloads it); the detail level is per request, not here."""
    remote = settings.remote
    return (settings.model.model, settings.model.device, remote.enabled, remote.base_url, remote.model,
            remote.api_key_env, remote.api_key_in_keyring, remote.timeout_s, remote.deadline_s)
