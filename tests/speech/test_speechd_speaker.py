"""The speech-dispatcher route against a real daemon (private socket, an output module that logs messages)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
from speech_checks import wait_until

from inkscope_desktop.speech.speechd_speaker import SpeechDispatcherSpeaker, import_speechd

ROUTES = ["python3-speechd", "spd-say"]
#: python3-speechd ends its reader thread with sys.exit() when a connection closes; pytest reports that.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def make(route: str, daemon, **kwargs) -> SpeechDispatcherSpeaker:
    if route == "python3-speechd" and import_speechd() is None:
        pytest.skip("python3-speechd is not installed (apt-get install python3-speechd)")
    if route == "spd-say" and shutil.which("spd-say") is None:
        pytest.skip("spd-say is not installed")
    speaker = SpeechDispatcherSpeaker(use_spd_say=route == "spd-say", address=daemon.address, **kwargs)
    assert speaker.route == route
    return speaker


@pytest.fixture
def speakers():
    made: list[SpeechDispatcherSpeaker] = []
    yield made
    for speaker in made:
        speaker.close()


@pytest.mark.parametrize("route", ROUTES)
def test_pieces_reach_the_daemon_in_order(route, speech_daemon, speakers):
    speaker = make(route, speech_daemon)
    speakers.append(speaker)
    problems = []
    speaker.on_problem = problems.append
    assert speaker.availability_problem() is None
    for text in ["First piece", "Second piece", "Third piece"]:
        speaker.speak(text)
    assert speaker.wait_until_done(30)
    assert speech_daemon.lines() == ["begin First piece", "end First piece", "begin Second piece",
                                     "end Second piece", "begin Third piece", "end Third piece"]
    assert problems == []


@pytest.mark.parametrize("route", ROUTES)
def test_stop_cancels_the_current_and_the_queued_pieces(route, speech_daemon, speakers):
    speaker = make(route, speech_daemon)
    speakers.append(speaker)
    for text in ["Cut off piece", "Never spoken", "Never either"]:
        speaker.speak(text)
    assert speech_daemon.wait_for("begin Cut off piece")
    speaker.stop()
    assert wait_until(lambda: not speaker.is_speaking, 5)
    time.sleep(0.8)  # longer than the module "speaks" one piece: an uncancelled piece would end by now
    assert speech_daemon.lines() == ["begin Cut off piece"]
    speaker.speak("After the stop")
    assert speaker.wait_until_done(30)
    assert speech_daemon.lines()[-2:] == ["begin After the stop", "end After the stop"]


def test_silencing_the_screen_reader_drops_the_rest(speech_daemon, speakers):
    speaker = make("python3-speechd", speech_daemon)
    speakers.append(speaker)
    for text in ["Being said", "Dropped"]:
        speaker.speak(text)
    assert speech_daemon.wait_for("begin Being said")
    subprocess.run(["spd-say", "--cancel"], env={**os.environ, "SPEECHD_ADDRESS": speech_daemon.address}, check=True,
                   timeout=10)  # what a screen reader's "stop speech" key does
    assert wait_until(lambda: not speaker.is_speaking, 5)
    time.sleep(0.8)
    assert speech_daemon.lines() == ["begin Being said"]


def test_a_daemon_that_is_not_running_is_explained(tmp_path):
    speaker = SpeechDispatcherSpeaker(address=f"unix_socket:{tmp_path / 'none.sock'}")
    problem = speaker.availability_problem()
    assert problem is not None and problem.message == "speech-dispatcher is not running."
    assert "Orca" in problem.advice


@pytest.mark.parametrize("route", ROUTES)
def test_a_daemon_that_goes_away_is_reported(route, speech_daemon, speakers):
    speaker = make(route, speech_daemon)
    speakers.append(speaker)
    problems = []
    speaker.on_problem = problems.append
    speaker.speak("Before")
    assert speaker.wait_until_done(30)
    speech_daemon.process.kill()
    speech_daemon.process.wait(5)
    speaker.speak("After")
    assert speaker.wait_until_done(30)
    assert len(problems) == 1 and "speech-dispatcher" in problems[0].message


def test_a_daemon_that_dies_mid_sentence_is_reported(speech_daemon, speakers):
    speaker = make("python3-speechd", speech_daemon)
    speakers.append(speaker)
    problems = []
    speaker.on_problem = problems.append
    speaker.speak("Interrupted by a crash")
    assert speech_daemon.wait_for("begin Interrupted by a crash")
    speech_daemon.process.kill()
    assert speaker.wait_until_done(30)
    assert len(problems) == 1 and "stopped" in problems[0].message


def test_the_debian_client_loads_inside_a_virtual_environment():
    if not os.path.isdir("/usr/lib/python3/dist-packages/speechd"):
        pytest.skip("python3-speechd is not installed")
    module = import_speechd()
    assert module is not None and hasattr(module, "SSIPClient")
