"""The settings file: defaults when missing, atomic saves, broken files kept aside with one notice."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.settings import Settings, SettingsStore
from inkscope_desktop.settings.codec import to_dict


def _with_rate(settings: Settings, rate: int) -> Settings:
    return dataclasses.replace(settings, speech=dataclasses.replace(settings.speech, rate=rate))


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_default_path_is_in_the_config_folder_named_by_the_environment(private_folders):
    assert SettingsStore().path == private_folders["config"] / "settings.json"


def test_a_missing_file_gives_the_defaults_and_writes_nothing(private_folders):
    store = SettingsStore()
    assert store.load() == Settings()
    assert store.take_notice() is None
    assert not private_folders["config"].exists()


def test_save_then_load_round_trips_in_a_human_readable_file(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    changed = _with_rate(Settings(), 240)
    store.save(changed)
    assert SettingsStore(store.path).load() == changed
    text = store.path.read_text(encoding="utf-8")
    assert text.startswith('{\n  "schema_version": 3,\n  "hotkeys": {\n    "describe-screen": "Ctrl+Alt+Shift+D"')
    assert '"rate": 240' in text and text.endswith("}\n")
    assert json.loads(text) == to_dict(changed)
    assert _files(tmp_path) == ["settings.json"]  # no temporary file left behind


def test_the_settings_accessor_loads_once_and_follows_saves(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    first = store.settings
    assert store.settings is first
    store.save(_with_rate(first, 300))
    assert store.settings.speech.rate == 300


def test_listeners_hear_each_save_and_reset_with_the_old_value(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    heard: list[tuple[int, int]] = []
    listener = store.events.connect(lambda new, old: heard.append((new.speech.rate, old.speech.rate)))
    store.save(_with_rate(Settings(), 200))
    store.reset()
    store.events.disconnect(listener)
    store.save(_with_rate(Settings(), 90))
    assert heard == [(200, 185), (185, 200)]


def test_a_group_watcher_hears_only_changes_of_its_group(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    speech, video = [], []
    store.events.watch("speech", speech.append)
    store.events.watch("video", video.append)
    store.save(_with_rate(Settings(), 200))
    store.save(_with_rate(Settings(), 200))  # the same again: no change
    assert [group.rate for group in speech] == [200] and video == []
    with pytest.raises(ValueError):
        store.events.watch("no-such-group", print)


def test_a_part_that_cannot_apply_its_settings_does_not_stop_the_others(tmp_path):
    from inkscope_desktop.core.errors import InkscopeError

    store = SettingsStore(tmp_path / "settings.json")
    heard = []

    def refuses(new, old):
        raise InkscopeError("Start at login could not be set.", "Check the autostart folder.")

    def broken(new, old):
        raise RuntimeError("a bug")

    store.events.connect(refuses)
    store.events.connect(broken)
    store.events.connect(lambda new, old: heard.append(new.speech.rate))
    with pytest.raises(InkscopeError, match="Start at login"):
        store.save(_with_rate(Settings(), 200))
    assert heard == [200] and store.settings.speech.rate == 200
    assert SettingsStore(tmp_path / "settings.json").load().speech.rate == 200  # saved all the same


def test_a_save_made_by_a_listener_is_told_after_the_one_being_told(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    heard = []

    def first(new, old):
        heard.append(("first", new.speech.rate))
        if new.speech.rate == 200:
            store.save(_with_rate(new, 300))

    store.events.connect(first)
    store.events.connect(lambda new, old: heard.append(("second", new.speech.rate, old.speech.rate)))
    store.save(_with_rate(Settings(), 200))
    assert heard == [("first", 200), ("second", 200, 185), ("first", 300), ("second", 300, 200)]
    assert store.settings.speech.rate == 300


def test_a_corrupt_file_is_kept_aside_defaults_are_used_and_the_user_is_told_once(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"speech": {"rate": 200,}}', encoding="utf-8")
    store = SettingsStore(path)
    assert store.load() == Settings()
    kept = list(tmp_path.glob("settings.json.broken-*"))
    assert len(kept) == 1 and kept[0].read_text() == '{"speech": {"rate": 200,}}'
    notice = store.notice
    assert notice == (f"Your settings file could not be read (line 1 column 25: Expecting property name enclosed in "
                      f"double quotes), so the default settings are used. The old file was kept as {kept[0]}.")
    assert store.take_notice() == notice
    assert store.take_notice() is None and store.notice is None
    # The defaults were written, so the next start reads a good file and says nothing.
    again = SettingsStore(path)
    assert again.load() == Settings() and again.take_notice() is None
    assert len(list(tmp_path.glob("settings.json.broken-*"))) == 1


@pytest.mark.parametrize(("content", "reason"), [
    (b"\xff\xfe\x00garbage", "it is not UTF-8 text at byte 0"),
    (b"[1, 2, 3]", "it holds list data instead of named settings"),
    (b"", "line 1 column 1: Expecting value"),
])
def test_files_that_are_not_settings_at_all_are_kept_aside(tmp_path, content, reason):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    store = SettingsStore(path)
    assert store.load() == Settings()
    assert f"could not be read ({reason})" in store.take_notice()
    assert [p.read_bytes() for p in tmp_path.glob("settings.json.broken-*")] == [content]


def test_invalid_values_are_kept_aside_and_only_they_are_defaulted(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({
        "hotkeys": {"describe-screen": "Ctrl+Alt+Shift+W"},  # Describe active window's chord
        "speech": {"rate": 9000, "route": "own-voice"},
        "privacy": {"history": False},
    }))
    store = SettingsStore(path)
    settings = store.load()
    assert settings.hotkeys == Settings().hotkeys
    assert settings.speech.route == "own-voice" and settings.speech.rate == 185
    assert settings.privacy.history is False  # a user's privacy choice survives a typo elsewhere
    kept = list(tmp_path.glob("settings.json.broken-*"))
    assert len(kept) == 1
    assert store.take_notice() == (
        "Some settings could not be used and have their defaults: Ctrl+Alt+Shift+W is bound to both Describe screen "
        "and Describe active window. The default hotkeys are used; Speech rate 9000 is out of range. Its default "
        f"is used. The old file was kept as {kept[0]}.")
    assert SettingsStore(path).load() == settings  # the repaired settings were written back


def test_a_partial_file_keeps_its_values_without_notice(tmp_path):
    path = tmp_path / "settings.json"
    text = '{"schema_version": 3, "speech": {"volume": 0.25}, "startup": {"start_at_login": true}, "extra": 1}'
    path.write_text(text)
    store = SettingsStore(path)
    settings = store.load()
    assert settings.speech.volume == 0.25 and settings.startup.start_at_login is True
    assert settings.prompts == Settings().prompts
    assert store.take_notice() is None
    assert path.read_text() == text  # current layout: nothing to migrate, so the file is left as written


def test_a_file_from_a_newer_version_is_read_as_far_as_understood(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"schema_version": 9, "speech": {"rate": 300}, "telepathy": {}}')
    store = SettingsStore(path)
    assert store.load().speech.rate == 300
    assert "newer Inkscope Desktop" in store.take_notice()
    assert _files(tmp_path) == ["settings.json"]


def test_a_failing_save_leaves_the_old_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    store = SettingsStore(tmp_path / "settings.json")
    store.save(_with_rate(Settings(), 200))
    before = store.path.read_bytes()

    def broken_fsync(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(SettingsError) as caught:
        store.save(_with_rate(Settings(), 300))
    assert caught.value.user_text == (f"Your settings could not be saved to {store.path} (No space left on device). "
                                      "Check that the folder is writable and the disk is not full.")
    assert store.path.read_bytes() == before
    assert _files(tmp_path) == ["settings.json"]
    assert store.settings.speech.rate == 200  # the failed save did not become current


def test_a_crash_between_write_and_rename_leaves_the_old_file(tmp_path, monkeypatch):
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings())
    before = store.path.read_bytes()
    monkeypatch.setattr(os, "replace", lambda *args: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        store.save(_with_rate(Settings(), 300))
    assert store.path.read_bytes() == before
    assert _files(tmp_path) == ["settings.json"]


def test_reset_keeps_the_old_file_aside_and_writes_the_defaults(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    assert store.reset() is None  # nothing to keep yet
    store.save(_with_rate(Settings(), 99))
    old = store.path.read_text()
    kept = store.reset()
    assert kept is not None and kept.name.startswith("settings.json.reset-") and kept.read_text() == old
    assert store.settings == Settings() and SettingsStore(store.path).load() == Settings()


def test_read_reports_without_changing_anything(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"speech": {"rate": 1}}')
    result = SettingsStore(path).read()
    assert result.state == "repaired" and result.settings == Settings()
    assert result.problems == ("Speech rate 1 is out of range. Its default is used.",)
    assert _files(tmp_path) == ["settings.json"]
    assert SettingsStore(tmp_path / "none.json").read().state == "missing"


def test_an_unreadable_file_gives_defaults_for_now_and_is_left_alone(tmp_path, monkeypatch):
    path = tmp_path / "settings.json"
    path.write_text('{"speech": {"rate": 200}}')

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    from inkscope_desktop.settings import reading

    monkeypatch.setattr(reading.os, "open", refuse)
    store = SettingsStore(path)
    assert store.load() == Settings()
    assert store.take_notice() == (f"Your settings file {path} could not be read (Permission denied), so the "
                                   "default settings are used for now.")
    monkeypatch.undo()
    assert _files(tmp_path) == ["settings.json"] and path.read_text() == '{"speech": {"rate": 200}}'


def test_save_refuses_what_is_not_settings(tmp_path):
    with pytest.raises(TypeError):
        SettingsStore(tmp_path / "s.json").save({"speech": {}})  # type: ignore[arg-type]
