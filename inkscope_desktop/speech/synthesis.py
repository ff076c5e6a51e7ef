"""SynthesisProcess: drives the pyttsx3 child that writes each piece to a WAV file; killing it stops at once.

Threading: ``synthesize`` is called by one thread at a time (the speaker's worker). ``start``, ``kill``,
``kill_if_busy`` and ``pid`` may be called from any thread and return at once. A reader thread per child
turns its answers into a queue, so waiting has a timeout on every platform.
"""

from __future__ import annotations

import json
import logging
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from inkscope_desktop.speech.audio import child_group_args, kill_child
from inkscope_desktop.speech.base import SpeechError

log = logging.getLogger(__name__)

CHILD_SCRIPT = Path(__file__).with_name("synth_child.py")
#: How long a fresh child may take to load pyttsx3 and the voice.
READY_TIMEOUT_S = 20.0


def list_voices(driver: str | None = None, *, python: str | None = None,
                timeout_s: float = 15.0) -> list[dict]:
    """The own voice's voices as ``{"id", "name", "languages"}`` dicts, read in a child process.

    Takes about 0.2 s (a Python start and pyttsx3's init): call it off the GUI thread. Raises SpeechError
    when pyttsx3 cannot start.
    """
    args = [python or sys.executable, str(CHILD_SCRIPT), "--voices", *([driver] if driver else [])]
    try:
        result = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_s)
        return json.loads(result.stdout.decode("utf-8").splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as error:
        raise SpeechError(f"The own voice's voices could not be listed ({error}).", voice_advice()) from error


def voice_advice() -> str:
    if sys.platform.startswith("linux"):
        return ("Install espeak-ng (on Debian or Ubuntu: sudo apt install espeak-ng), or choose the screen "
                "reader route in the speech settings.")
    return "Check the system's text-to-speech voices, or choose the screen reader route in the speech settings."


@dataclass
class _Child:
    process: subprocess.Popen
    answers: "queue.Queue[dict | None]" = field(default_factory=queue.Queue)
    is_ready: bool = False
    is_busy: bool = False
    was_killed: bool = False


class SynthesisProcess:
    """A pyttsx3 child process (started on demand, restarted after it is killed or crashed).

    ``options`` go to the child: ``voice``, ``rate``, ``volume`` and ``driver`` (a pyttsx3 driver name).
    """

    def __init__(self, options: dict | None = None, *, python: str | None = None,
                 script: Path = CHILD_SCRIPT) -> None:
        self._options = dict(options or {})
        self._python = python or sys.executable
        self._script = script
        self._lock = threading.Lock()
        self._child: _Child | None = None
        self.spawned = 0
        self.warnings: list[str] = []

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._child.process.pid if self._child else None

    @property
    def is_busy(self) -> bool:
        """True while a piece is being synthesized."""
        with self._lock:
            return self._child is not None and self._child.is_busy

    def start(self) -> None:
        """Start the child now if none runs (it loads the voice in the background)."""
        with self._lock:
            self._running_child()

    def synthesize(self, text: str, path: Path, timeout_s: float | None = None) -> None:
        """Write the audio of ``text`` to ``path`` (a WAV file); raise SpeechError on failure or kill."""
        timeout_s = timeout_s if timeout_s is not None else 10.0 + 0.05 * len(text)
        with self._lock:
            child = self._running_child()
            child.is_busy = True
        try:
            if not child.is_ready:
                self._wait_ready(child)
            request = json.dumps({"text": text, "path": str(path)}) + "\n"
            try:
                assert child.process.stdin is not None
                child.process.stdin.write(request.encode("utf-8"))
                child.process.stdin.flush()
            except OSError:
                raise self._ended(child) from None
            answer = self._answer(child, timeout_s)
            if "error" in answer:
                raise SpeechError(f"The own voice could not say a sentence ({answer['error']}).", voice_advice())
        finally:
            child.is_busy = False

    def kill_if_busy(self) -> None:
        """Kill the child if it is synthesizing (a stop during a long piece); an idle child is kept."""
        with self._lock:
            child = self._child
        if child is not None and child.is_busy:
            self._kill(child)

    def kill(self) -> None:
        with self._lock:
            child, self._child = self._child, None
        if child is not None:
            self._kill(child)

    close = kill

    # --- inside --------------------------------------------------------------------------------------
    def _running_child(self) -> _Child:
        """The live child, spawning one if needed (call with the lock held)."""
        child = self._child
        if child is not None and child.process.poll() is None and not child.was_killed:
            return child
        args = [self._python, str(self._script), json.dumps(self._options)]
        try:
            process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, **child_group_args())
        except OSError as error:
            raise SpeechError(f"The speech process could not start ({error}).", voice_advice()) from error
        child = _Child(process)
        threading.Thread(target=_read_answers, args=(child,), name="inkscope-speech-synth-reader",
                         daemon=True).start()
        self._child = child
        self.spawned += 1
        return child

    def _wait_ready(self, child: _Child) -> None:
        answer = self._answer(child, READY_TIMEOUT_S)
        if "error" in answer:
            raise SpeechError(f"The own voice could not start ({answer['error']}).", voice_advice())
        child.is_ready = True
        self.warnings = list(answer.get("warnings") or [])
        for warning in self.warnings:
            log.warning("Speech: %s", warning)

    def _answer(self, child: _Child, timeout_s: float) -> dict:
        try:
            answer = child.answers.get(timeout=timeout_s)
        except queue.Empty:
            self._kill(child)
            raise SpeechError("The speech process did not answer in time.",
                              "Speech starts again with the next description.") from None
        if answer is None:
            raise self._ended(child)
        return answer

    def _ended(self, child: _Child) -> SpeechError:
        if child.was_killed:
            return SpeechError("Speech was stopped.")
        code = child.process.wait()
        return SpeechError(f"The speech process ended unexpectedly (exit code {code}).",
                           "Speech starts again with the next description; if this keeps happening, choose "
                           "another voice or route in the speech settings.")

    def _kill(self, child: _Child) -> None:
        child.was_killed = True
        kill_child(child.process)


def _read_answers(child: _Child) -> None:
    stream = child.process.stdout
    assert stream is not None
    for line in stream:
        try:
            child.answers.put(json.loads(line))
        except ValueError:
            log.debug("Speech child said: %r", line)
    child.answers.put(None)
    stream.close()
    try:
        child.process.stdin.close()  # type: ignore[union-attr]
    except OSError:
        pass
    child.process.wait()  # reap it
