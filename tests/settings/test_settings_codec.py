"""Settings to and from the file's dicts: round trips, partial files, unknown keys, lenient repair."""

from __future__ import annotations

import json
import logging

import pytest

from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.settings import Settings
from inkscope_desktop.settings.codec import from_dict, to_dict


def test_defaults_round_trip_through_json():
    data = to_dict(Settings())
    assert from_dict(json.loads(json.dumps(data))) == Settings()
    assert data["schema_version"] == 3
    assert data["hotkeys"]["describe-screen"] == "Ctrl+Alt+Shift+D"
    assert data["model"]["detail"] == "normal"
    assert list(data) == ["schema_version", "hotkeys", "speech", "prompts", "model", "remote", "privacy", "video",
                          "window", "startup"]


def test_a_partial_dict_keeps_its_values_and_defaults_the_rest():
    settings = from_dict({"speech": {"rate": 240}, "privacy": {"history": False},
                          "hotkeys": {"describe-screen": "Ctrl+Alt+Shift+1"}})
    assert settings.speech.rate == 240 and settings.speech.route == "auto"
    assert settings.privacy.history is False and settings.privacy.retention_days == 30
    assert settings.hotkeys.chords["describe-screen"] == "Ctrl+Alt+Shift+1"
    assert settings.hotkeys.chords["describe-window"] == Settings().hotkeys.chords["describe-window"]
    assert settings.model == Settings().model


def test_unknown_keys_are_ignored_and_logged(caplog):
    with caplog.at_level(logging.WARNING):
        settings = from_dict({"schema_version": 1, "colour": "red", "speech": {"pitch": 3},
                              "hotkeys": {"launch-rocket": "Ctrl+Alt+Shift+R"}})
    assert settings == Settings()
    logged = caplog.text
    assert "'colour'" in logged and "speech.pitch" in logged and "'launch-rocket'" in logged


def test_strict_decoding_raises_the_first_problem():
    with pytest.raises(SettingsError, match="Speech rate 5 is out of range"):
        from_dict({"speech": {"rate": 5}})
    with pytest.raises(SettingsError, match="holds list data"):
        from_dict([1, 2])


def test_lenient_decoding_defaults_only_what_is_bad_and_says_why():
    problems: list[str] = []
    settings = from_dict({
        "speech": {"rate": 5, "volume": 0.5},
        "privacy": {"history": False, "retention_days": "forever"},
        "hotkeys": {"describe-screen": "Ctrl+Alt+Shift+Nope", "stop-speaking": "Ctrl+Alt+Shift+Q"},
        "model": "not a group",
    }, problems)
    assert settings.speech.volume == 0.5 and settings.speech.rate == 185
    assert settings.privacy.history is False and settings.privacy.retention_days == 30
    assert settings.hotkeys.chords["stop-speaking"] == "Ctrl+Alt+Shift+Q"
    assert settings.hotkeys.chords["describe-screen"] == "Ctrl+Alt+Shift+D"
    assert settings.model == Settings().model
    assert problems == [  # in the schema's group order
        "Hotkey for Describe screen: The hotkey 'Ctrl+Alt+Shift+Nope' has an unknown key name 'Nope'. "
        "Its default chord is used.",
        "Speech rate 5 is out of range. Its default is used.",
        "The settings group 'model' is not a list of named settings; defaults are used.",
        "History retention must be a whole number, not 'forever'. Its default is used.",
    ]
    assert all("\n" not in problem for problem in problems)


def test_a_group_whose_values_disagree_falls_back_whole():
    problems: list[str] = []
    settings = from_dict({"hotkeys": {"describe-screen": "Ctrl+Alt+Shift+W"},
                          "prompts": {"presets": {"mine": "Say hi."}, "default_preset": "screen"},
                          "speech": {"rate": 300}}, problems)
    assert settings.hotkeys == Settings().hotkeys and settings.prompts == Settings().prompts
    assert settings.speech.rate == 300
    assert problems == [
        "Ctrl+Alt+Shift+W is bound to both Describe screen and Describe active window. The default hotkeys are used.",
        "The default preset 'screen' is not one of the presets. The prompts settings are back to their defaults.",
    ]


def test_a_user_preset_set_replaces_the_built_in_ones():
    settings = from_dict({"prompts": {"presets": {"mine": "Say hi.", "brief": "Short."}, "default_preset": "mine"}})
    assert dict(settings.prompts.presets) == {"mine": "Say hi.", "brief": "Short."}


def test_remote_settings_need_an_address_and_a_model_when_enabled():
    from inkscope_desktop.settings import RemoteSettings

    assert RemoteSettings(True, "http://127.0.0.1:8000/v1", "inkscope").enabled
    with pytest.raises(SettingsError, match="address and the model"):
        RemoteSettings(enabled=True, base_url="http://127.0.0.1:8000/v1")
    with pytest.raises(SettingsError, match="not an http"):
        RemoteSettings(base_url="ftp://server")
    problems: list[str] = []
    settings = from_dict({"remote": {"enabled": True, "base_url": "http://gpu:8000/v1"}}, problems)
    assert settings.remote == RemoteSettings() and problems  # the group goes back to its defaults, said once
