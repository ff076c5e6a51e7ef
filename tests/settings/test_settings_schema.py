"""The settings schema: defaults, validation with one-line errors, hotkey conflicts, immutability."""

from __future__ import annotations

import dataclasses

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.core.prompts import PRESETS
from inkscope_desktop.core.types import Detail
from inkscope_desktop.core.vocabulary import DEFAULT_MODEL_ID
from inkscope_desktop.hotkeys.defaults import default_bindings
from inkscope_desktop.settings import (SCHEMA_VERSION, HotkeySettings, ModelSettings, PrivacySettings, PromptSettings,
                                       Settings, SpeechSettings, StartupSettings, find_conflicts)


def test_the_defaults_are_the_documented_ones():
    settings = Settings()
    assert settings.schema_version == SCHEMA_VERSION == 3
    assert settings.hotkeys.bindings() == default_bindings()
    assert settings.hotkeys.chord(Action.SHOW_WINDOW) == ""
    assert settings.speech == SpeechSettings("auto", None, 185, 1.0, True)
    assert dict(settings.prompts.presets) == PRESETS
    assert settings.prompts.default_preset == "screen" and settings.prompts.language is None
    assert settings.model == ModelSettings(DEFAULT_MODEL_ID, "auto", Detail.NORMAL)
    assert settings.privacy == PrivacySettings(history=True, thumbnails=False, retention_days=30, max_entries=1000)
    assert settings.startup.start_at_login is False


def test_settings_are_immutable_and_changed_by_copy():
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.speech.rate = 200  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.prompts.presets["brief"] = "x"  # type: ignore[index]
    changed = dataclasses.replace(settings, speech=dataclasses.replace(settings.speech, rate=220))
    assert changed.speech.rate == 220 and settings.speech.rate == 185
    assert changed != settings and Settings() == settings


@pytest.mark.parametrize(("build", "message"), [
    (lambda: SpeechSettings(rate=1000), "Speech rate 1000 is out of range. Choose 80 to 450 words per minute."),
    (lambda: SpeechSettings(rate="fast"), "Speech rate must be a whole number, not 'fast'."),
    (lambda: SpeechSettings(volume=1.5), "Speech volume 1.5 is out of range."),
    (lambda: SpeechSettings(route="loud"), "Unknown speech route 'loud'. Choose one of: auto, screen-reader,"),
    (lambda: SpeechSettings(speak_automatically="yes"), "Speak automatically must be true or false"),
    (lambda: PromptSettings(default_preset="poem"), "The default preset 'poem' is not one of the presets."),
    (lambda: PromptSettings(presets={}), "The prompt presets must be a non-empty"),
    (lambda: PromptSettings(presets={"a": "  "}, default_preset="a"), "The prompt of preset 'a' must be"),
    (lambda: ModelSettings(device="tpu"), "Unknown model device 'tpu'. Choose auto, cpu, cuda, cuda:N"),
    (lambda: ModelSettings(device="cpu:1"), "Unknown model device 'cpu:1'."),
    (lambda: ModelSettings(detail="huge"), "Unknown detail level 'huge'. Choose one of: low, normal, high."),
    (lambda: ModelSettings(model=""), "The model must be a non-empty text"),
    (lambda: PrivacySettings(retention_days=-1), "History retention -1 is out of range."),
    (lambda: PrivacySettings(max_entries=True), "The history limit must be a whole number"),
    (lambda: StartupSettings(start_at_login=1), "Start at login must be true or false"),
])
def test_a_bad_value_is_a_one_line_settings_error(build, message):
    with pytest.raises(SettingsError) as caught:
        build()
    assert caught.value.user_text.startswith(message)
    assert "\n" not in caught.value.user_text


def test_values_are_normalised():
    assert SpeechSettings(route="Silent").route == "off"
    assert SpeechSettings(route="screen reader").route == "screen-reader"
    assert SpeechSettings(voice="  ").voice is None
    assert SpeechSettings(volume=0).volume == 0.0
    assert ModelSettings(device=" CUDA:1 ", detail="high") == ModelSettings(device="cuda:1", detail=Detail.HIGH)
    assert PromptSettings(language="  ").language is None
    assert PromptSettings(language=" German ").language == "German"


def test_hotkeys_are_stored_normalised_and_missing_actions_get_their_default():
    hotkeys = HotkeySettings({"describe-screen": "shift+alt+ctrl+1", "stop-speaking": ""})
    assert hotkeys.chord(Action.DESCRIBE_SCREEN) == "Ctrl+Alt+Shift+1"
    assert hotkeys.chord(Action.STOP_SPEAKING) == ""
    assert Action.STOP_SPEAKING not in hotkeys.bindings()
    assert hotkeys.chord(Action.DESCRIBE_WINDOW) == str(default_bindings()[Action.DESCRIBE_WINDOW])


def test_a_bad_chord_names_its_action():
    with pytest.raises(SettingsError, match=r"^Hotkey for Describe screen: The hotkey 'Ctrl\+Alt\+Hyper' has an "
                                            r"unknown key name 'Hyper'\."):
        HotkeySettings({"describe-screen": "Ctrl+Alt+Hyper"})
    with pytest.raises(SettingsError, match="Hotkey for Stop speaking must be text"):
        HotkeySettings({"stop-speaking": 5})
    with pytest.raises(SettingsError, match="Unknown action 'format-disk'"):
        HotkeySettings({"format-disk": "Ctrl+Alt+Shift+X"})


def test_two_actions_with_the_same_chord_are_refused_whatever_the_spelling():
    with pytest.raises(SettingsError) as caught:
        HotkeySettings({"describe-window": "ctrl+shift+alt+d"})
    assert caught.value.user_text == ("Ctrl+Alt+Shift+D is bound to both Describe screen and Describe active window. "
                                      "Give each action its own chord, or leave one of them unbound.")


def test_with_chord_rebinds_or_unbinds_one_action():
    hotkeys = HotkeySettings()
    rebound = hotkeys.with_chord(Action.SHOW_WINDOW, "Ctrl+Alt+Shift+Y")
    assert rebound.bindings()[Action.SHOW_WINDOW].key == "y"
    assert Action.DESCRIBE_SCREEN not in hotkeys.with_chord(Action.DESCRIBE_SCREEN, "").bindings()
    with pytest.raises(SettingsError, match="bound to both"):
        hotkeys.with_chord(Action.SHOW_WINDOW, "Ctrl+Alt+Shift+K")


def test_find_conflicts_reports_every_action_sharing_a_chord_for_the_dialog():
    chords = {"describe-screen": "Ctrl+Alt+Shift+D", "describe-window": "shift+ctrl+alt+d",
              Action.REPEAT_LAST: "Ctrl+Alt+Shift+D", "stop-speaking": "Ctrl+Alt+Shift+M", "show-window": "",
              "toggle-window": "not a chord"}
    assert find_conflicts(chords) == {"Ctrl+Alt+Shift+D": ("describe-screen", "describe-window", "repeat-last")}
    assert find_conflicts(Settings().hotkeys.chords) == {}


def test_prompt_settings_give_a_presets_text():
    prompts = PromptSettings(presets={"mine": "Say what is red."}, default_preset="mine")
    assert prompts.prompt() == "Say what is red."
    with pytest.raises(SettingsError, match="Unknown prompt preset 'screen'. Choose one of: mine."):
        prompts.prompt("screen")


def test_settings_refuse_a_group_of_the_wrong_kind():
    with pytest.raises(TypeError):
        Settings(speech=PrivacySettings())  # type: ignore[arg-type]
