"""VoiceOver route (macOS): hands each piece to the running VoiceOver through AppleScript.

VoiceOver's AppleScript dictionary has ``output TEXT``, which VoiceOver says in its own voice, queued after what
it is saying. It works only when "Allow VoiceOver to be controlled with AppleScript" is on in VoiceOver Utility
(General); otherwise ``osascript`` fails with error -1743 or "not allowed", and ``availability_problem`` says how
to allow it. The next route is Qt's accessibility announcements (NSAccessibility announcement requests), which
VoiceOver also speaks. VoiceOver cannot be told to stop a piece it was given. Not run by this project's CI.
Threading rules: see ``inkscope_desktop.speech.base``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence

from inkscope_desktop.speech.base import QueuedSpeaker, SpeechError

#: Runs a command and returns (exit status, what it printed on stderr); tests pass a double.
Runner = Callable[[Sequence[str], float], "tuple[int, str]"]
TIMEOUT_S = 3.0
ALLOW_ADVICE = ("In VoiceOver Utility, General, turn on 'Allow VoiceOver to be controlled with AppleScript', "
                "or choose the own voice in the speech settings.")


def run_command(args: Sequence[str], timeout_s: float) -> tuple[int, str]:
    try:
        done = subprocess.run(list(args), stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired) as error:
        return -1, str(error)
    return done.returncode, done.stderr.decode("utf-8", "replace").strip()


def voiceover_running(run: Runner = run_command) -> bool:
    """Whether the VoiceOver process runs (``pgrep -x VoiceOver``; a few milliseconds)."""
    return run(["pgrep", "-x", "VoiceOver"], TIMEOUT_S)[0] == 0


def applescript_output(text: str) -> list[str]:
    """The osascript command that makes VoiceOver say ``text`` (quotes and backslashes escaped)."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")
    return ["osascript", "-e", f'tell application "VoiceOver" to output "{quoted}"']


class VoiceOverSpeaker(QueuedSpeaker):
    name = "voiceover"
    is_screen_reader_route = True

    def __init__(self, *, run: Runner = run_command, platform: str | None = None) -> None:
        super().__init__()
        self._run = run
        self._platform = platform or sys.platform

    def availability_problem(self) -> SpeechError | None:
        if self._platform != "darwin":
            return SpeechError("VoiceOver runs only on macOS.", "Use another speech route here.")
        if not voiceover_running(self._run):
            return SpeechError("VoiceOver is not running.", "Start it with Command-F5, or choose the own voice.")
        status, error = self._run(applescript_output(""), TIMEOUT_S)
        if status != 0:
            return SpeechError(f"VoiceOver does not take text from other programs ({error or status}).",
                               ALLOW_ADVICE)
        return None

    def _say(self, text: str, turn: int) -> None:
        if not self._is_current(turn):
            return
        status, error = self._run(applescript_output(text), TIMEOUT_S)
        if status != 0:
            raise SpeechError(f"VoiceOver did not take the text ({error or status}).", ALLOW_ADVICE)
        self._report_started(text)
