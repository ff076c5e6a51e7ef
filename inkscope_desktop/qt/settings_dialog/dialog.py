"""The settings dialog: one tab per settings group, every control labelled and reachable by keyboard.

It edits a copy of the ``Settings``; ``settings()`` builds the new value (SettingsError, one line, when a
field is wrong) and OK only closes once that works, saying what to fix otherwise. Applying the result (rebinding
hotkeys, reloading the model, ...) is the app's job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QLineEdit, QPlainTextEdit, QTabWidget, QVBoxLayout,
                               QWidget)

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.vocabulary import RATE_RANGE, SpeechRoute
from inkscope_desktop.engines.remote.api_keys import ApiKeyStore
from inkscope_desktop.qt.widgets.announcer import Announcer
from inkscope_desktop.qt.settings_dialog.chord_recorder import ChordRecorder
from inkscope_desktop.qt.settings_dialog.model_page import ModelSettingsPage
from inkscope_desktop.qt.settings_dialog.privacy_page import PrivacySettingsPage
from inkscope_desktop.qt.settings_dialog.tab_bar import FocusMarkedTabBar
from inkscope_desktop.qt.settings_dialog.form import add_row, check, combo, form_page, select, spin
from inkscope_desktop.qt.settings_dialog.video_page import VideoSettingsPage
from inkscope_desktop.settings import (HotkeySettings, PromptSettings, RemoteSettings, Settings, SpeechSettings,
                                       StartupSettings, WindowSettings)

_ROUTE_LABELS = {SpeechRoute.AUTO: "Automatic: the screen reader if one runs, else Inkscope's own voice",
                 SpeechRoute.SCREEN_READER: "The screen reader", SpeechRoute.OWN_VOICE: "Inkscope's own voice",
                 SpeechRoute.OFF: "Silent"}
ROUTES = tuple((route.value, _ROUTE_LABELS[route]) for route in SpeechRoute)


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
        self.tabs.setTabBar(FocusMarkedTabBar(self.tabs))
        self.tabs.addTab(self._hotkeys_tab(), "&Hotkeys")
        self.tabs.addTab(self._speech_tab(voices), "&Speech")
        self.tabs.addTab(self._prompts_tab(), "&Prompts")
        self.model_page = ModelSettingsPage(settings.model, settings.remote,
                                            tell=lambda text, is_error: self._tell(text, is_error=is_error),
                                            announce=self._announcer.announce, on_check_model=on_check_model,
                                            download=download, api_keys=api_keys, on_check_server=on_check_server)
        self.tabs.addTab(self.model_page, "&Model")
        self.privacy_page = PrivacySettingsPage(settings.privacy, on_delete_history=on_delete_history, tell=self._tell)
        self.tabs.addTab(self.privacy_page, "Pr&ivacy")
        self.video_page = VideoSettingsPage(settings.video)
        self.tabs.addTab(self.video_page, "&Video")
        self.tabs.addTab(self._startup_tab(), "&Window and start")
        for key, step in ((Qt.Key.Key_PageDown, 1), (Qt.Key.Key_PageUp, -1)):  # next / previous tab, as elsewhere
            QShortcut(QKeySequence(Qt.KeyboardModifier.ControlModifier | key), self,
                      lambda step=step: self._step_tab(step))
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
        page, form = form_page("Press a key combination in a field to bind it; Backspace removes it. Tab, "
                               "Ctrl+Tab, Esc and Enter keep their usual meaning. Hotkeys are paused while this "
                               "dialog is open.")
        self.recorders: dict[Action, ChordRecorder] = {}
        for action in Action:
            recorder = ChordRecorder(self._chords[action.value], f"Hotkey for {action.label.rstrip('…')}")
            recorder.chord_pressed.connect(lambda text, chosen=action: self._record(chosen, text))
            self.recorders[action] = recorder
            add_row(form, action.label.rstrip("…"), recorder)
        return page

    def _speech_tab(self, voices: Sequence[tuple[str, str]]) -> QWidget:
        speech = self._settings.speech
        page, form = form_page("Who speaks the captions, and how Inkscope's own voice sounds.")
        self.route = combo("Speak with", ROUTES, speech.route)
        self.voice = combo("Voice", (("", "System default"), *voices), speech.voice or "")
        self.rate = spin("Speech rate in words per minute", *RATE_RANGE, speech.rate)
        self.volume = spin("Volume in percent", 0, 100, round(speech.volume * 100))
        self.speak_automatically = check("Speak each new caption as it is written", speech.speak_automatically)
        for label, widget in (("Speak &with", self.route), ("&Voice", self.voice),
                              ("&Rate (words a minute)", self.rate), ("Vol&ume (%)", self.volume)):
            add_row(form, label, widget)
        form.addRow(self.speak_automatically)
        return page

    def _prompts_tab(self) -> QWidget:
        prompts = self._settings.prompts
        page, form = form_page("What the model is asked. Hotkey captions use the default preset.")
        names = tuple((name, name) for name in self._presets)
        self.default_preset = combo("Default preset", names, prompts.default_preset)
        self.preset_choice = combo("Preset to edit", names, prompts.default_preset)
        self.preset_text = QPlainTextEdit(self._presets[prompts.default_preset])
        self.preset_text.setAccessibleName("Preset text")
        self.preset_text.setTabChangesFocus(True)
        self.preset_choice.currentIndexChanged.connect(self._show_preset)
        self.preset_text.textChanged.connect(self._keep_preset)
        self.language = QLineEdit(prompts.language or "", placeholderText="The model's choice (usually English)")
        self.language.setAccessibleName("Reply language")
        for label, widget in (("&Default preset", self.default_preset), ("&Edit preset", self.preset_choice),
                              ("Preset te&xt", self.preset_text), ("Reply &language", self.language)):
            add_row(form, label, widget)
        return page

    def _startup_tab(self) -> QWidget:
        page, form = form_page("With a tray icon, the caption window can show each description as it is written; "
                               "the keyboard stays in your program unless you move it there.")
        window = self._settings.window
        self.show_each = check("Show the caption window for each description (with a tray icon)",
                               window.show_for_each_description)
        self.focus_each = check("Move focus to the caption window for each description",
                                window.focus_for_each_description)
        self.start_at_login = check("Start Inkscope when I log in", self._settings.startup.start_at_login)
        for box in (self.show_each, self.focus_each, self.start_at_login):
            form.addRow(box)
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
            model=self.model_page.model_settings(),
            remote=self.model_page.remote_settings(),
            privacy=self.privacy_page.settings(),
            video=self.video_page.settings(),
            startup=StartupSettings(self.start_at_login.isChecked()),
            window=WindowSettings(self.show_each.isChecked(), self.focus_each.isChecked()),
        )

    def accept(self) -> None:
        try:
            self.settings()  # a bad value is refused before a typed key is saved
            if self.model_page.api_key is not None:
                self.model_page.api_key.save_typed()
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

    def _step_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def _show_preset(self) -> None:
        self.preset_text.blockSignals(True)
        self.preset_text.setPlainText(self._presets[self.preset_choice.currentData()])
        self.preset_text.blockSignals(False)

    def _keep_preset(self) -> None:
        self._presets[self.preset_choice.currentData()] = self.preset_text.toPlainText()

    def _restore_defaults(self) -> None:
        defaults = Settings()
        self._chords = dict(defaults.hotkeys.chords)
        for action, recorder in self.recorders.items():
            recorder.setText(self._chords[action.value])
        self._presets = dict(defaults.prompts.presets)
        self._show_preset()
        select(self.default_preset, defaults.prompts.default_preset)
        self.language.clear()
        select(self.route, defaults.speech.route)
        select(self.voice, "")
        self.rate.setValue(defaults.speech.rate)
        self.volume.setValue(round(defaults.speech.volume * 100))
        self.speak_automatically.setChecked(defaults.speech.speak_automatically)
        self.model_page.show_settings(defaults.model, defaults.remote)
        self.privacy_page.show_settings(defaults.privacy)
        self.video_page.show_settings(defaults.video)
        self.start_at_login.setChecked(defaults.startup.start_at_login)
        self.show_each.setChecked(defaults.window.show_for_each_description)
        self.focus_each.setChecked(defaults.window.focus_for_each_description)
        self._tell("Every setting shows its default now; OK keeps them.")

    def _tell(self, text: str, *, is_error: bool = False) -> None:
        """Show ``text`` under the tabs (prefixed "Error:" for problems) and announce it."""
        self._problem.setText(f"Error: {text}" if is_error else text)
        self._announcer.announce(text, is_assertive=is_error)

    @property
    def message(self) -> str:
        return self._problem.text()
