"""The settings dialog: one tab per settings group, every control labelled and reachable by keyboard.

It edits a copy of the ``Settings``; ``settings()`` builds the new value (SettingsError, one line, when a
field is wrong) and OK only closes once that works, saying what to fix otherwise. Applying the result (rebinding
hotkeys, reloading the model, ...) is the app's job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QSpinBox, QTabWidget,
                               QVBoxLayout, QWidget)

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.types import Detail
from inkscope_desktop.engines.api_keys import ApiKeyStore
from inkscope_desktop.qt.announcer import Announcer, is_alive
from inkscope_desktop.qt.api_key_field import ApiKeyField
from inkscope_desktop.qt.chord_recorder import ChordRecorder
from inkscope_desktop.qt.thread_bridge import ThreadBridge
from inkscope_desktop.qt.video_settings_page import VideoSettingsPage
from inkscope_desktop.settings import (HotkeySettings, ModelSettings, PrivacySettings, PromptSettings, RemoteSettings,
                                       Settings, SpeechSettings, StartupSettings)

ROUTES = (("auto", "Automatic: the screen reader if one runs, else Inkscope's own voice"),
          ("screen-reader", "The screen reader"), ("own-voice", "Inkscope's own voice"), ("off", "Silent"))
DEVICES = (("auto", "Automatic (GPU when there is one)"), ("cuda", "NVIDIA GPU (CUDA)"),
           ("mps", "Apple GPU (MPS)"), ("cpu", "Processor (slow)"))
DETAILS = ((Detail.LOW, "Low: fastest"), (Detail.NORMAL, "Normal: screen text legible"),
           (Detail.HIGH, "High: small print, slowest"))


class SettingsDialog(QDialog):
    """Edit ``settings``; after ``exec()`` returns Accepted, ``result_settings`` holds the new value.

    ``voices`` are (id, name) pairs for the own voice; ``on_delete_history`` (if given) adds a button that
    deletes the saved history at once; ``on_check_model(source)`` returns a short report on that model;
    ``download(source, progress=callback)`` (if given) backs a Download button: it runs on a worker thread,
    its progress is shown in a progress bar, and it may go on after the dialog closes (it resumes anyway).
    ``api_keys`` (if given) adds the remote server's API key field: the key is saved there (the system
    keyring) on OK, never in the settings. ``on_check_server(remote, typed_key)`` (if given) backs a button that
    asks the server for its models; it runs on a worker thread and returns a one-line report.
    """

    def __init__(self, settings: Settings, *, voices: Sequence[tuple[str, str]] = (),
                 on_delete_history: Callable[[], str] | None = None,
                 on_check_model: Callable[[str], str] | None = None,
                 download: Callable[..., object] | None = None, api_keys: ApiKeyStore | None = None,
                 on_check_server: Callable[[RemoteSettings, str], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._api_keys = api_keys
        self._on_check_server = on_check_server
        self._is_checking_server = False
        self.setWindowTitle("Inkscope settings")
        self.setAccessibleName("Inkscope settings")
        self._settings = settings
        self._chords = dict(settings.hotkeys.chords)
        self._presets = dict(settings.prompts.presets)
        self.result_settings: Settings | None = None
        self._announcer = Announcer(self, self)
        self._problem = QLabel(wordWrap=True)
        self._problem.setAccessibleName("Problem")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings groups")
        self.tabs.addTab(self._hotkeys_tab(), "&Hotkeys")
        self.tabs.addTab(self._speech_tab(voices), "&Speech")
        self.tabs.addTab(self._prompts_tab(), "&Prompts")
        self._download = download
        self.tabs.addTab(self._model_tab(on_check_model), "&Model")
        self.tabs.addTab(self._privacy_tab(on_delete_history), "Pr&ivacy")
        self.video_page = VideoSettingsPage(settings.video)
        self.tabs.addTab(self.video_page, "&Video")
        self.tabs.addTab(self._startup_tab(), "S&tart")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self._restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self._problem)
        layout.addWidget(buttons)
        self.resize(640, 480)

    # --- tabs ------------------------------------------------------------------------------------
    def _hotkeys_tab(self) -> QWidget:
        page, form = _form_page("Press a key combination in a field to bind it; Backspace removes it. "
                                "Hotkeys are paused while this dialog is open.")
        self.recorders: dict[Action, ChordRecorder] = {}
        for action in Action:
            recorder = ChordRecorder(self._chords[action.value], f"Hotkey for {action.label.rstrip('…')}")
            recorder.chord_pressed.connect(lambda text, chosen=action: self._record(chosen, text))
            self.recorders[action] = recorder
            _add_row(form, action.label.rstrip("…"), recorder)
        return page

    def _speech_tab(self, voices: Sequence[tuple[str, str]]) -> QWidget:
        speech = self._settings.speech
        page, form = _form_page("Who speaks the captions, and how Inkscope's own voice sounds.")
        self.route = _combo("Speak with", ROUTES, speech.route)
        self.voice = _combo("Voice", (("", "System default"), *voices), speech.voice or "")
        self.rate = _spin("Speech rate in words per minute", 80, 450, speech.rate)
        self.volume = _spin("Volume in percent", 0, 100, round(speech.volume * 100))
        self.speak_automatically = _check("Speak each new caption as it is written", speech.speak_automatically)
        for label, widget in (("Speak &with", self.route), ("&Voice", self.voice), ("&Rate (words a minute)", self.rate),
                              ("Vol&ume (%)", self.volume)):
            _add_row(form, label, widget)
        form.addRow(self.speak_automatically)
        return page

    def _prompts_tab(self) -> QWidget:
        prompts = self._settings.prompts
        page, form = _form_page("What the model is asked. Hotkey captions use the default preset.")
        names = tuple((name, name) for name in self._presets)
        self.default_preset = _combo("Default preset", names, prompts.default_preset)
        self.preset_choice = _combo("Preset to edit", names, prompts.default_preset)
        self.preset_text = QPlainTextEdit(self._presets[prompts.default_preset])
        self.preset_text.setAccessibleName("Preset text")
        self.preset_text.setTabChangesFocus(True)
        self.preset_choice.currentIndexChanged.connect(self._show_preset)
        self.preset_text.textChanged.connect(self._keep_preset)
        self.language = QLineEdit(prompts.language or "", placeholderText="The model's choice (usually English)")
        self.language.setAccessibleName("Reply language")
        for label, widget in (("&Default preset", self.default_preset), ("&Edit preset", self.preset_choice),
                              ("Preset te&xt", self.preset_text), ("Reply &language", self.language)):
            _add_row(form, label, widget)
        return page

    def _model_tab(self, on_check_model: Callable[[str], str] | None) -> QWidget:
        model = self._settings.model
        page, form = _form_page("Changes here reload the model in the background.")
        self.model = QLineEdit(model.model)
        self.model.setAccessibleName("Model: hub id or folder")
        browse = QPushButton("&Browse for a folder…")
        browse.clicked.connect(self._browse_model)
        row = QHBoxLayout()
        row.addWidget(self.model)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        self.device = _combo("Device", DEVICES, model.device if model.device in dict(DEVICES) else "auto")
        self.detail = _combo("Detail level", tuple((d.value, text) for d, text in DETAILS), model.detail.value)
        _add_row(form, "M&odel (hub id or folder)", holder, buddy=self.model)
        _add_row(form, "&Device", self.device)
        _add_row(form, "Detail &level", self.detail)
        remote = self._settings.remote
        self.remote_enabled = _check("Describe with a remote server (OpenAI-compatible) instead of this computer",
                                     remote.enabled)
        self.remote_url = QLineEdit(remote.base_url, placeholderText="http://127.0.0.1:8000/v1")
        self.remote_url.setAccessibleName("Server address")
        self.remote_model = QLineEdit(remote.model)
        self.remote_model.setAccessibleName("Model name on the server")
        self.remote_key_env = QLineEdit(remote.api_key_env)
        self.remote_key_env.setAccessibleName("Environment variable holding the API key")
        self.remote_timeout = _spin("Server timeout in seconds", 1, 3600, remote.timeout_s)
        form.addRow(self.remote_enabled)
        _add_row(form, "Server add&ress", self.remote_url)
        _add_row(form, "Model &name on the server", self.remote_model)
        _add_row(form, "API &key variable", self.remote_key_env)
        self.api_key: ApiKeyField | None = None
        if self._api_keys is not None:  # the key itself: only in the system keyring, never in the settings
            self.api_key = ApiKeyField(self._api_keys, is_saved=remote.api_key_in_keyring,
                                       url=lambda: self.remote_url.text().strip(),
                                       env_var=lambda: self.remote_key_env.text().strip(),
                                       tell=lambda text, is_error: self._tell(text, is_error=is_error))
            _add_row(form, "API ke&y", self.api_key, buddy=self.api_key.edit)
            form.addRow(self.api_key.status)
        if self._on_check_server is not None:
            self.check_server_button = QPushButton("&Ask the server whether it serves the model")
            self.check_server_button.setAccessibleDescription("Asks the server above for its models (no image "
                                                              "is sent) and says whether the model name is one.")
            self.check_server_button.clicked.connect(self._check_server)
            form.addRow(self.check_server_button)
        _add_row(form, "Server timeo&ut (seconds)", self.remote_timeout)
        if on_check_model is not None:
            check = QPushButton("&Check the model")
            check.setAccessibleDescription("Says where the model is on disk and whether it is complete.")
            check.clicked.connect(lambda: self._tell(on_check_model(self.model.text().strip())))
            form.addRow(check)
        if self._download is not None:
            self.download_button = QPushButton("Do&wnload the model")
            self.download_button.setAccessibleDescription("Fetches the model from the Hugging Face hub, resuming "
                                                          "an interrupted download.")
            self.download_button.clicked.connect(self._start_download)
            self.download_progress = QProgressBar(minimum=0, maximum=100, value=0)
            self.download_progress.setAccessibleName("Download progress")
            self.download_progress.hide()
            form.addRow(self.download_button)
            form.addRow(self.download_progress)
        return page

    def _privacy_tab(self, on_delete_history: Callable[[], str] | None) -> QWidget:
        privacy = self._settings.privacy
        page, form = _form_page("Nothing leaves this computer. Screenshots are saved only as history thumbnails, "
                                "and only when that is on.")
        self.history = _check("Keep a history of captions", privacy.history)
        self.thumbnails = _check("Keep small thumbnails of described images in the history", privacy.thumbnails)
        self.retention_days = _spin("Keep history for days (0: no limit)", 0, 36_500, privacy.retention_days)
        self.max_entries = _spin("Keep at most this many captions (0: no limit)", 0, 1_000_000, privacy.max_entries)
        form.addRow(self.history)
        form.addRow(self.thumbnails)
        _add_row(form, "Keep for &days (0: no limit)", self.retention_days)
        _add_row(form, "Keep at m&ost (captions, 0: no limit)", self.max_entries)
        if on_delete_history is not None:
            delete = QPushButton("D&elete all history now")
            delete.clicked.connect(lambda: self._tell(on_delete_history()))
            form.addRow(delete)
        return page

    def _startup_tab(self) -> QWidget:
        page, form = _form_page("")
        self.start_at_login = _check("Start Inkscope when I log in", self._settings.startup.start_at_login)
        form.addRow(self.start_at_login)
        return page

    # --- behaviour -------------------------------------------------------------------------------
    def settings(self) -> Settings:
        """The settings as the controls show them; SettingsError (one line) for a value that cannot be used."""
        language = self.language.text().strip() or None
        return replace(
            self._settings,
            hotkeys=HotkeySettings(self._chords),
            speech=SpeechSettings(route=self.route.currentData(), voice=self.voice.currentData() or None,
                                  rate=self.rate.value(), volume=self.volume.value() / 100,
                                  speak_automatically=self.speak_automatically.isChecked()),
            prompts=PromptSettings(self._presets, self.default_preset.currentData(), language),
            model=ModelSettings(self.model.text().strip(), self.device.currentData(),
                                Detail(self.detail.currentData())),
            remote=replace(self._settings.remote, enabled=self.remote_enabled.isChecked(),
                           base_url=self.remote_url.text().strip(), model=self.remote_model.text().strip(),
                           api_key_env=self.remote_key_env.text().strip(), timeout_s=self.remote_timeout.value(),
                           api_key_in_keyring=self._is_key_saved()),
            privacy=PrivacySettings(self.history.isChecked(), self.thumbnails.isChecked(),
                                    self.retention_days.value(), self.max_entries.value()),
            video=self.video_page.settings(),
            startup=StartupSettings(self.start_at_login.isChecked()),
        )

    def _is_key_saved(self) -> bool:
        if self.api_key is None:
            return self._settings.remote.api_key_in_keyring
        return self.api_key.is_saved_for(self.remote_url.text().strip())

    def accept(self) -> None:
        try:
            self.settings()  # a bad value is refused before a typed key is saved
            if self.api_key is not None:
                self.api_key.save_typed()
            self.result_settings = self.settings()
        except InkscopeError as error:
            self._tell(error.user_text, is_error=True)
            return
        super().accept()

    def _record(self, action: Action, text: str) -> None:
        try:
            HotkeySettings(self._chords).with_chord(action, text)
        except InkscopeError as error:
            self._tell(error.user_text, is_error=True)
            return
        self._chords[action.value] = text
        self.recorders[action].setText(text)
        self._tell(f"{action.label.rstrip('…')}: {text or 'no hotkey'}")

    def _show_preset(self) -> None:
        self.preset_text.blockSignals(True)
        self.preset_text.setPlainText(self._presets[self.preset_choice.currentData()])
        self.preset_text.blockSignals(False)

    def _keep_preset(self) -> None:
        self._presets[self.preset_choice.currentData()] = self.preset_text.toPlainText()

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

        def work() -> None:
            try:
                path = download(source, progress=lambda done, total: bridge.post(("progress", done, total)))
                bridge.post(("done", f"The model is downloaded: {path}", False))
            except InkscopeError as error:
                bridge.post(("done", error.user_text, True))
            except Exception as error:  # noqa: BLE001 - shown to the user instead of a dead button
                bridge.post(("done", f"The download failed ({error}). Try again.", True))

        threading.Thread(target=work, name="inkscope-model-download", daemon=True).start()

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
        check = self._on_check_server

        def work() -> None:
            try:
                bridge.post((check(remote, typed_key), False))
            except InkscopeError as error:
                bridge.post((error.user_text, True))
            except Exception as error:  # noqa: BLE001 - shown to the user instead of silence
                bridge.post((f"The check failed ({error}). Try again.", True))

        threading.Thread(target=work, name="inkscope-server-check", daemon=True).start()

    def _server_checked(self, event: object) -> None:
        if not is_alive(self):
            return
        text, is_error = event
        self._is_checking_server = False
        self._tell(text, is_error=is_error)

    def _download_event(self, event: object) -> None:
        if not is_alive(self):
            return  # the dialog was closed meanwhile; the download itself went on
        kind, *rest = event
        if kind == "progress":
            done, total = rest
            percent = 100 * done // total if total else 0
            if percent != self.download_progress.value():
                self.download_progress.setValue(percent)
                self.download_progress.setAccessibleDescription(f"{percent} percent")
                if percent % 25 == 0:
                    self._announcer.announce(f"Download {percent} percent")
        else:
            message, is_error = rest
            self.download_button.setEnabled(True)
            self._tell(message, is_error=is_error)

    def _browse_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a model folder", self.model.text())
        if folder:
            self.model.setText(folder)

    def _restore_defaults(self) -> None:
        defaults = Settings()
        self._chords = dict(defaults.hotkeys.chords)
        for action, recorder in self.recorders.items():
            recorder.setText(self._chords[action.value])
        self._presets = dict(defaults.prompts.presets)
        self._show_preset()
        _select(self.default_preset, defaults.prompts.default_preset)
        self.language.clear()
        _select(self.route, defaults.speech.route)
        _select(self.voice, "")
        self.rate.setValue(defaults.speech.rate)
        self.volume.setValue(round(defaults.speech.volume * 100))
        self.speak_automatically.setChecked(defaults.speech.speak_automatically)
        self.model.setText(defaults.model.model)
        _select(self.device, defaults.model.device)
        _select(self.detail, defaults.model.detail.value)
        self.remote_enabled.setChecked(defaults.remote.enabled)
        self.remote_url.setText(defaults.remote.base_url)
        self.remote_model.setText(defaults.remote.model)
        self.remote_key_env.setText(defaults.remote.api_key_env)
        self.remote_timeout.setValue(defaults.remote.timeout_s)
        self.history.setChecked(defaults.privacy.history)
        self.thumbnails.setChecked(defaults.privacy.thumbnails)
        self.retention_days.setValue(defaults.privacy.retention_days)
        self.max_entries.setValue(defaults.privacy.max_entries)
        self.video_page.show_settings(defaults.video)
        self.start_at_login.setChecked(defaults.startup.start_at_login)
        self._tell("Every setting shows its default now; OK keeps them.")

    def _tell(self, text: str, *, is_error: bool = False) -> None:
        """Show ``text`` under the tabs (prefixed "Error:" for problems) and announce it."""
        self._problem.setText(f"Error: {text}" if is_error else text)
        self._announcer.announce(text, is_assertive=is_error)

    @property
    def message(self) -> str:
        return self._problem.text()


def _form_page(intro: str) -> tuple[QWidget, QFormLayout]:
    page = QWidget()
    form = QFormLayout(page)
    if intro:
        label = QLabel(intro, wordWrap=True)
        form.addRow(label)
    return page, form


def _add_row(form: QFormLayout, label: str, widget: QWidget, *, buddy: QWidget | None = None) -> None:
    text = QLabel(label)
    text.setBuddy(buddy or widget)  # Alt+letter goes there, and screen readers read the label with it
    form.addRow(text, widget)


def _combo(name: str, items: Sequence[tuple[str, str]], current: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for data, text in items:
        combo.addItem(text, data)
    _select(combo, current)
    return combo


def _select(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(index if index >= 0 else 0)


def _spin(name: str, low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox(minimum=low, maximum=high, value=value)
    spin.setAccessibleName(name)
    return spin


def _check(text: str, checked: bool) -> QCheckBox:
    box = QCheckBox(text, checked=checked)
    box.setAccessibleName(text)
    return box
