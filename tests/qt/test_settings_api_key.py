"""The settings dialog's API key: typed hidden, saved to a real system keyring on OK, never to the settings file;
forgotten on request; one clear line when there is no keyring."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from inkscope_desktop.engines.remote.api_keys import ApiKeyStore
from inkscope_desktop.qt.settings_dialog.dialog import SettingsDialog
from inkscope_desktop.settings import RemoteSettings, Settings, SettingsStore
from tests.chat_server import fake_chat_server

URL = "https://gpu.example.org/v1"
KEY = "sk-typed-in-the-dialog-77"


def make_dialog(qtbot, remote: RemoteSettings | None = None) -> SettingsDialog:
    settings = replace(Settings(), remote=remote or RemoteSettings(enabled=True, base_url=URL, model="m"))
    dialog = SettingsDialog(settings, api_keys=ApiKeyStore())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_key_field_is_a_named_password_field_reachable_by_keyboard(qtbot, system_keyring):
    dialog = make_dialog(qtbot)
    edit, forget = dialog.model_page.api_key.edit, dialog.model_page.api_key.forget_button
    assert edit.echoMode() is QLineEdit.EchoMode.Password and edit.accessibleName() == "API key"
    assert forget.text() == "&Forget the saved key" and forget.isEnabled()
    for widget in (edit, forget):
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert dialog.model_page.api_key.status.text().startswith("No key is saved.")


def test_ok_saves_the_typed_key_in_the_keyring_and_the_file_never_holds_it(qtbot, system_keyring, tmp_path):
    dialog = make_dialog(qtbot)
    qtbot.keyClicks(dialog.model_page.api_key.edit, KEY)
    dialog.accept()
    assert dialog.result_settings is not None and dialog.result_settings.remote.api_key_in_keyring is True
    assert ApiKeyStore().read(URL) == KEY and dialog.model_page.api_key.edit.text() == ""
    store = SettingsStore(tmp_path / "settings.json")
    store.save(dialog.result_settings)
    written = (tmp_path / "settings.json").read_text()
    assert KEY not in written and '"api_key_in_keyring": true' in written
    assert SettingsStore(tmp_path / "settings.json").settings.remote.api_key_in_keyring is True


def test_forget_removes_the_key_at_once(qtbot, system_keyring):
    ApiKeyStore().save(URL, KEY)
    dialog = make_dialog(qtbot, RemoteSettings(enabled=True, base_url=URL, model="m", api_key_in_keyring=True))
    assert dialog.model_page.api_key.status.text().startswith("A key for this server is saved")
    qtbot.mouseClick(dialog.model_page.api_key.forget_button, Qt.MouseButton.LeftButton)
    assert ApiKeyStore().read(URL) == ""
    assert dialog.message == f"The API key for {URL} was removed from the system keyring."
    assert dialog.settings().remote.api_key_in_keyring is False
    dialog.model_page.api_key.forget_button.click()
    assert dialog.message == "No API key was saved for this server."


def test_a_key_saved_for_another_address_does_not_count(qtbot, system_keyring):
    dialog = make_dialog(qtbot, RemoteSettings(enabled=True, base_url=URL, model="m", api_key_in_keyring=True))
    assert dialog.settings().remote.api_key_in_keyring is True
    dialog.model_page.remote_url.setText("https://other.example.org/v1")
    assert dialog.settings().remote.api_key_in_keyring is False


def test_a_bad_setting_keeps_the_dialog_open_and_saves_no_key(qtbot, system_keyring):
    dialog = make_dialog(qtbot)
    dialog.model_page.remote_url.setText("not a url")
    dialog.model_page.api_key.edit.setText(KEY)
    dialog.accept()
    assert dialog.result_settings is None and dialog.message.startswith("Error: The server address")
    assert ApiKeyStore().read(URL) == "" and dialog.model_page.api_key.edit.text() == KEY


def test_without_a_keyring_one_line_says_which_variable_to_use(qtbot, no_keyring):
    dialog = make_dialog(qtbot, RemoteSettings(enabled=True, base_url=URL, model="m", api_key_env="GPU_KEY"))
    line = "No system keyring found: set the key in an environment variable named GPU_KEY instead."
    field = dialog.model_page.api_key
    assert field.status.text() == line and field.edit.accessibleDescription() == line
    dialog.model_page.api_key.edit.setText(KEY)
    dialog.accept()
    assert dialog.result_settings is None and dialog.message == f"Error: {line}"
    dialog.model_page.api_key.forget_button.click()
    assert dialog.message == f"Error: {line}"
    dialog.model_page.api_key.edit.clear()
    dialog.accept()
    assert dialog.result_settings is not None and dialog.result_settings.remote.api_key_in_keyring is False


@pytest.mark.parametrize("is_saved", [True, False])
def test_the_app_uses_the_keyring_only_when_a_key_was_saved(make_inkscope_app, is_saved):
    app = make_inkscope_app()
    old = app.store.settings
    new = replace(old, remote=RemoteSettings(enabled=True, base_url="http://127.0.0.1:8000/v1", model="m",
                                             api_key_in_keyring=is_saved))
    app.parts.settings_flow.save(new)
    engine = app.parts.engine_host.engine
    assert engine.name == "remote" and engine.use_keyring is is_saved


def check_dialog(qtbot, check, remote: RemoteSettings | None = None) -> SettingsDialog:
    settings = replace(Settings(), remote=remote or RemoteSettings(base_url=URL, model="m"))
    dialog = SettingsDialog(settings, api_keys=ApiKeyStore(), on_check_server=check)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_ask_the_server_runs_off_the_gui_thread_and_reports_one_line(qtbot, no_keyring):
    import threading

    seen = []

    def check(remote, typed_key):
        seen.append((remote.base_url, remote.model, typed_key, threading.current_thread() is threading.main_thread()))
        return "The server is up and serves m."

    dialog = check_dialog(qtbot, check)
    button = dialog.model_page.check_server_button
    assert button.text() == "&Ask the server whether it serves the model" and button.accessibleDescription()
    dialog.model_page.api_key.edit.setText("sk-not-saved-yet")
    button.click()
    qtbot.waitUntil(lambda: dialog.message == "The server is up and serves m.", timeout=5000)
    assert seen == [(URL, "m", "sk-not-saved-yet", False)]


def test_ask_the_server_says_what_went_wrong(qtbot, no_keyring):
    from inkscope_desktop.core.errors import ModelError

    def check(remote, typed_key):
        raise ModelError("Nothing is listening there.", "Start the server.")

    dialog = check_dialog(qtbot, check)
    dialog.model_page.check_server_button.click()
    qtbot.waitUntil(lambda: dialog.message == "Error: Nothing is listening there. Start the server.", timeout=5000)
    dialog.model_page.remote_url.clear()
    dialog.model_page.check_server_button.click()
    assert dialog.message == "Error: Fill in the server address first."


def test_the_apps_server_check_asks_a_real_server(no_keyring):
    from inkscope_desktop.qt.flows.settings_flow import _check_server

    FakeChatServer = fake_chat_server().FakeChatServer

    with FakeChatServer(models=["inkscope-2b"]) as server:
        text = _check_server(RemoteSettings(base_url=server.url, model="inkscope-2b"), "sk-typed")
    assert text == f"The server at {server.url} is up and serves inkscope-2b."
    assert server.paths == ["/v1/models"] and server.headers[0]["Authorization"] == "Bearer sk-typed"


def test_every_new_control_has_a_name_and_takes_the_keyboard(qtbot, no_keyring):
    from PySide6.QtWidgets import QAbstractButton

    dialog = check_dialog(qtbot, lambda remote, key: "")
    page = dialog.model_page.api_key.parentWidget()
    for widget in page.findChildren(QLineEdit):
        if widget.parent() is page or widget.parent() is dialog.model_page.api_key:
            assert widget.accessibleName(), widget
    for button in (dialog.model_page.api_key.forget_button, dialog.model_page.check_server_button):
        assert isinstance(button, QAbstractButton) and button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert dialog.model_page.api_key.status.accessibleName() == "API key status"
