"""The running app takes new settings without a restart: saved, hotkey labels, prompts, the model reloaded;
a broken settings file is reported once at start."""

from __future__ import annotations

from dataclasses import replace

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.qt.app import InkscopeApp
from inkscope_desktop.settings import ModelSettings, PromptSettings, RemoteSettings, Settings, SettingsStore

WAIT_MS = 10_000


@pytest.fixture
def make_app(make_inkscope_app):
    return make_inkscope_app


def menu_text(app: InkscopeApp, action: Action) -> str:
    return next(a.text() for a in app.parts.menu_actions if a is not None and a.data() == action.value)


def test_new_settings_are_saved_and_used_at_once(qtbot, make_app, tmp_path):
    app = make_app()
    old = app.store.settings
    new = replace(old, hotkeys=old.hotkeys.with_chord(Action.DESCRIBE_SCREEN, "Ctrl+Alt+Shift+Y"),
                  prompts=PromptSettings(default_preset="brief", language="German"))
    app.parts.settings_flow.save(new)
    assert SettingsStore(tmp_path / "settings.json").load() == new
    assert menu_text(app, Action.DESCRIBE_SCREEN) == "Describe screen\tCtrl+Alt+Shift+Y"
    assert app.parts.describe.options.prompt == new.prompts.prompt("brief")
    assert app.parts.describe.options.language == "German"
    assert app.window.messages()[0] == "Settings saved."
    assert any(a is not None and a.text() == "S&ettings…" for a in app.parts.menu_actions)


def test_a_new_model_is_loaded_in_the_background(qtbot, make_app, tmp_path):
    app = make_app()
    app.start()
    first = app.parts.engine_host.jobs
    qtbot.waitUntil(lambda: first.engine.is_loaded, timeout=WAIT_MS)
    old = app.store.settings
    errors = []
    app.window.error_shown.connect(errors.append)
    app.parts.settings_flow.save(replace(old, model=ModelSettings(str(tmp_path / "no-such-model"), "cpu")))
    assert app.parts.engine_host.jobs is not first
    qtbot.waitUntil(lambda: any("no-such-model" in error for error in errors), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not first.engine.is_loaded, timeout=WAIT_MS)  # the old model's memory is freed


def test_command_line_options_override_the_settings_for_this_run(make_app):
    app = make_app("--preset", "text", "--detail", "high")
    assert app.parts.describe.options.prompt == Settings().prompts.prompt("text")
    assert app.parts.describe.options.detail.value == "high"


def test_a_broken_settings_file_is_reported_once_at_start(qtbot, make_app, tmp_path):
    (tmp_path / "settings.json").write_text("{ not json", encoding="utf-8")
    app = make_app()
    errors = []
    app.window.error_shown.connect(errors.append)
    app.start()
    assert len(errors) == 1 and "settings" in errors[0].lower()
    assert list(tmp_path.glob("settings.json.broken-*"))


def test_the_own_voices_are_read_for_the_dialog(make_app):
    app = make_app()
    app.parts.settings_flow.read_voices()  # what start() runs on a worker thread
    names = [name for _, name in app.parts.settings_flow.voices]
    assert names and names == sorted(names, key=str.casefold)


def remote(url: str) -> RemoteSettings:
    return RemoteSettings(enabled=True, base_url=url, model="inkscope")


def test_a_remote_server_on_this_machine_is_used_without_asking(make_inkscope_app):
    asked = []
    app = make_inkscope_app(confirm_remote=lambda url: asked.append(url) or True)
    old = app.store.settings
    app.parts.settings_flow.save(replace(old, remote=remote("http://127.0.0.1:8000/v1")))
    assert app.parts.engine_host.engine.name == "remote" and asked == []


def test_images_go_to_another_machine_only_after_the_user_agrees(make_inkscope_app):
    answers, asked = [False, True], []

    def confirm(url: str) -> bool:
        asked.append(url)
        return answers.pop(0)

    app = make_inkscope_app(confirm_remote=confirm)
    old = app.store.settings
    elsewhere = replace(old, remote=remote("https://gpu.example:8000/v1"))
    app.parts.settings_flow.save(elsewhere)
    assert app.parts.engine_host.engine.name == "qwen2-vl"  # declined: the local model describes
    assert "Images stay on this computer: the local model describes them." in app.window.messages()
    app.parts.settings_flow.save(replace(elsewhere, model=replace(elsewhere.model, device="cpu")))
    assert app.parts.engine_host.engine.name == "remote"
    assert app.store.settings.remote.confirmed_url == "https://gpu.example:8000/v1"
    again = app.store.settings
    app.parts.settings_flow.save(replace(again, remote=replace(again.remote, timeout_s=30)))
    assert app.parts.engine_host.engine.name == "remote" and asked == ["https://gpu.example:8000/v1"] * 2
