"""The settings dialog: chords recorded by pressing them, conflicts refused with a message, every field read
back into Settings, OK refusing bad values, defaults restored, and a name on every control."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.types import Detail
from inkscope_desktop.qt.settings_dialog.dialog import SettingsDialog
from inkscope_desktop.settings import HotkeySettings, Settings, SpeechSettings

CTRL_ALT_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | \
    Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def dialog(qtbot):
    made = SettingsDialog(Settings(), voices=[("english", "English")], on_delete_history=lambda: "History deleted.",
                          on_check_model=lambda source: f"Checked {source}.")
    qtbot.addWidget(made)
    made.show()
    return made


def test_unchanged_controls_give_back_the_same_settings(dialog):
    assert dialog.settings() == Settings()


def test_pressing_a_chord_in_a_field_binds_it(qtbot, dialog):
    recorder = dialog.recorders[Action.DESCRIBE_SCREEN]
    recorder.setFocus()
    qtbot.keyClick(recorder, Qt.Key.Key_Control)  # a modifier alone records nothing
    assert recorder.text() == "Ctrl+Alt+Shift+D"
    qtbot.keyClick(recorder, Qt.Key.Key_Y, CTRL_ALT_SHIFT)
    assert recorder.text() == "Ctrl+Alt+Shift+Y"
    qtbot.keyClick(dialog.recorders[Action.SHOW_WINDOW], Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier)
    result = dialog.settings().hotkeys
    assert result.chord(Action.DESCRIBE_SCREEN) == "Ctrl+Alt+Shift+Y"
    assert result.chord(Action.SHOW_WINDOW) == "Ctrl+F9"
    assert dialog.message == "Show window: Ctrl+F9"  # each change is said back


def test_a_chord_another_action_has_is_refused_with_a_message(qtbot, dialog):
    recorder = dialog.recorders[Action.DESCRIBE_SCREEN]
    qtbot.keyClick(recorder, Qt.Key.Key_W, CTRL_ALT_SHIFT)  # describe-window's chord
    assert recorder.text() == "Ctrl+Alt+Shift+D"
    assert dialog.message.startswith("Error:") and "Ctrl+Alt+Shift+W" in dialog.message
    assert dialog.settings().hotkeys == HotkeySettings()


def test_backspace_unbinds_and_tab_still_moves_on(qtbot, dialog):
    recorder = dialog.recorders[Action.REPEAT_LAST]
    recorder.setFocus()
    qtbot.keyClick(recorder, Qt.Key.Key_Backspace)
    assert recorder.text() == "" and dialog.settings().hotkeys.chord(Action.REPEAT_LAST) == ""
    assert Action.REPEAT_LAST not in dialog.settings().hotkeys.bindings()
    qtbot.keyClick(recorder, Qt.Key.Key_Tab)
    assert recorder.text() == "" and not recorder.hasFocus()


CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
NO_MODIFIER, KEYPAD = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier
NAVIGATION = [  # (key, modifiers, what it does in the dialog)
    (Qt.Key.Key_Tab, NO_MODIFIER, "focus"), (Qt.Key.Key_Backtab, SHIFT, "focus"),
    (Qt.Key.Key_Tab, CTRL, "tab"), (Qt.Key.Key_Backtab, CTRL | SHIFT, "tab"), (Qt.Key.Key_Tab, CTRL | SHIFT, "tab"),
    (Qt.Key.Key_PageDown, CTRL, "tab"), (Qt.Key.Key_PageUp, CTRL, "tab"),
    (Qt.Key.Key_Escape, NO_MODIFIER, "cancel"), (Qt.Key.Key_Return, NO_MODIFIER, "ok"),
    (Qt.Key.Key_Enter, KEYPAD, "ok"),
]


@pytest.mark.parametrize("key, modifiers, meaning", NAVIGATION,
                         ids=["Tab", "Shift+Tab", "Ctrl+Tab", "Ctrl+Shift+Backtab", "Ctrl+Shift+Tab", "Ctrl+PageDown",
                              "Ctrl+PageUp", "Esc", "Enter", "keypad-Enter"])
def test_navigation_keys_keep_their_meaning_and_are_never_recorded(qtbot, dialog, key, modifiers, meaning):
    dialog.activateWindow()  # the dialog's shortcuts work in its active window, as when a user opens it
    qtbot.waitActive(dialog)
    dialog.tabs.setCurrentIndex(0)
    recorder = dialog.recorders[Action.DESCRIBE_WINDOW]
    recorder.setFocus()
    qtbot.keyClick(recorder, key, modifiers)
    assert recorder.text() == "Ctrl+Alt+Shift+W" and not dialog.message.startswith("Error")
    assert dialog.settings().hotkeys == HotkeySettings()
    if meaning == "focus":
        assert not recorder.hasFocus() and dialog.isVisible()
    elif meaning == "tab":
        forward = key == Qt.Key.Key_PageDown or (key == Qt.Key.Key_Tab and modifiers == CTRL)
        assert dialog.tabs.currentIndex() == (1 if forward else dialog.tabs.count() - 1)
    elif meaning == "cancel":
        assert not dialog.isVisible() and dialog.result() == SettingsDialog.DialogCode.Rejected
    else:
        assert not dialog.isVisible() and dialog.result() == SettingsDialog.DialogCode.Accepted
        assert dialog.result_settings == Settings()


def test_ctrl_page_down_and_up_walk_the_tabs_from_any_field(qtbot, dialog):
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    dialog.tabs.setCurrentIndex(1)
    dialog.rate.setFocus()
    qtbot.keyClick(dialog.rate, Qt.Key.Key_PageDown, CTRL)
    assert dialog.tabs.currentIndex() == 2
    qtbot.keyClick(dialog.preset_text, Qt.Key.Key_PageUp, CTRL)
    assert dialog.tabs.currentIndex() == 1 and dialog.rate.value() == Settings().speech.rate


def test_a_hotkey_field_says_how_to_record_a_chord(dialog):
    recorder = dialog.recorders[Action.REPEAT_LAST]
    description = recorder.accessibleDescription()
    assert "Ctrl+Alt+Shift" in description and "Backspace" in description
    for key in ("Tab", "Ctrl+Tab", "Esc", "Enter"):
        assert key in description
    recorder.setText("")
    assert "press" in recorder.placeholderText().lower()


def test_every_field_is_read_back(qtbot, dialog):
    dialog.route.setCurrentIndex(dialog.route.findData("own-voice"))
    dialog.voice.setCurrentIndex(dialog.voice.findData("english"))
    dialog.rate.setValue(240)
    dialog.volume.setValue(55)
    dialog.speak_automatically.setChecked(False)
    dialog.preset_choice.setCurrentIndex(dialog.preset_choice.findData("brief"))
    dialog.preset_text.setPlainText("Say it in five words.")
    dialog.default_preset.setCurrentIndex(dialog.default_preset.findData("brief"))
    dialog.language.setText("German")
    dialog.model_page.model.setText("/models/inkscope")
    dialog.model_page.device.setCurrentIndex(dialog.model_page.device.findData("cpu"))
    dialog.model_page.detail.setCurrentIndex(dialog.model_page.detail.findData("high"))
    dialog.privacy_page.history.setChecked(False)
    dialog.privacy_page.thumbnails.setChecked(True)
    dialog.privacy_page.retention_days.setValue(7)
    dialog.privacy_page.max_entries.setValue(50)
    dialog.start_at_login.setChecked(True)
    result = dialog.settings()
    assert result.speech == SpeechSettings("own-voice", "english", 240, 0.55, False)
    assert result.prompts.prompt() == "Say it in five words." and result.prompts.language == "German"
    assert result.prompts.presets["screen"] == Settings().prompts.presets["screen"]
    assert (result.model.model, result.model.device, result.model.detail) == ("/models/inkscope", "cpu", Detail.HIGH)
    assert (result.privacy.history, result.privacy.thumbnails) == (False, True)
    assert (result.privacy.retention_days, result.privacy.max_entries) == (7, 50)
    assert result.startup.start_at_login is True

    dialog.accept()
    assert dialog.result_settings == result


def test_ok_with_a_bad_value_stays_open_and_says_what_to_fix(qtbot, dialog):
    dialog.model_page.model.setText("   ")
    dialog.accept()
    assert dialog.isVisible() and dialog.result_settings is None
    assert dialog.message.startswith("Error: ") and "model" in dialog.message.lower()


def test_restore_defaults_resets_every_group(qtbot, dialog):
    qtbot.keyClick(dialog.recorders[Action.DESCRIBE_SCREEN], Qt.Key.Key_Y, CTRL_ALT_SHIFT)
    dialog.rate.setValue(300)
    dialog.privacy_page.history.setChecked(False)
    dialog.preset_text.setPlainText("Changed.")
    dialog._restore_defaults()
    assert dialog.settings() == Settings()


def test_the_buttons_for_history_and_the_model_report_back(qtbot, dialog):
    buttons = {button.text(): button for button in dialog.findChildren(QAbstractButton)}
    buttons["D&elete all history now"].click()
    assert dialog.message == "History deleted."
    buttons["&Check the model"].click()
    assert dialog.message == f"Checked {Settings().model.model}."


def test_every_control_has_an_accessible_name(dialog):
    for kind in (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit):
        for widget in dialog.findChildren(kind):
            if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
                continue  # the line edit inside a combo or spin box is named by its owner
            assert widget.accessibleName(), widget
    for button in dialog.findChildren(QAbstractButton):
        assert button.accessibleName() or button.text(), button


def download_dialog(qtbot, download):
    made = SettingsDialog(Settings(), download=download)
    qtbot.addWidget(made)
    made.show()
    return made


def test_the_download_button_shows_progress_and_the_result(qtbot, tmp_path):
    seen = []

    def download(source, progress):
        seen.append(source)
        for done in (0, 250, 500, 1000):
            progress(done, 1000)
        return tmp_path / "snapshot"

    made = download_dialog(qtbot, download)
    made.model_page.download_button.click()
    assert not made.model_page.download_button.isEnabled()
    qtbot.waitUntil(lambda: made.model_page.download_button.isEnabled(), timeout=5000)
    assert seen == [Settings().model.model]
    progress = made.model_page.download_progress
    assert progress.value() == 100 and not progress.isHidden()
    assert made.message == f"The model is downloaded: {tmp_path / 'snapshot'}"


def test_a_failed_download_says_why_and_a_folder_needs_none(qtbot, tmp_path):
    from inkscope_desktop.core.errors import ModelNotFoundError

    def download(source, progress):
        raise ModelNotFoundError("The hub could not be reached.", "Check the connection.")

    made = download_dialog(qtbot, download)
    made.model_page.download_button.click()
    qtbot.waitUntil(lambda: made.model_page.download_button.isEnabled(), timeout=5000)
    assert made.message == "Error: The hub could not be reached. Check the connection."
    made.model_page.model.setText(str(tmp_path))
    made.model_page.download_button.click()
    assert made.message == "A model folder on this computer needs no download."


@pytest.mark.parametrize("field", ["rate", "language", "route", "start_at_login", "tab row"])
def test_enter_outside_a_hotkey_field_presses_ok(qtbot, dialog, field):
    widget = dialog.tabs.tabBar() if field == "tab row" else getattr(dialog, field)
    if field != "tab row":
        dialog.tabs.setCurrentIndex(next(index for index in range(dialog.tabs.count())
                                         if dialog.tabs.widget(index).isAncestorOf(widget)))
    widget.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_the_current_tab_is_framed_in_the_highlight_colour_while_the_tab_row_has_the_focus(qtbot, dialog):
    bar = dialog.tabs.tabBar()
    highlight = bar.palette().highlight().color().rgb()
    rect = bar.tabRect(bar.currentIndex())

    def highlighted_pixels() -> int:
        image = bar.grab().toImage()
        return sum(image.pixel(x, rect.top() + 2) == highlight for x in range(rect.left(), rect.right()))

    dialog.rate.setFocus()
    qtbot.waitUntil(lambda: not bar.hasFocus(), timeout=1000)
    without = highlighted_pixels()
    bar.setFocus()
    qtbot.waitUntil(bar.hasFocus, timeout=1000)
    assert highlighted_pixels() > without + rect.width() // 2  # a frame along the tab's top edge
