"""The migration mechanism: step by step from the file's version, never touching the input, errors as SettingsError."""

from __future__ import annotations

import functools
import json

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.settings import SCHEMA_VERSION, HotkeySettings, Settings, SettingsStore
from inkscope_desktop.settings.codec import from_dict
from inkscope_desktop.settings.migrations import MIGRATIONS, file_version, migrate


def _v1_to_v2(data):
    speech = data.setdefault("speech", {})
    speech["words_per_minute"] = speech.pop("rate", 185)
    return data


def _v2_to_v3(data):
    data["speech"]["rate"] = data["speech"].pop("words_per_minute")
    return data


STEPS = {1: _v1_to_v2, 2: _v2_to_v3}


def test_the_current_version_needs_no_step():
    assert migrate({"schema_version": SCHEMA_VERSION, "speech": {"rate": 200}}).data == {
        "schema_version": SCHEMA_VERSION, "speech": {"rate": 200}}


def test_version_1_keeps_a_users_chord_that_version_2_gives_the_new_recent_screen_action():
    old = {"schema_version": 1, "hotkeys": {"describe-screen": "ctrl+alt+shift+h", "describe-window": ""}}
    migrated = migrate(old)
    assert migrated.from_version == 1 and migrated.data["schema_version"] == 3
    assert migrated.data["hotkeys"]["describe-recent-screen"] == ""
    settings = from_dict(migrated.data)
    assert settings.hotkeys.chord(Action.DESCRIBE_SCREEN) == "Ctrl+Alt+Shift+H"
    assert settings.hotkeys.chord(Action.DESCRIBE_RECENT_SCREEN) == ""
    assert settings.hotkeys.chord(Action.DESCRIBE_REGION) == HotkeySettings().chord(Action.DESCRIBE_REGION)


def test_version_1_without_a_clash_gets_the_new_actions_default_chord():
    untouched = migrate({"hotkeys": {"describe-screen": "Ctrl+Alt+Shift+J"}, "speech": {"rate": 200}}).data
    assert "describe-recent-screen" not in untouched["hotkeys"]
    assert from_dict(untouched).hotkeys.chord(Action.DESCRIBE_RECENT_SCREEN) == "Ctrl+Alt+Shift+H"
    assert MIGRATIONS[1]({"hotkeys": "not a group"}) == {"hotkeys": "not a group"}


def test_version_2_keeps_a_users_chord_that_version_3_gives_stop_describing():
    old = {"schema_version": 2, "hotkeys": {"repeat-last": "Ctrl+Alt+Shift+J"}}
    migrated = migrate(old)
    assert migrated.data["schema_version"] == 3 and migrated.data["hotkeys"]["stop-describing"] == ""
    settings = from_dict(migrated.data)
    assert settings.hotkeys.chord(Action.REPEAT_LAST) == "Ctrl+Alt+Shift+J"
    assert settings.hotkeys.chord(Action.STOP_DESCRIBING) == ""
    fresh = from_dict(migrate({"schema_version": 2, "hotkeys": {}}).data)
    assert fresh.hotkeys.chord(Action.STOP_DESCRIBING) == "Ctrl+Alt+Shift+J"


def test_steps_run_in_order_from_the_files_version_without_changing_the_input():
    old = {"schema_version": 1, "speech": {"rate": 200}}
    result = migrate(old, migrations=STEPS, target=3)
    assert result.data == {"schema_version": 3, "speech": {"rate": 200}}
    assert result.from_version == 1
    assert old == {"schema_version": 1, "speech": {"rate": 200}}
    assert migrate({"schema_version": 2, "speech": {"words_per_minute": 99}}, migrations=STEPS, target=3).data == {
        "schema_version": 3, "speech": {"rate": 99}}


def test_a_file_without_a_version_is_version_1():
    assert file_version({}) == 1
    assert migrate({"speech": {"rate": 210}}, migrations=STEPS, target=2).data["speech"] == {"words_per_minute": 210}


@pytest.mark.parametrize("version", [0, -3, "2", 1.5, True, None])
def test_an_invalid_version_is_a_settings_error(version):
    with pytest.raises(SettingsError, match="invalid schema_version"):
        migrate({"schema_version": version})


def test_a_missing_or_failing_step_is_a_settings_error():
    with pytest.raises(SettingsError, match="schema version 2 cannot be brought up to date"):
        migrate({"schema_version": 2}, migrations={1: _v1_to_v2}, target=3)
    with pytest.raises(SettingsError, match=r"Updating the settings from schema version 2 failed \('speech'\)"):
        migrate({"schema_version": 2}, migrations=STEPS, target=3)


def test_a_newer_file_is_returned_as_is():
    result = migrate({"schema_version": 7, "speech": {"rate": 200}})
    assert result.is_from_newer_app and result.data["schema_version"] == 7


def test_the_store_runs_the_steps_and_rewrites_the_file_in_the_new_layout(tmp_path, monkeypatch):
    """As if version 2 renamed speech.wpm (version 1) to speech.rate: the store migrates, loads and rewrites."""
    def wpm_to_rate(data):
        data["speech"]["rate"] = data["speech"].pop("wpm")
        return data

    monkeypatch.setattr("inkscope_desktop.settings.store.SCHEMA_VERSION", 2)
    monkeypatch.setattr("inkscope_desktop.settings.store.migrate",
                        functools.partial(migrate, target=2))
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"schema_version": 1, "speech": {"wpm": 200}, "privacy": {"history": False}}))
    store = SettingsStore(path, migrations={1: wpm_to_rate})
    settings = store.load()
    assert settings.speech.rate == 200 and settings.privacy.history is False
    assert store.take_notice() is None
    written = json.loads(path.read_text())
    assert written["speech"]["rate"] == 200 and "wpm" not in written["speech"]
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # nothing moved aside


def test_a_failing_step_makes_the_store_keep_the_file_aside(tmp_path, monkeypatch):
    monkeypatch.setattr("inkscope_desktop.settings.store.migrate", functools.partial(migrate, target=2))
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"schema_version": 1, "speech": {"rate": 200}}))
    store = SettingsStore(path, migrations={1: _v2_to_v3})  # expects a key version 1 does not have
    assert store.load() == Settings()
    assert "could not be read (Updating the settings from schema version 1 failed" in store.take_notice()
    assert len(list(tmp_path.glob("settings.json.broken-*"))) == 1
