"""The own voice with real espeak-ng through pyttsx3: real audio per piece, order, real stopping, bad conditions."""

from __future__ import annotations

import os
import signal
import time

import pytest
from speech_checks import plausible_seconds, process_is_gone, sox_rms, wait_until, wav_facts

from inkscope_desktop.speech import pyttsx3_speaker
from inkscope_desktop.speech.audio import CommandPlayer, FolderSink
from inkscope_desktop.speech.base import SpeechError
from inkscope_desktop.speech.pyttsx3_speaker import MAX_SYNTH_CHARS, Pyttsx3Speaker
from inkscope_desktop.speech.speaker_config import SpeakerConfig

LONG_TEXT = " ".join(["The window shows a long list of files with their names, sizes and dates."] * 6)
#: The longest piece synthesized in one go: a second or so of synthesis, to be cut off in the middle.
HUGE_PIECE = " ".join(["The window shows a long list of files, with names, sizes, dates"] * 70)[:MAX_SYNTH_CHARS]


@pytest.fixture
def make_speaker():
    speakers: list[Pyttsx3Speaker] = []

    def make(**kwargs) -> Pyttsx3Speaker:
        speaker = Pyttsx3Speaker(**kwargs)
        speakers.append(speaker)
        return speaker

    yield make
    for speaker in speakers:
        speaker.close()


def record(speaker: Pyttsx3Speaker) -> tuple[list[str], list[SpeechError]]:
    started: list[str] = []
    problems: list[SpeechError] = []
    speaker.on_piece_started = started.append
    speaker.on_problem = problems.append
    return started, problems


@pytest.fixture(autouse=True)
def _needs_espeak():
    if Pyttsx3Speaker(sink=FolderSink("unused")).availability_problem() is not None:
        pytest.skip("pyttsx3 with espeak-ng is not installed here")


def test_each_piece_becomes_real_audio_in_order(make_speaker, tmp_path):
    pieces = ["A dialog titled Settings is open.", "It has three tabs.",
              "The OK button at the bottom right is focused and ready."]
    speaker = make_speaker(sink=FolderSink(tmp_path))
    started, problems = record(speaker)
    for piece in pieces:
        speaker.speak(piece)
    assert speaker.wait_until_done(30)
    assert problems == [] and started == pieces
    wavs = sorted(tmp_path.glob("*.wav"))
    assert [w.with_suffix(".txt").read_text() for w in wavs] == pieces
    for wav, piece in zip(wavs, pieces):
        facts = wav_facts(wav)
        low, high = plausible_seconds(piece)
        assert low <= facts.seconds <= high, (piece, facts)
        assert facts.rms > 300 and facts.peak > 3000, facts  # speech, not silence
        rms = sox_rms(wav)
        assert rms is None or rms > 0.01
    assert not speaker.is_speaking


def test_rate_and_volume_settings_shape_the_audio(make_speaker, tmp_path):
    text = "The quick brown fox jumps over the lazy dog near the river bank."
    facts = {}
    for name, settings in {"slow": SpeakerConfig(rate=110), "fast": SpeakerConfig(rate=400),
                           "quiet": SpeakerConfig(rate=110, volume=0.2)}.items():
        speaker = make_speaker(settings=settings, sink=FolderSink(tmp_path / name))
        speaker.speak(text)
        assert speaker.wait_until_done(30)
        facts[name] = wav_facts(next((tmp_path / name).glob("*.wav")))
    assert facts["slow"].seconds > 1.8 * facts["fast"].seconds
    assert facts["quiet"].rms < 0.5 * facts["slow"].rms


def test_an_unknown_voice_falls_back_to_the_default_with_a_warning(make_speaker, tmp_path):
    speaker = make_speaker(settings=SpeakerConfig(voice="no-such-voice"), sink=FolderSink(tmp_path))
    speaker.speak("Still spoken.")
    assert speaker.wait_until_done(30)
    assert wav_facts(next(tmp_path.glob("*.wav"))).rms > 300
    assert any("no-such-voice" in warning for warning in speaker.synthesis.warnings)


def test_stop_kills_the_player_of_a_long_utterance(make_speaker, paced_player_command):
    command, played = paced_player_command
    player = CommandPlayer(command)
    speaker = make_speaker(sink=player)
    started, problems = record(speaker)
    speaker.speak(LONG_TEXT)
    speaker.speak("This queued sentence must never be heard.")
    assert wait_until(lambda: played.exists() and played.stat().st_size > 20_000, 30)
    pid = player.last_pid
    speaker.stop()
    assert wait_until(lambda: process_is_gone(pid), 5)
    assert wait_until(lambda: not speaker.is_speaking, 5)
    size = played.stat().st_size
    time.sleep(0.3)  # a live player would add ~13 kB in this time
    assert played.stat().st_size == size
    assert size < 22050 * 2 * 10  # far less than the utterance's ~25 s
    assert started == [LONG_TEXT] and problems == []


def test_stop_kills_synthesis_of_a_huge_piece_and_a_fresh_child_takes_over(make_speaker, tmp_path):
    speaker = make_speaker(sink=FolderSink(tmp_path))
    started, problems = record(speaker)
    speaker.speak("Warm up.")
    assert speaker.wait_until_done(30)
    old_pid = speaker.synthesis.pid
    speaker.speak(HUGE_PIECE)
    assert wait_until(lambda: speaker.synthesis.is_busy, 5)
    speaker.stop()
    assert wait_until(lambda: process_is_gone(old_pid), 5)
    assert wait_until(lambda: not speaker.is_speaking, 5)
    time.sleep(0.3)
    assert sorted(p.name for p in tmp_path.glob("*.wav")) == ["0001.wav"]  # no audio of the huge piece
    assert speaker.synthesis.spawned == 2 and speaker.synthesis.pid != old_pid
    speaker.speak("After the stop.")
    assert speaker.wait_until_done(30)
    assert started == ["Warm up.", "After the stop."] and problems == []


def test_a_failing_audio_output_is_reported_and_the_next_piece_tries_again(make_speaker):
    player = CommandPlayer(["aplay", "-q", "-D", "no_such_device", "{path}"])
    if player.availability_problem() is not None:
        pytest.skip("aplay is not installed")
    speaker = make_speaker(sink=player)
    started, problems = record(speaker)
    speaker.speak("Nobody hears this.")
    assert speaker.wait_until_done(30)
    assert len(problems) == 1
    assert "could not be played" in problems[0].user_text and "headphones" in problems[0].user_text
    assert "\n" not in problems[0].user_text
    speaker.speak("Nor this.")
    assert speaker.wait_until_done(30)
    assert len(problems) == 2  # tried again (the narrator tells the user only once per caption)


def test_a_crashed_synthesis_child_is_reported_and_replaced(make_speaker, tmp_path):
    speaker = make_speaker(sink=FolderSink(tmp_path))
    started, problems = record(speaker)
    speaker.speak("Warm up.")
    assert speaker.wait_until_done(30)
    pid = speaker.synthesis.pid
    speaker.speak(HUGE_PIECE)
    assert wait_until(lambda: speaker.synthesis.is_busy, 5)
    os.kill(pid, signal.SIGKILL)  # a crash, not a stop
    assert speaker.wait_until_done(30)
    assert len(problems) == 1 and "ended unexpectedly" in problems[0].user_text
    speaker.speak("Back again.")
    assert speaker.wait_until_done(30)
    assert started == ["Warm up.", "Back again."] and len(problems) == 1


def test_a_voice_that_cannot_start_is_reported(make_speaker, tmp_path):
    speaker = make_speaker(sink=FolderSink(tmp_path), driver="no_such_driver")
    started, problems = record(speaker)
    speaker.speak("Hello.")
    assert speaker.wait_until_done(30)
    assert started == [] and len(problems) == 1
    assert problems[0].user_text.startswith("The own voice could not start")


def test_missing_espeak_is_explained(monkeypatch, tmp_path):
    monkeypatch.setattr(pyttsx3_speaker, "ESPEAK_LIBRARIES", ("libno-such-espeak.so.1",))
    monkeypatch.setattr(pyttsx3_speaker.sys, "platform", "linux")
    problem = Pyttsx3Speaker(sink=FolderSink(tmp_path)).availability_problem()
    assert problem is not None and "espeak-ng" in problem.message and "apt install espeak-ng" in problem.advice


def test_a_missing_player_is_explained():
    problem = Pyttsx3Speaker(sink=CommandPlayer(["no-such-player-xyz"])).availability_problem()
    assert problem is not None and "no-such-player-xyz" in problem.message


def test_a_text_too_long_for_one_go_is_said_sentence_by_sentence(make_speaker, tmp_path):
    speaker = make_speaker(sink=FolderSink(tmp_path))
    sentences = ["This is sentence number %d of a very long text about the screen." % i for i in range(62)]
    text = " ".join(sentences)
    assert len(text) > MAX_SYNTH_CHARS
    speaker.speak(text)
    assert speaker.wait_until_done(60)
    assert [p.read_text() for p in sorted(tmp_path.glob("*.txt"))] == sentences
