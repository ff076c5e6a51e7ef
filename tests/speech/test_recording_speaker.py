"""The recording speaker test double, and the QueuedSpeaker and SilentSpeaker behaviour it relies on."""

from __future__ import annotations

from speech_checks import wait_until

from inkscope_desktop.speech.base import SpeechError
from inkscope_desktop.speech.recording import RecordingSpeaker
from inkscope_desktop.speech.silent import SilentSpeaker


def test_pieces_are_said_in_order_and_reported_as_they_start():
    speaker = RecordingSpeaker()
    heard = []
    speaker.on_piece_started = heard.append
    for text in ["a", "b", "  ", "c"]:
        speaker.speak(text)
    assert speaker.wait_until_done(5)
    assert speaker.spoken == ["a", "b", "c"] and heard == ["a", "b", "c"]
    assert not speaker.is_speaking


def test_stop_cuts_off_and_drops_the_queue():
    speaker = RecordingSpeaker(seconds_per_char=10.0)
    speaker.speak("long")
    speaker.speak("queued")
    assert wait_until(lambda: len(speaker.started) == 1, 5)
    assert speaker.is_speaking
    speaker.stop()
    assert speaker.wait_until_done(5)
    assert speaker.cut_off == ["long"] and speaker.spoken == []


def test_failures_are_reported_and_a_broken_listener_is_survived():
    speaker = RecordingSpeaker(fail_with=SpeechError("Broken.", "Fix it."))

    def broken_listener(error):
        raise RuntimeError("listener bug")

    speaker.on_problem = broken_listener
    speaker.speak("x")
    speaker.speak("y")
    assert speaker.wait_until_done(5)
    problems = []
    speaker.on_problem = problems.append
    speaker.speak("z")
    assert speaker.wait_until_done(5) and [p.user_text for p in problems] == ["Broken. Fix it."]


def test_close_ends_the_worker_and_ignores_later_pieces():
    speaker = RecordingSpeaker()
    speaker.speak("a")
    speaker.close()
    speaker.speak("b")
    assert speaker.closed and not speaker.is_speaking and "b" not in speaker.spoken


def test_the_silent_speaker_reports_its_reason_only():
    reasons = []
    silent = SilentSpeaker(SpeechError("No voice.", "Install one."))
    silent.on_problem = reasons.append
    silent.speak("hello")
    silent.speak("   ")
    plain = SilentSpeaker()
    plain.on_problem = reasons.append
    plain.speak("hello")
    assert [r.user_text for r in reasons] == ["No voice. Install one."]
    assert not silent.is_speaking and silent.availability_problem() is None
