"""Settings files that crashed or hung every start: each is moved aside, the defaults are used, and the user is told
once; what can be kept is kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from inkscope_desktop.settings import Settings, SettingsStore
from inkscope_desktop.settings.reading import MAX_SETTINGS_BYTES


@pytest.mark.parametrize(("content", "says"), [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"speech": {"rate": ' + b"9" * 5000 + b"}}", "holds a value that can't be read"),
    (b'{"a": "' + b"x" * (MAX_SETTINGS_BYTES + 10) + b'"}', "larger than 1 MB"),
])
def test_a_file_that_broke_the_start_is_moved_aside_and_told_once(tmp_path, content, says):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    store = SettingsStore(path)
    assert store.load() == Settings()
    notice = store.take_notice()
    assert says in notice and "\n" not in notice and store.take_notice() is None
    assert [kept.read_bytes() == content for kept in tmp_path.glob("settings.json.broken-*")] == [True]
    assert SettingsStore(path).load() == Settings()  # the defaults were written: the next start is quiet


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_the_files_place_is_never_opened(tmp_path, private_folders):
    path = private_folders["config"] / "settings.json"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    began = time.monotonic()
    shown = subprocess.run([sys.executable, "-m", "inkscope_desktop", "config", "show"], capture_output=True,
                           timeout=60)
    assert time.monotonic() - began < 30  # it used to block forever on the open
    assert json.loads(shown.stdout)["speech"]["rate"] == Settings().speech.rate
    assert "not a regular file" in shown.stderr.decode()
    store = SettingsStore(path)
    assert store.load() == Settings()
    assert "not a regular file" in store.take_notice()
    assert path.is_file()  # the defaults now stand where the FIFO was, which was moved aside
    assert len(list(path.parent.glob("settings.json.broken-*"))) == 1


def test_leftovers_of_killed_saves_are_removed_at_the_next_start(tmp_path):
    path = tmp_path / "settings.json"
    SettingsStore(path).save(Settings())
    old = [tmp_path / f".settings.json.abc{n}.tmp" for n in range(20)]
    for leftover in old:
        leftover.write_text("{")
        os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    fresh = tmp_path / ".settings.json.inflight.tmp"  # a save in progress right now is left alone
    fresh.write_text("{")
    SettingsStore(path).load()
    assert not any(leftover.exists() for leftover in old) and fresh.exists()


def test_a_bad_schema_version_is_repaired_value_by_value(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"schema_version": "3", "speech": {"rate": 230, "volume": 0.4}}))
    store = SettingsStore(path)
    settings = store.load()
    assert (settings.speech.rate, settings.speech.volume) == (230, 0.4)
    assert "schema_version was '3', not a version number" in store.take_notice()


def test_settings_this_version_does_not_know_survive_a_save(tmp_path):
    path = tmp_path / "settings.json"
    data = json.loads(json.dumps({"schema_version": 3, "speech": {"rate": 210, "pitch": 1.2},
                                  "camera": {"device": "/dev/video2"}}))
    path.write_text(json.dumps(data))
    store = SettingsStore(path)
    settings = store.load()
    assert store.take_notice() is None
    from dataclasses import replace

    store.save(replace(settings, speech=replace(settings.speech, rate=250)))
    written = json.loads(path.read_text())
    assert written["speech"]["rate"] == 250 and written["speech"]["pitch"] == 1.2
    assert written["camera"] == {"device": "/dev/video2"}
