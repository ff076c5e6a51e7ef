"""The NVDA route: harmless on Linux; its logic checked against a stand-in for the controller client DLL."""

from __future__ import annotations

import sys

import pytest
from speech_checks import wait_until

from inkscope_desktop.speech.nvda_speaker import NvdaSpeaker


class ControllerClientDouble:
    """The three functions of nvdaControllerClient.dll that the route calls, recording what it was asked."""

    def __init__(self, is_running: bool = True, speak_status: int = 0) -> None:
        self.is_running = is_running
        self.speak_status = speak_status
        self.said: list[str] = []
        self.cancels = 0

    def nvdaController_testIfRunning(self) -> int:
        return 0 if self.is_running else 1717  # RPC_S_UNKNOWN_IF, as when NVDA is not running

    def nvdaController_speakText(self, text: str) -> int:
        self.said.append(text)
        return self.speak_status

    def nvdaController_cancelSpeech(self) -> int:
        self.cancels += 1
        return 0


@pytest.mark.skipif(sys.platform == "win32", reason="the real DLL may be present on Windows")
def test_nvda_is_unavailable_off_windows():
    problem = NvdaSpeaker().availability_problem()
    assert problem is not None and "Windows" in problem.message


def test_available_only_while_nvda_runs():
    assert NvdaSpeaker(library=ControllerClientDouble(is_running=True)).availability_problem() is None
    problem = NvdaSpeaker(library=ControllerClientDouble(is_running=False)).availability_problem()
    assert problem is not None and problem.user_text == "NVDA is not running. Start NVDA, or choose the own voice in the speech settings."


def test_pieces_go_to_nvda_in_order_and_stop_cancels_its_speech():
    client = ControllerClientDouble()
    speaker = NvdaSpeaker(library=client)
    for text in ["One.", "Two.", "Three."]:
        speaker.speak(text)
    assert speaker.wait_until_done(5)
    assert client.said == ["One.", "Two.", "Three."]
    speaker.stop()  # NVDA may still be reading them: silence it
    assert client.cancels == 1
    speaker.stop()  # nothing of ours since: NVDA's own speech is left alone
    assert client.cancels == 1
    speaker.close()


def test_a_refused_text_is_reported():
    speaker = NvdaSpeaker(library=ControllerClientDouble(speak_status=5))
    problems = []
    speaker.on_problem = problems.append
    speaker.speak("Hello.")
    assert speaker.wait_until_done(5)
    assert wait_until(lambda: len(problems) == 1) and "error 5" in problems[0].message
