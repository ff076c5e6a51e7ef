"""``config set GROUP.NAME VALUE``: one setting changed, checked as the app checks it, or a one-line refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.commands.config_set import parse_value, set_setting
from inkscope_desktop.settings import SettingsStore


def test_a_windows_path_needs_no_quotes_and_json_values_are_typed():
    assert parse_value(r"C:\nvda\x64\nvdaControllerClient.dll") == r"C:\nvda\x64\nvdaControllerClient.dll"
    assert parse_value("220") == 220 and parse_value("true") is True and parse_value("null") is None


def test_a_setting_is_changed_and_kept(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    line = set_setting(store, "speech.nvda_client_dll", r"D:\tools\nvdaControllerClient.dll")
    assert line.startswith("speech.nvda_client_dll is set.")
    assert SettingsStore(tmp_path / "settings.json").settings.speech.nvda_client_dll == \
        r"D:\tools\nvdaControllerClient.dll"
    set_setting(store, "speech.rate", "220")
    assert SettingsStore(tmp_path / "settings.json").settings.speech.rate == 220


@pytest.mark.parametrize(("key", "value", "says"), [
    ("speech.rate", "9000", "Speech rate"),
    ("speech.nope", "1", "The speech settings have no 'nope'"),
    ("nothing", "1", "There is no setting 'nothing'"),
    ("speech.speak_automatically", "maybe", "Speak automatically"),
])
def test_a_bad_key_or_value_is_refused_and_the_file_is_left_alone(tmp_path, key, value, says):
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    set_setting(store, "speech.rate", "200")
    before = path.read_bytes()
    with pytest.raises(SettingsError) as raised:
        set_setting(store, key, value)
    assert says in raised.value.user_text and "\n" not in raised.value.user_text
    assert path.read_bytes() == before


def test_the_command_line(private_folders):
    run = [sys.executable, "-m", "inkscope_desktop", "config"]
    done = subprocess.run([*run, "set", "speech.volume", "0.5"], capture_output=True, timeout=120,
                          env={**os.environ})
    assert done.returncode == 0, done.stderr
    shown = subprocess.run([*run, "show"], capture_output=True, timeout=120, env={**os.environ})
    assert json.loads(shown.stdout)["speech"]["volume"] == 0.5
    refused = subprocess.run([*run, "set", "speech.volume", "loud"], capture_output=True, timeout=120,
                             env={**os.environ})
    assert refused.returncode == 2 and refused.stderr.decode().count("\n") == 1
