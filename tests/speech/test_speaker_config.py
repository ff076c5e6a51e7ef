"""Speech settings: defaults, clamping, and unknown routes."""

from __future__ import annotations

from inkscope_desktop.speech.speaker_config import SpeechRoute, SpeakerConfig


def test_defaults():
    settings = SpeakerConfig()
    assert settings.route is SpeechRoute.AUTO and settings.voice == "" and 80 <= settings.rate <= 450
    assert settings.volume == 1.0


def test_values_are_clamped_and_routes_parsed():
    settings = SpeakerConfig(route="own-voice", voice="  en-us ", rate=5000, volume=-1)
    assert settings.route is SpeechRoute.OWN_VOICE and settings.voice == "en-us"
    assert settings.rate == 450 and settings.volume == 0.0
    assert SpeakerConfig(route="nonsense").route is SpeechRoute.AUTO
    assert SpeakerConfig().with_changes(rate=10).rate == 80


def test_route_aliases_and_a_missing_voice_as_the_settings_file_writes_them():
    settings = SpeakerConfig(route="Silent", voice=None)
    assert settings.route is SpeechRoute.OFF and settings.voice == ""
    assert SpeakerConfig(route="own voice").route is SpeechRoute.OWN_VOICE
    assert SpeakerConfig(route=SpeechRoute.SCREEN_READER).route is SpeechRoute.SCREEN_READER
