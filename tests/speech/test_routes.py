"""Choosing a speaker: screen reader routes first when one runs, then the own voice, then silence with a reason."""

from __future__ import annotations

import pytest

from inkscope_desktop.speech import routes
from inkscope_desktop.speech.audio import FolderSink
from inkscope_desktop.speech.pyttsx3_speaker import Pyttsx3Speaker
from inkscope_desktop.speech.recording import RecordingSpeaker
from inkscope_desktop.speech.routes import choose_speaker, linux_screen_reader_running
from inkscope_desktop.speech.speaker_config import SpeechRoute, SpeakerConfig
from inkscope_desktop.speech.silent import SilentSpeaker
from inkscope_desktop.speech.speechd_speaker import SpeechDispatcherSpeaker
from inkscope_desktop.speech.base import SpeechError


class ScreenReaderDouble(RecordingSpeaker):
    """Like the Qt announcement route: available only while a screen reader listens (it overrides nothing else)."""

    name = "announcement"
    is_screen_reader_route = True

    def __init__(self, is_active: bool) -> None:
        super().__init__()
        self.is_active = is_active

    def availability_problem(self) -> SpeechError | None:
        return None if self.is_active else SpeechError("No screen reader listens.", "Start one.")


@pytest.fixture
def no_orca(monkeypatch):
    monkeypatch.setattr(routes, "linux_screen_reader_running", lambda: False)


@pytest.fixture
def orca_running(monkeypatch, speech_daemon):
    monkeypatch.setattr(routes, "linux_screen_reader_running", lambda: True)
    monkeypatch.setenv("SPEECHD_ADDRESS", speech_daemon.address)


@pytest.fixture
def no_espeak(monkeypatch):
    from inkscope_desktop.speech import pyttsx3_speaker

    monkeypatch.setattr(pyttsx3_speaker, "ESPEAK_LIBRARIES", ("libno-such-espeak.so.1",))


def test_off_is_silent_without_complaint():
    speaker = choose_speaker(SpeakerConfig(route=SpeechRoute.OFF))
    assert isinstance(speaker, SilentSpeaker) and speaker.reason is None


def test_auto_without_a_screen_reader_uses_the_own_voice(no_orca, tmp_path):
    speaker = choose_speaker(SpeakerConfig(), sink=FolderSink(tmp_path))
    assert isinstance(speaker, Pyttsx3Speaker)


def test_auto_prefers_the_running_screen_reader(orca_running, tmp_path):
    speaker = choose_speaker(SpeakerConfig(), sink=FolderSink(tmp_path))
    assert isinstance(speaker, SpeechDispatcherSpeaker)
    speaker.close()


def test_own_voice_is_used_even_when_a_screen_reader_runs(orca_running, tmp_path):
    speaker = choose_speaker(SpeakerConfig(route=SpeechRoute.OWN_VOICE), sink=FolderSink(tmp_path))
    assert isinstance(speaker, Pyttsx3Speaker)


def test_an_extra_screen_reader_route_comes_after_the_platform_ones(no_orca, tmp_path):
    active = ScreenReaderDouble(is_active=True)
    assert choose_speaker(SpeakerConfig(), extra_screen_reader_routes=[active], sink=FolderSink(tmp_path)) is active
    inactive = ScreenReaderDouble(is_active=False)
    chosen = choose_speaker(SpeakerConfig(), extra_screen_reader_routes=[inactive], sink=FolderSink(tmp_path))
    assert isinstance(chosen, Pyttsx3Speaker)


def test_a_missing_own_voice_falls_back_to_silence_with_the_reason(no_orca, no_espeak, monkeypatch, tmp_path):
    monkeypatch.setattr(routes.sys, "platform", "linux")
    speaker = choose_speaker(SpeakerConfig(), sink=FolderSink(tmp_path))
    assert isinstance(speaker, SilentSpeaker)
    assert "espeak-ng" in speaker.reason.user_text


def test_screen_reader_route_without_one_says_so(monkeypatch):
    monkeypatch.setenv("SPEECHD_ADDRESS", "unix_socket:/nonexistent/speechd.sock")
    monkeypatch.setattr(SpeechDispatcherSpeaker, "availability_problem",
                        lambda self: SpeechError("speech-dispatcher is not running.", "Start it."))
    speaker = choose_speaker(SpeakerConfig(route=SpeechRoute.SCREEN_READER))
    assert isinstance(speaker, SilentSpeaker) and "not running" in speaker.reason.user_text


def test_a_route_that_crashes_while_probed_is_skipped(no_orca, tmp_path):
    class Broken(ScreenReaderDouble):
        def availability_problem(self) -> SpeechError | None:
            raise RuntimeError("boom")

    chosen = choose_speaker(SpeakerConfig(), extra_screen_reader_routes=[Broken(True)], sink=FolderSink(tmp_path))
    assert isinstance(chosen, Pyttsx3Speaker)


def test_orca_is_found_among_processes(tmp_path):
    for pid, name in [("1", "systemd"), ("42", "orca"), ("self", "x")]:
        (tmp_path / pid).mkdir()
        (tmp_path / pid / "comm").write_text(name + "\n")
    assert linux_screen_reader_running(str(tmp_path))
    (tmp_path / "42" / "comm").write_text("bash\n")
    assert not linux_screen_reader_running(str(tmp_path))
    assert not linux_screen_reader_running(str(tmp_path / "missing"))
