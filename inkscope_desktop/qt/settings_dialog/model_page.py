"""The settings dialog's Model tab: the local model (check, download) or a remote server (API key, check)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QProgressBar, QPushButton, QWidget

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.types import Detail
from inkscope_desktop.core import vocabulary
from inkscope_desktop.engines.remote.api_keys import ApiKeyStore
from inkscope_desktop.qt.widgets.announcer import is_alive
from inkscope_desktop.qt.settings_dialog.api_key_field import ApiKeyField
from inkscope_desktop.qt.settings_dialog.form import add_row, check, combo, form_page, select, spin
from inkscope_desktop.qt.runtime.thread_bridge import ThreadBridge
from inkscope_desktop.settings import ModelSettings, RemoteSettings

_DEVICE_LABELS = {"auto": "Automatic (GPU when there is one)", "cuda": "NVIDIA GPU (CUDA)", "mps": "Apple GPU (MPS)",
                  "cpu": "Processor (slow)"}
DEVICES = tuple((name, _DEVICE_LABELS[name]) for name in vocabulary.DEVICES)
DETAILS = ((Detail.LOW, "Low: fastest"), (Detail.NORMAL, "Normal: screen text legible"),
           (Detail.HIGH, "High: small print, slowest"))


class ModelSettingsPage(QWidget):
    """Edits a ``ModelSettings`` and a ``RemoteSettings``; ``tell(text, is_error)`` shows and announces a result,
    ``announce(text)`` only announces (download progress).

    ``on_check_model(source)`` returns a short report on that model; ``download(source, progress=callback)``
    backs a Download button: it runs on a worker thread, its progress is shown in a progress bar, and it may go on
    after the dialog closes (it resumes anyway). ``api_keys`` adds the API key field (the key is saved there on
    OK, never in the settings); ``on_check_server(remote, typed_key)`` backs a button that asks the server for
    its models on a worker thread and returns a one-line report. Each is optional: no callback, no control.
    """

    def __init__(self, model: ModelSettings, remote: RemoteSettings, *, tell: Callable[[str, bool], None],
                 announce: Callable[[str], None], on_check_model: Callable[[str], str] | None = None,
                 download: Callable[..., object] | None = None, api_keys: ApiKeyStore | None = None,
                 on_check_server: Callable[[RemoteSettings, str], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._remote = remote
        self._tell = lambda text, is_error=False: tell(text, is_error)
        self._announce = announce
        self._download = download
        self._on_check_server = on_check_server
        self._is_checking_server = False
        _, form = form_page("Changes here reload the model in the background.", self)
        self.model = QLineEdit(model.model)
        self.model.setAccessibleName("Model: hub id or folder")
        browse = QPushButton("&Browse for a folder…")
        browse.clicked.connect(self._browse_model)
        row = QHBoxLayout()
        row.addWidget(self.model)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        self.device = combo("Device", DEVICES, model.device if model.device in dict(DEVICES) else "auto")
        self.detail = combo("Detail level", tuple((d.value, text) for d, text in DETAILS), model.detail.value)
        add_row(form, "M&odel (hub id or folder)", holder, buddy=self.model)
        add_row(form, "&Device", self.device)
        add_row(form, "Detail &level", self.detail)
        self.remote_enabled = check("Describe with a remote server (OpenAI-compatible) instead of this computer",
                                    remote.enabled)
        self.remote_url = QLineEdit(remote.base_url, placeholderText="http://127.0.0.1:8000/v1")
        self.remote_url.setAccessibleName("Server address")
        self.remote_model = QLineEdit(remote.model)
        self.remote_model.setAccessibleName("Model name on the server")
        self.remote_key_env = QLineEdit(remote.api_key_env)
        self.remote_key_env.setAccessibleName("Environment variable holding the API key")
        self.remote_timeout = spin("Server timeout in seconds", 1, 3600, remote.timeout_s)
        form.addRow(self.remote_enabled)
        add_row(form, "Server add&ress", self.remote_url)
        add_row(form, "Model &name on the server", self.remote_model)
        add_row(form, "API &key variable", self.remote_key_env)
        self.api_key: ApiKeyField | None = None
        if api_keys is not None:  # the key itself: only in the system keyring, never in the settings
            self.api_key = ApiKeyField(api_keys, is_saved=remote.api_key_in_keyring,
                                       url=lambda: self.remote_url.text().strip(),
                                       env_var=lambda: self.remote_key_env.text().strip(), tell=tell)
            add_row(form, "API ke&y", self.api_key, buddy=self.api_key.edit)
            form.addRow(self.api_key.status)
        if on_check_server is not None:
            self.check_server_button = QPushButton("&Ask the server whether it serves the model")
            self.check_server_button.setAccessibleDescription("Asks the server above for its models (no image "
                                                              "is sent) and says whether the model name is one.")
            self.check_server_button.clicked.connect(self._check_server)
            form.addRow(self.check_server_button)
        add_row(form, "Server timeo&ut (seconds)", self.remote_timeout)
        if on_check_model is not None:
            check_button = QPushButton("&Check the model")
            check_button.setAccessibleDescription("Says where the model is on disk and whether it is complete.")
            check_button.clicked.connect(lambda: self._tell(on_check_model(self.model.text().strip())))
            form.addRow(check_button)
        if download is not None:
            self.download_button = QPushButton("Do&wnload the model")
            self.download_button.setAccessibleDescription("Fetches the model from the Hugging Face hub, resuming "
                                                          "an interrupted download.")
            self.download_button.clicked.connect(self._start_download)
            self.download_progress = QProgressBar(minimum=0, maximum=100, value=0)
            self.download_progress.setAccessibleName("Download progress")
            self.download_progress.hide()
            form.addRow(self.download_button)
            form.addRow(self.download_progress)

    def show_settings(self, model: ModelSettings, remote: RemoteSettings) -> None:
        """Put ``model`` and ``remote`` in the controls (for Restore Defaults; the API key field keeps its key)."""
        self.model.setText(model.model)
        select(self.device, model.device)
        select(self.detail, model.detail.value)
        self.remote_enabled.setChecked(remote.enabled)
        self.remote_url.setText(remote.base_url)
        self.remote_model.setText(remote.model)
        self.remote_key_env.setText(remote.api_key_env)
        self.remote_timeout.setValue(remote.timeout_s)

    def model_settings(self) -> ModelSettings:
        """The local model the controls show; SettingsError (one line) for a value that cannot be used."""
        return ModelSettings(self.model.text().strip(), self.device.currentData(), Detail(self.detail.currentData()))

    def remote_settings(self) -> RemoteSettings:
        """The remote server the controls show; SettingsError (one line) for a value that cannot be used."""
        return replace(self._remote, enabled=self.remote_enabled.isChecked(),
                       base_url=self.remote_url.text().strip(), model=self.remote_model.text().strip(),
                       api_key_env=self.remote_key_env.text().strip(), timeout_s=self.remote_timeout.value(),
                       api_key_in_keyring=self._is_key_saved())

    def _is_key_saved(self) -> bool:
        if self.api_key is None:
            return self._remote.api_key_in_keyring
        return self.api_key.is_saved_for(self.remote_url.text().strip())

    def _start_download(self) -> None:
        source = self.model.text().strip()
        if not source or Path(source).expanduser().is_dir():
            self._tell("A model folder on this computer needs no download.")
            return
        self.download_button.setEnabled(False)
        self.download_progress.setValue(0)
        self.download_progress.show()
        self._tell(f"Downloading {source}…")
        bridge = ThreadBridge(self._download_event)  # not parented: it must outlive a closed dialog
        self._download_bridge = bridge
        download = self._download
        assert download is not None  # the button exists only with a download function

        def work() -> None:
            try:
                path = download(source, progress=lambda done, total: bridge.post(("progress", done, total)))
                bridge.post(("done", f"The model is downloaded: {path}", False))
            except InkscopeError as error:
                bridge.post(("done", error.user_text, True))
            except Exception as error:  # noqa: BLE001 - shown to the user instead of a dead button
                bridge.post(("done", f"The download failed ({error}). Try again.", True))

        threading.Thread(target=work, name="inkscope-model-download", daemon=True).start()

    def _download_event(self, event: object) -> None:
        if not is_alive(self):
            return  # the dialog was closed meanwhile; the download itself went on
        assert isinstance(event, tuple)
        kind, *rest = event
        if kind == "progress":
            done, total = rest
            percent = 100 * done // total if total else 0
            if percent != self.download_progress.value():
                self.download_progress.setValue(percent)
                self.download_progress.setAccessibleDescription(f"{percent} percent")
                if percent % 25 == 0:
                    self._announce(f"Download {percent} percent")
        else:
            message, is_error = rest
            self.download_button.setEnabled(True)
            self._tell(message, is_error=is_error)

    def _check_server(self) -> None:
        if self._is_checking_server:
            return  # one check at a time; the button keeps the focus meanwhile
        try:
            remote = RemoteSettings(base_url=self.remote_url.text().strip(), model=self.remote_model.text().strip(),
                                    api_key_env=self.remote_key_env.text().strip(),
                                    timeout_s=self.remote_timeout.value(), api_key_in_keyring=self._is_key_saved())
        except InkscopeError as error:
            self._tell(error.user_text, is_error=True)
            return
        if not remote.base_url:
            self._tell("Fill in the server address first.", is_error=True)
            return
        typed_key = self.api_key.edit.text().strip() if self.api_key is not None else ""
        self._is_checking_server = True
        self._tell(f"Asking {remote.base_url}…")
        bridge = ThreadBridge(self._server_checked)  # the worker only posts here; widgets change on this thread
        self._check_bridge = bridge
        check_server = self._on_check_server
        assert check_server is not None  # the button exists only with a check function

        def work() -> None:
            try:
                bridge.post((check_server(remote, typed_key), False))
            except InkscopeError as error:
                bridge.post((error.user_text, True))
            except Exception as error:  # noqa: BLE001 - shown to the user instead of silence
                bridge.post((f"The check failed ({error}). Try again.", True))

        threading.Thread(target=work, name="inkscope-server-check", daemon=True).start()

    def _server_checked(self, event: object) -> None:
        if not is_alive(self):
            return
        assert isinstance(event, tuple)
        text, is_error = event
        self._is_checking_server = False
        self._tell(text, is_error=is_error)

    def _browse_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a model folder", self.model.text())
        if folder:
            self.model.setText(folder)
